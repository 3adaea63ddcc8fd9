<map version="freeplane 1.9.13">
<!--To view this file, download free mind mapping software Freeplane from https://www.freeplane.org -->
<node TEXT="Atelier SICTOM du Val d'Arnelle &#x2013; R&#xe9;duire et valoriser nos d&#xe9;chets (14/03/2024)" FOLDED="false" ID="ID_153710184" CREATED="1710403288810" MODIFIED="1710403405549">
<hook NAME="MapStyle" zoom="0.9"/>
<hook NAME="AutomaticEdgeColor" COUNTER="6" RULE="ON_BRANCH_CREATION"/>
<node TEXT="Contexte &amp; chiffres cl&#xe9;s" POSITION="right" ID="ID_579341423" CREATED="1710403329858" MODIFIED="1710403586645">
<node TEXT="38 communes / 41 200 hab. (Corr&#xe8;ze)" ID="ID_1553201078" CREATED="1710403353147" MODIFIED="1710403460620">
<richcontent TYPE="NOTE"><html><head></head><body><p>Territoire tr&#xe8;s rural avec 2 bourgs-centres : Montrevel-sur-Arnelle (6 800 hab.) et Lussac-la-For&#xea;t (3 100 hab.). Le SICTOM n'a que la comp&#xe9;tence collecte, le traitement est d&#xe9;l&#xe9;gu&#xe9; au syndicat d&#xe9;partemental SDTD 19.</p></body></html></richcontent>
</node>
<node TEXT="Intro par Patrick Delmas, pr&#xe9;sident du SICTOM" ID="ID_1368073012" CREATED="1710403429629" MODIFIED="1710403520790">
</node>
<node TEXT="OMR 2023 : 231 kg/hab/an" ID="ID_163989047" CREATED="1710403489931" MODIFIED="1710403523257">
<node TEXT="objectif PLPDMA ==&gt; 180 kg/hab en 2028" ID="ID_599635468" CREATED="1710403507211" MODIFIED="1710403736469">
<richcontent TYPE="NOTE"><html><head></head><body><p>Objectif vot&#xe9; en comit&#xe9; syndical le 12 d&#xe9;cembre 2023 ; le PLPDMA couvre la p&#xe9;riode 2023-2028.</p></body></html></richcontent>
</node>
<node TEXT="moyenne nationale ~ 250 kg (on est un peu mieux)" ID="ID_1305264595" CREATED="1710403578448" MODIFIED="1710403606272">
</node>
</node>
<node TEXT="Emballages + papiers : 58 kg/hab/an" ID="ID_1000911954" CREATED="1710403609510" MODIFIED="1710404180922">
</node>
<node TEXT="Co&#xfb;t complet : 118 &#x20ac;/hab/an" ID="ID_1365438422" CREATED="1710403643403" MODIFIED="1710404114432">
<richcontent TYPE="NOTE"><html><head></head><body><p>Chiffre issu de la matrice ComptaCo&#xfb;t 2022 (ADEME). +9 % en deux ans, surtout &#xe0; cause de la hausse de la TGAP.</p></body></html></richcontent>
<node TEXT="TGAP enfouissement ==&gt; 65 &#x20ac;/t en 2025" ID="ID_1729526405" CREATED="1710403684866" MODIFIED="1710403691680">
</node>
</node>
<node ID="ID_830682427" CREATED="1710403710792" MODIFIED="1710404153935">
<richcontent TYPE="NODE"><html><head></head><body><p>Les OMR contiennent encore pr&#xe8;s d'1/3 de biod&#xe9;chets (caract&#xe9;risation 2022)</p></body></html></richcontent>
<richcontent TYPE="DETAILS"><html><head></head><body><p>caract&#xe9;risation MODECOM sur 12 &#xe9;chantillons</p></body></html></richcontent>
</node>
</node>
<node TEXT="Redevance incitative (RI)" POSITION="left" ID="ID_562382781" CREATED="1710403752213" MODIFIED="1710403915245">
<node TEXT="Pourquoi passer en RI ?" ID="ID_299170184" CREATED="1710403801331" MODIFIED="1710403908506">
<node TEXT="la TEOM ne r&#xe9;compense pas le geste de tri" ID="ID_870902343" CREATED="1710403856128" MODIFIED="1710403957542">
</node>
<node TEXT="REX SMICTOM des Deux-Vall&#xe9;es : -35 % d'OMR en 3 ans" ID="ID_1833294783" CREATED="1710403906210" MODIFIED="1710404183580">
<richcontent TYPE="NOTE"><html><head></head><body><p>Pass&#xe9; en RI en 2019. T&#xe9;moignage de Nadia Ferreira, charg&#xe9;e de mission pr&#xe9;vention, qui a insist&#xe9; sur la hausse des d&#xe9;p&#xf4;ts sauvages la 1re ann&#xe9;e puis leur retour &#xe0; la normale.</p></body></html></richcontent>
</node>
</node>
<node TEXT="Calendrier RI" ID="ID_1251541058" CREATED="1710403916905" MODIFIED="1710404398646">
<node TEXT="2025 = ann&#xe9;e &#xe0; blanc (facture &quot;pour info&quot;)" ID="ID_269222132" CREATED="1710403938266" MODIFIED="1710404335188">
</node>
<node TEXT="1er janvier 2026 : premi&#xe8;re vraie facture" ID="ID_1881132953" CREATED="1710404015623" MODIFIED="1710404323042">
</node>
</node>
<node TEXT="Grille tarifaire (proposition du bureau)" ID="ID_1339854303" CREATED="1710404103020" MODIFIED="1710404482221">
<node TEXT="part fixe 95 &#x20ac;/foyer/an, 12 lev&#xe9;es incluses" ID="ID_198407116" CREATED="1710404133223" MODIFIED="1710404206156">
</node>
<node TEXT="lev&#xe9;e suppl&#xe9;mentaire bac 120 L : 3,20 &#x20ac;" ID="ID_271351960" CREATED="1710404168094" MODIFIED="1710404471539">
</node>
<node TEXT="contr&#xf4;le d'acc&#xe8;s sur les PAV enterr&#xe9;s du centre-bourg" ID="ID_916314859" CREATED="1710404203606" MODIFIED="1710404309513">
<richcontent TYPE="NOTE"><html><head></head><body><p>Les 14 points d'apport volontaire enterr&#xe9;s de Montrevel seront &#xe9;quip&#xe9;s de badges ; 0,80 &#x20ac; par ouverture de tambour de 60 L.</p></body></html></richcontent>
</node>
</node>
<node TEXT="Pu&#xe7;age des bacs : 19 500 bacs &#xe0; &#xe9;quiper" ID="ID_1465121943" CREATED="1710404245040" MODIFIED="1710404720475">
<richcontent TYPE="DETAILS"><html><head></head><body><p>livraison des puces pr&#xe9;vue fin 2024</p></body></html></richcontent>
<richcontent TYPE="NOTE"><html><head></head><body><p>March&#xe9; attribu&#xe9; en janvier 2024 pour 312 000 &#x20ac; HT, subventionn&#xe9; &#xe0; 40 % par l'ADEME (Fonds &#xe9;conomie circulaire).</p></body></html></richcontent>
</node>
<node TEXT="Craintes des &#xe9;lus : d&#xe9;p&#xf4;ts sauvages, br&#xfb;lage, familles nombreuses" ID="ID_894957572" CREATED="1710404297859" MODIFIED="1710404468414">
<node TEXT="==&gt; &#xe9;tudier un tarif social avec les CCAS" ID="ID_1539190226" CREATED="1710404349425" MODIFIED="1710404569109">
<node TEXT="ex : abattement pour les assistantes maternelles (couches) et les personnes incontinentes" ID="ID_1408098873" CREATED="1710404389418" MODIFIED="1710404464288">
</node>
</node>
<node ID="ID_1247056643" CREATED="1710404477645" MODIFIED="1710404657096">
<richcontent TYPE="NODE"><html><head></head><body><p>brigade verte / garde champ&#xea;tre intercommunal ? pas tranch&#xe9;</p></body></html></richcontent>
</node>
</node>
</node>
<node TEXT="R&#xe9;emploi &amp; ressourceries" POSITION="right" ID="ID_1092696249" CREATED="1710404514732" MODIFIED="1710404686071">
<node TEXT="Ressourcerie La Trame (Lussac-la-For&#xea;t)" ID="ID_1474389012" CREATED="1710404569467" MODIFIED="1710404852527">
<node TEXT="ouverte en 2021, chantier d'insertion (6 salari&#xe9;s en ACI)" ID="ID_1570197911" CREATED="1710404647467" MODIFIED="1710404877750">
</node>
<node TEXT="142 t collect&#xe9;es en 2023, dont 61 % r&#xe9;employ&#xe9;es" ID="ID_591876988" CREATED="1710404694971" MODIFIED="1710404753626">
<richcontent TYPE="NOTE"><html><head></head><body><p>Le reste part en recyclage (textiles via Le Relais, m&#xe9;taux) ; seulement 9 % finissent enfouis.</p></body></html></richcontent>
</node>
<node TEXT="Claire Vialle, directrice" ID="ID_961494829" CREATED="1710404704178" MODIFIED="1710405034954">
</node>
<node TEXT="boutique ouverte 3 j/semaine, CA 2023 : 96 000 &#x20ac;" ID="ID_553082198" CREATED="1710404744271" MODIFIED="1710404813674">
</node>
</node>
<node TEXT="Projet de 2e recyclerie au nord du territoire (Saint-Aubin-d'Arnelle ?)" ID="ID_556612023" CREATED="1710404823612" MODIFIED="1710405153575">
<node TEXT="local d'au moins 400 m&#xb2; n&#xe9;cessaire" ID="ID_1999842598" CREATED="1710404894047" MODIFIED="1710405308897">
</node>
<node TEXT="&#xe9;tude de faisabilit&#xe9; : 18 000 &#x20ac;" ID="ID_406814401" CREATED="1710404983306" MODIFIED="1710405464447">
<richcontent TYPE="NOTE"><html><head></head><body><p>Financ&#xe9;e &#xe0; 70 % par la R&#xe9;gion Nouvelle-Aquitaine (AAP &#xe9;conomie circulaire) ; rendu attendu en septembre 2024.</p></body></html></richcontent>
</node>
</node>
<node TEXT="Caissons r&#xe9;emploi dans 3 d&#xe9;ch&#xe8;teries sur 5" ID="ID_629628540" CREATED="1710405023024" MODIFIED="1710405169437">
<richcontent TYPE="NOTE"><html><head></head><body><p>Les objets d&#xe9;pos&#xe9;s sont r&#xe9;cup&#xe9;r&#xe9;s chaque semaine par La Trame.</p></body></html></richcontent>
</node>
<node TEXT="Repair caf&#xe9; 1 samedi/mois &#xe0; la m&#xe9;diath&#xe8;que de Montrevel" ID="ID_664233310" CREATED="1710405101603" MODIFIED="1710405666761">
<richcontent TYPE="NOTE"><html><head></head><body><p>Anim&#xe9; par l'association Les Bricol'heures ; 25 objets r&#xe9;par&#xe9;s en moyenne par s&#xe9;ance.</p></body></html></richcontent>
</node>
</node>
<node TEXT="Biod&#xe9;chets &amp; compostage" POSITION="left" ID="ID_1353127416" CREATED="1710405183225" MODIFIED="1710405632470">
<node TEXT="tri &#xe0; la source obligatoire depuis le 01/01/2024 (loi AGEC)" ID="ID_570987740" CREATED="1710405240575" MODIFIED="1710405620155">
</node>
<node TEXT="Composteurs individuels" ID="ID_1159817199" CREATED="1710405263706" MODIFIED="1710405797983">
<node TEXT="4 350 distribu&#xe9;s depuis 2016 (&#x2248; 24 % des maisons)" ID="ID_1949204427" CREATED="1710405280621" MODIFIED="1710405330026">
</node>
<node TEXT="composteur bois 400 L vendu 15 &#x20ac;" ID="ID_1447430114" CREATED="1710405299992" MODIFIED="1710405460257">
</node>
</node>
<node TEXT="Compostage partag&#xe9;" ID="ID_1380778650" CREATED="1710405325961" MODIFIED="1710405768627">
<node TEXT="22 sites (quartiers, &#xe9;coles, EHPAD)" ID="ID_919521169" CREATED="1710405339287" MODIFIED="1710405742744">
</node>
<node TEXT="9 guides composteurs b&#xe9;n&#xe9;voles" ID="ID_1236264404" CREATED="1710405422391" MODIFIED="1710405913176">
<richcontent TYPE="NOTE"><html><head></head><body><p>Form&#xe9;s 3 jours par le CPIE de la Corr&#xe8;ze ; une nouvelle session de formation est pr&#xe9;vue &#xe0; l'automne.</p></body></html></richcontent>
</node>
<node TEXT="cantine du coll&#xe8;ge Jean-Moulin : 3 t/an compost&#xe9;es sur place" ID="ID_1948510326" CREATED="1710405460344" MODIFIED="1710406040443">
</node>
</node>
<node TEXT="Collecte s&#xe9;par&#xe9;e des biod&#xe9;chets en centre-bourg ? ==&gt; pas retenue pour le moment" ID="ID_1563961867" CREATED="1710405466848" MODIFIED="1710405586964">
<node TEXT="surco&#xfb;t estim&#xe9; 28 &#x20ac;/hab/an en porte-&#xe0;-porte" ID="ID_1750553201" CREATED="1710405542229" MODIFIED="1710405822015">
<richcontent TYPE="NOTE"><html><head></head><body><p>Estimation du bureau d'&#xe9;tudes Terran&#xe9;o, calcul&#xe9;e pour Montrevel uniquement.</p></body></html></richcontent>
</node>
</node>
<node TEXT="Broyage des v&#xe9;g&#xe9;taux : 2 broyeurs pr&#xea;t&#xe9;s gratuitement aux communes" ID="ID_339556468" CREATED="1710405631241" MODIFIED="1710405987940">
</node>
</node>
<node TEXT="Restitution des sous-groupes" POSITION="right" ID="ID_439641189" CREATED="1710405674710" MODIFIED="1710406130594">
<node TEXT="Gpe 1 &#x2013; gros producteurs (commerces, restau, campings)" ID="ID_1650680889" CREATED="1710405739180" MODIFIED="1710405742582">
<node TEXT="redevance sp&#xe9;ciale pour les pros &gt; 1 100 L/semaine" ID="ID_1736301367" CREATED="1710405778702" MODIFIED="1710406303604">
</node>
<node TEXT="campings en &#xe9;t&#xe9; ==&gt; collectes x3 en juillet-ao&#xfb;t" ID="ID_328515502" CREATED="1710405807118" MODIFIED="1710406339460">
<node TEXT="4 campings concern&#xe9;s, dont Le Moulin de l'Arnelle (220 emplacements)" ID="ID_1907471163" CREATED="1710405894077" MODIFIED="1710406207019">
</node>
</node>
</node>
<node TEXT="Gpe 2 &#x2013; sensibilisation &amp; &#xe9;coles" ID="ID_1407753571" CREATED="1710405982825" MODIFIED="1710406515148">
<node TEXT="Julie Marcou, animatrice pr&#xe9;vention" ID="ID_902973878" CREATED="1710406013896" MODIFIED="1710406174159">
<richcontent TYPE="NOTE"><html><head></head><body><p>Arriv&#xe9;e en septembre 2023, elle intervient d&#xe9;j&#xe0; dans 17 &#xe9;coles sur 26.</p></body></html></richcontent>
</node>
<node TEXT="d&#xe9;fi Familles z&#xe9;ro d&#xe9;chet : 40 familles inscrites" ID="ID_1772087623" CREATED="1710406040070" MODIFIED="1710406605649">
</node>
<node ID="ID_1386223706" CREATED="1710406114584" MODIFIED="1710406115183">
<richcontent TYPE="NODE"><html><head></head><body><p>proposer un "gourmet bag" aux restaurateurs du territoire</p></body></html></richcontent>
</node>
</node>
<node TEXT="Gpe 3 &#x2013; d&#xe9;ch&#xe8;teries" ID="ID_141825985" CREATED="1710406162071" MODIFIED="1710406674411">
<node TEXT="d&#xe9;ch&#xe8;terie de Montrevel satur&#xe9;e le samedi matin" ID="ID_1987040856" CREATED="1710406181733" MODIFIED="1710406562345">
</node>
<node TEXT="prise de RDV en ligne &#xe0; tester ?" ID="ID_224393357" CREATED="1710406227039" MODIFIED="1710406478122">
</node>
<node TEXT="benne Ecomobilier (meubles) install&#xe9;e en 2023" ID="ID_269129475" CREATED="1710406263610" MODIFIED="1710406858526">
</node>
</node>
</node>
<node TEXT="D&#xe9;cisions &amp; suites" POSITION="left" ID="ID_1852396592" CREATED="1710406279836" MODIFIED="1710406789433">
<node TEXT="principe de la RI valid&#xe9; ==&gt; vote en comit&#xe9; syndical le 27 juin 2024" ID="ID_1744616922" CREATED="1710406293907" MODIFIED="1710406852489">
</node>
<node TEXT="COPIL RI : 1 &#xe9;lu par EPCI membre + 2 agents du SICTOM" ID="ID_1516804102" CREATED="1710406315390" MODIFIED="1710406450018">
</node>
<node TEXT="Plan de com RI : r&#xe9;unions publiques dans chaque commune &#xe0; l'automne 2024" ID="ID_454607445" CREATED="1710406382686" MODIFIED="1710406959196">
<richcontent TYPE="NOTE"><html><head></head><body><p>Budget communication estim&#xe9; &#xe0; 45 000 &#x20ac; : courriers, guide du tri, site web et permanences en mairie.</p></body></html></richcontent>
</node>
<node TEXT="relancer l'AAP ADEME pour la 2e ressourcerie" ID="ID_1973535693" CREATED="1710406422427" MODIFIED="1710406975733">
</node>
<node TEXT="prochain atelier en septembre 2024 (textiles &amp; plastiques)" ID="ID_554833168" CREATED="1710406506934" MODIFIED="1710406950626">
</node>
</node>
</node>
</map>
