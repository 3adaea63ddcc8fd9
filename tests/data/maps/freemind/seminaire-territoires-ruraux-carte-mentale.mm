<map version="1.0.1">
<!-- written by tests/data/maps/make_maps.py -->
<node ID="ID_1558432315" TEXT="Séminaire « territoires ruraux » : carte mentale">
<node ID="ID_3055762023" POSITION="right" TEXT="Ateliers">
<node ID="ID_2476627963" TEXT="Développement de l'agir citoyen">
<icon BUILTIN="idea"/>
</node>
<node ID="ID_2275423225" TEXT="Ressources financières au service du pouvoir d'agir local"/>
<node ID="ID_960962592" TEXT="Politiques publiques et initiatives"/>
<node ID="ID_3221064190" TEXT="Animer et faciliter les dynamiques territoriales"/>
<node ID="ID_246940576" TEXT="Transitions et territoires"/>
</node>
<node ID="ID_370890950" POSITION="left" TEXT="Ressources">
<node ID="ID_4143005631" TEXT="Programme et synthèse">
<icon BUILTIN="idea"/>
</node>
<node ID="ID_4239076279" TEXT="PPT et vidéos (à joindre)"/>
</node>
<node ID="ID_1502656307" POSITION="right" TEXT="Pour s'inspirer">
<node ID="ID_885609780" TEXT="Exemples de prospective">
<icon BUILTIN="idea"/>
<node ID="ID_1112816389" TEXT="Prise de conscience de la nécessité de changer de cadre d'action stratégique (Brière 2060)"/>
<node ID="ID_1705601913" TEXT="Prise de conscience de l'importance d'accompagner l'innovation sur le territoire : posture de facilitateur d'innovation territorial ==&gt; LAB 41 (Loir-et-cher 2020)"/>
<node ID="ID_2936725130" TEXT="Capacité des communes à retrouver des dynamiques. Reconnu par la Région ==&gt; AAP créé (Pays Nivernais Morvan)">
<node ID="ID_3992646493" TEXT="AAP intéressant quand on fait se rencontrer une logique ascendante d'acteurs locaux avec l'échelle régionale (articuler, marier, combiner les dynamiques locales et régionales)"/>
</node>
</node>
<node ID="ID_1118984345" TEXT="Tiers-lieux">
<node ID="ID_5300746" TEXT="Volonté de contribuer à des logiques de développement territorial et coopération"/>
<node ID="ID_3029402875" TEXT="Coopérative tiers-lieu(x) (Nvelle Aquitaine)"/>
<node ID="ID_2676010482" TEXT="Brie'nov living lab"/>
<node ID="ID_1725295822" TEXT="Ubo open factory (nom ?)"/>
</node>
<node ID="ID_683426685" TEXT="Loos-en-Gohelle">
<node ID="ID_280416999" TEXT="Modélisation des ingrédients de la transition"/>
<node ID="ID_1124350511" TEXT="La Fabrique des transitions (mise en commun capacité d'ingénierie des transitions"/>
<node ID="ID_1174898159" TEXT="Implication acteurs locaux, citoyens"/>
</node>
<node ID="ID_3523373100" TEXT="Saint-Pierre-et-Miquelon">
<node ID="ID_2081675369" TEXT="Un territoire en pleine transformation"/>
</node>
</node>
<node ID="ID_3757881002" POSITION="left" TEXT="Livre Atterrir de Bruno Latour">
<node ID="ID_3108481505" TEXT="Il faut sortir du dualisme local identitaire / de la fermeture locale qui s'opposerait à la mondialisation des échanges">
<icon BUILTIN="idea"/>
<node ID="ID_2697981841" TEXT="Problématiques auxquelles on doit répondre s'inscrivent dans local et mondial ! On ne peut faire territoire sur la base d'un dualisme"/>
</node>
<node ID="ID_819707692" TEXT="Il faut se re-situer d'un point de vue terrestre : penser le local, c'est s'interroger sur ce dont on dépend pour vivre, avec qui on s'allie, avec qui on coopère, sur quels projets on s'engage"/>
<node ID="ID_1870078106" TEXT="Bifurcation écologique : pas que transition écologique (obj DD) mais c'est un changement radical de penser l'habitat terrestre et de considérer que demain faire territoire = édifier des socio-écosystèmes qui contribuent à régénérer le vivant, la capacité des hommes à vivre en relation, entre eux et avec tous ceux qui composent la Terre (tous les non humains dont nous dépendons pour vivre)"/>
<node ID="ID_3957605149" TEXT="Elargir spectre des acteurs avec qui on doit faire pour vivre et habiter (j'ai retraduit)"/>
<node ID="ID_1107854076" TEXT="Demain la question de la coopération pourrait devenir essentiel mais il faut que le changement de monde et de culture le permette"/>
<node ID="ID_327694368" TEXT="Quand on pense DD, on pense stabilité en particulier culturel dans lequel on va évoluer, or anthropocène = on va repenser la culture avec laquelle on doit penser le monde de demain"/>
</node>
<node ID="ID_766513832" POSITION="right" TEXT="Quelques questionnements">
<node ID="ID_1421377327" TEXT="Les métropoles intègrent-elles ces éléments dans leurs projets de T (avec leurs T. voisins ?)">
<icon BUILTIN="idea"/>
<node ID="ID_1923773665" TEXT="Oui sur les questions alimentation, énergie, mobilité"/>
<node ID="ID_85196057" TEXT="Prise de conscience que le modèle métropolitain arrive à un bout de cycle"/>
<node ID="ID_2919318999" TEXT="S'interroger sur le sens mobilité, fragilité, etc. des systèmes métropolitains"/>
<node ID="ID_2095339102" TEXT="Métropoles de Nantes, Bordeaux, Angers, Grenoble = réflexion claire sur comment peut-on repenser les formes d'organisation territoriales et logiques de stratégies et de coopération avec une volonté de davantage faire correspondre le périmètre géographique et stratégique"/>
</node>
</node>
<node ID="ID_1932426516" POSITION="left" TEXT="Construction du récit">
<node ID="ID_1585810175" TEXT="Apporte la réponse à une question, mais pas à toutes les questions qui sont posées (reste à la marge)">
<icon BUILTIN="idea"/>
</node>
<node ID="ID_1907675755" TEXT="Nouveaux récits en train de se faire = là que cela s'invente mais marginal"/>
</node>
<node ID="ID_2469944245" POSITION="right" TEXT="Contexte">
<node ID="ID_2049811358" TEXT="Transitions">
<icon BUILTIN="idea"/>
<node ID="ID_2055488014" TEXT="Changements environnementaux globaux"/>
<node ID="ID_2001874460" TEXT="Transformation numérique (développement de connectivités)"/>
<node ID="ID_3252834444" TEXT="Hausse et vieillissement de la population (migrations)"/>
<node ID="ID_2338483942" TEXT="Conséquences de la crise sanitaire">
<node ID="ID_2659716309" TEXT="Émergence d’initiatives venant de toute part y compris d'acteurs non connus"/>
<node ID="ID_4190589275" TEXT="Point négatif &quot;Putain de Facteur Humain&quot; = rigidité"/>
<node ID="ID_2365966844" TEXT="Rebond, nouvelles dynamiques">
<node ID="ID_2116832080" TEXT="On a appris à travailler différemment / agir sans subir / Se renforcer"/>
<node ID="ID_844370992" TEXT="Forme d'écoute partagée des territoires et acteurs"/>
<node ID="ID_918629380" TEXT="Faire lien par les visio-conférences"/>
<node ID="ID_2281111242" TEXT="Des moyens limités dans les territoires ruraux mais enrichissement, ruissellement et ré-invention"/>
<node ID="ID_1171275919" TEXT="l’inscription de nos réseaux dans la construction de (à compléter cf. vidéo claude)"/>
<node ID="ID_2998726981" TEXT="Sortir de l'entre-soi"/>
<node ID="ID_3997107336" TEXT="Des liens, une aventure humaine"/>
</node>
</node>
</node>
<node ID="ID_3478018957" TEXT="Territoires : changements rapides et systémiques">
<node ID="ID_3611428516" TEXT="Mutation des systèmes productifs">
<node ID="ID_1406036927" TEXT="Place des T. et du DL ?"/>
</node>
<node ID="ID_2674395464" TEXT="Dégradation des écosystèmes naturels">
<node ID="ID_599636785" TEXT="Des ruptures et effondrements"/>
</node>
<node ID="ID_3087097593" TEXT="Changements démographiques et migrations">
<node ID="ID_348308725" TEXT="Regain d'attrait pour petites villes et les t. ruraux">
<node ID="ID_1557718868" TEXT="Va s'accentuer sûrement, aujourd'hui encore faible"/>
</node>
</node>
<node ID="ID_1613284389" TEXT="Généralisation de la transition écologique"/>
<node ID="ID_1144995150" TEXT="Fragilisation de la cohésion sociale, évolution du lien social,"/>
<node ID="ID_2545716250" TEXT="Transformation des services aux publics">
<node ID="ID_1569617223" TEXT="Volonté de reprendre la main">
<node ID="ID_3463849155" TEXT="Financements citoyens"/>
<node ID="ID_3081325707" TEXT="Acteurs privés"/>
</node>
<node ID="ID_2061583597" TEXT="Différenciation de plus en plus forte des territoires en fonction notamment des capacités locales à prendre en charge ces services"/>
</node>
<node ID="ID_3478080101" TEXT="Contraintes externes fortes auprès des T ==&gt; vont être obligés de s'adapter vite, contraints de le faire">
<node ID="ID_4099135140" TEXT="Logique d'écosystème (on cherchera à être mieux organisés localement et moins dépendants de logiques et décisions extérieurs)"/>
<node ID="ID_3486181836" TEXT="Différenciations plus fortes des T qui vont s'accentuer"/>
</node>
<node ID="ID_1882206695" TEXT="Incertitude sur la combinaison des grandes mutations (temps, espaces)">
<node ID="ID_3452335113" TEXT="Forte incertitude sur ce que cela va produire"/>
</node>
<node ID="ID_3274568108" TEXT="Paysage institutionnel local assez confus : une aspiration à plus de liberté et de responsabilité au niveau local (être moins dans la norme mais plus dans le projet) :  ==&gt; . ==&gt;">
<node ID="ID_1610480965" TEXT="Au niveau central et déconcentré de l'Etat, tout ne va pas dans ce sens. Mais mouvement engagé puissant. Volonté de s’organiser différemment,"/>
<node ID="ID_1459305077" TEXT="Contraintes qui pèsent sur pouvoirs publics, capacité à s'organiser localement"/>
</node>
<node ID="ID_2609542830" TEXT="Tendance de fond de la capacité à répondre des territoires (10-20 ans d'ici)">
<node ID="ID_218008772" TEXT="Changement de posture engagé par l'Etat (ressenti) pour que l'Etat déconcentré apporte son soutien aux dynamiques de DL + montée en compétences des coll. terr sur dynamiques de projet"/>
</node>
</node>
<node ID="ID_3817251745" TEXT="Anthropocène">
<node ID="ID_2364344859" TEXT="&quot;Nous sommes en train de changer d'ère géologique&quot;">
<node ID="ID_1410189080" TEXT="Changement d'époque géologique, pour la première fois, serait posée par une espèce animale = les humains"/>
<node ID="ID_1091130258" TEXT="Temps géologique = temps distinct du temps historique"/>
</node>
<node ID="ID_2737194429" TEXT="Crise de l'habitabilité de la Terre">
<node ID="ID_1025123445" TEXT="Change en profondeur l'ensemble des territoires dans lesquels on vit"/>
<node ID="ID_3033185311" TEXT="Incertitude sur notre capacité de survie"/>
<node ID="ID_1706231102" TEXT="Un nouveau monde, de nouvelles manière d'habiter"/>
<node ID="ID_2204112104" TEXT="Menace sur la capacité des hommes à habiter la Terre avec des processus qui les dépassent"/>
</node>
</node>
</node>
<node ID="ID_2735223999" POSITION="left" TEXT="Enjeux et pistes de travail pour les territoires ruraux">
<node ID="ID_64412942" TEXT="Tous les changements n'ont de sens que s'ils s'inscrivent dans la durée = un défi considérable pour les territoires">
<icon BUILTIN="idea"/>
<node ID="ID_1940339006" TEXT="Nécessité de faire valoir une contractualisation réelle et opposable et engageante et soumise à un projet de territoire, qui ne change pas tout le temps (les territoires ont besoin de temps !)"/>
</node>
<node ID="ID_1654645226" TEXT="Une partie des réponses à apporter aux changements se trouvent au niveau local">
<node ID="ID_1758961374" TEXT="Nécessité de renforcer l'ingénierie technique et l'animation des territoires qui révélè la capacité des acteurs à travailler ensemble, coopérer et monter des actions collectives"/>
</node>
<node ID="ID_3533645739" TEXT="Coopération perdue entre métropole et territoires péri-urbains">
<node ID="ID_2633481863" TEXT="Lien qui  doit être reconstruit (logique territoriale, planification et stratégie)"/>
<node ID="ID_1049236507" TEXT="Réflexion en émergence sur comment concevoir une logique  d’organisation territoriale qui intègre réflexion des populations, acteurs locaux"/>
<node ID="ID_1218888370" TEXT="Revenir à des vieilles recettes et se poser la question de pourquoi ça n'a pas marché ?"/>
</node>
<node ID="ID_1035719509" TEXT="Renforcer l'ingénierie dans les territoires dans l'Anthropocène">
<node ID="ID_912580643" TEXT="Est-ce que l'ingénierie, les capacités d'animation et manière de faire dans les territoires vaudra encore demain dans l'Anthropocène. Les outils dont nous disposons sont-ils les mêmes ? Les T. d'auj sont-ils ceux de demain ?"/>
<node ID="ID_1047953070" TEXT="Comment fait-on territoire quand ce qui faisait territoire n'existe plus ?"/>
<node ID="ID_1927705282" TEXT="Remise en cause de la capacité d'habiter certains territoires"/>
<node ID="ID_2459450783" TEXT="Avant de se projeter : à quoi est-on réellement attaché avant de construire un futur commun ?"/>
<node ID="ID_2859227080" TEXT="Penser ce futur, travailler l'ingénierie, le politique mais aussi la sensibilité et la dimension affective avec les personnes et le territoire où on habite"/>
<node ID="ID_1406514108" TEXT="Se donner la capacité à expérimenter et apprendre et comprendre"/>
<node ID="ID_2375276158" TEXT="Des changements de paradigme mais on est souvent peu en capacité de les produire, il faut inventer les représentation qui permettent de faire évoluer">
<node ID="ID_3193790825" TEXT="Il faut re-faire territoire avec des représentations à inventer"/>
<node ID="ID_2821428685" TEXT="Ne pas juste trouver la bonne trajectoire, inventer les mots, les regards, les représentations qui permettent d'opérer les transformations"/>
<node ID="ID_3063507763" TEXT="Un des outils = approches artistiques, photographiques avant de penser le futur"/>
</node>
<node ID="ID_3140818221" TEXT="Accepter de s’émouvoir, recréer de la relation à travers la sensibilité">
<node ID="ID_762426620" TEXT="Pour penser, imaginer, il faut commencer de s'émouvoir, se mettre en mouvement, être en capacité d'avancer"/>
<node ID="ID_713294457" TEXT="Une transofrmation d'abord culturelle avant tout !"/>
</node>
</node>
<node ID="ID_3701551207" TEXT="Des questions qui se posent">
<node ID="ID_2948881497" TEXT="Comment faire de la prospective ?"/>
<node ID="ID_929880912" TEXT="Faut-il quitter le territoire ?"/>
<node ID="ID_105392288" TEXT="Comment se réinventer ? (l'ingénierie doit s'intégrer dans un cadre où l'on peut trouver des solutions, il faut un collectif qui a assez d'énergie, il faut des ressources)"/>
<node ID="ID_4008140326" TEXT="Comment trouver les ressources pour faire face à cette transformation ?"/>
<node ID="ID_60988137" TEXT="Confrontation au vide et à la rupture ==&gt; comment se réinventer ?"/>
<node ID="ID_441510813" TEXT="Engager les Responsabilités individuelles et collectives"/>
<node ID="ID_4252242274" TEXT="Comment on s'inscrit dans un territoire et on le fait évoluer ?"/>
<node ID="ID_2762951091" TEXT="Difficultés souvent dues à des facteurs humains (PFH) : il faut se le dire et le reconnaître"/>
<node ID="ID_2279107495" TEXT="Il ne suffit pas de parler de coopération et de partenariats, il faut le mettre en oeuvre / le faire"/>
</node>
<node ID="ID_1745777294" TEXT="3 principes à appliquer">
<node ID="ID_206582385" TEXT="Posture d'anticipation et de construction">
<node ID="ID_1816806700" TEXT="Se préparer à des changements, anticiper"/>
<node ID="ID_2386690797" TEXT="Prendre la mesure des grands changements qui s'annoncent"/>
<node ID="ID_1744291520" TEXT="Projection collective : amener les acteurs à souhaiter quelque chose et faire en sorte qu'ils souhaitent s'engager dans quelque chose de durable"/>
<node ID="ID_3539096435" TEXT="S'engager dans de nouveaux espaces de construction stratégiques"/>
<node ID="ID_4032442563" TEXT="Sortir du cadre"/>
</node>
<node ID="ID_1100286637" TEXT="Coopération et construction collective"/>
<node ID="ID_4212202086" TEXT="Approches systémiques et territorialisation"/>
<node ID="ID_2537903554" TEXT="Inscrire ces 3 principes dans durée et l'espace">
<node ID="ID_992724580" TEXT="Changer de regard (point de départ)"/>
<node ID="ID_3080432393" TEXT="S'accompagne d'une montée en compétence collective"/>
<node ID="ID_979338647" TEXT="Essaimage"/>
<node ID="ID_2175893296" TEXT="Pérenniser / ancrer"/>
<node ID="ID_2909155813" TEXT="compléter (voir ppt)"/>
</node>
</node>
<node ID="ID_1353626510" TEXT="Toute une ingénierie à diffuser et faire monter en puissance ==&gt; accompagner  pour faire travailler ensemble les échelles locales et les échelles département et Régions (deux dernières moins avancées et ont pourtant beaucoup à jouer)"/>
<node ID="ID_2630709123" TEXT="Nous on est convaincu de la nécessité de logique de coopération mais ne va pas de soi dans beaucoup de collectivités"/>
<node ID="ID_3827386885" TEXT="Décalage entre urgence des enjeux dans les territoires et temps que prennent les changements"/>
<node ID="ID_31021515" TEXT="L'avenir des territoires ruraux">
<node ID="ID_1453166577" TEXT="Question de la migration qui redevient centrale"/>
<node ID="ID_1640801999" TEXT="Trouver des solutions ensemble, pas que au sein de son territoire"/>
<node ID="ID_2649309224" TEXT="Repose la question du rapport au vivant de manière générale"/>
<node ID="ID_2486322914" TEXT="Dépasser le rejet de l'autre"/>
</node>
</node>
</node>
</map>
