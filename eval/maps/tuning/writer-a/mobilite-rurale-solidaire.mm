<map version="freeplane 1.9.13">
<!--To view this file, download free mind mapping software Freeplane from https://www.freeplane.org -->
<node TEXT="S&#xe9;minaire mobilit&#xe9; rurale solidaire - Lurzac, 19 oct. 2023" ID="ID_423946139" CREATED="1697523646445" MODIFIED="1697524060447">
<hook NAME="MapStyle">
    <properties edgeColorConfiguration="#808080ff,#ff0000ff,#0000ffff,#00ff00ff,#ff00ffff,#00ffffff,#7c0000ff,#00007cff,#007c00ff,#7c007cff,#007c7cff,#7c7c00ff" fit_to_viewport="false"/>
</hook>
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Journée organisée par la CCMVA et le réseau rural départemental à l'espace culturel de Lurzac ; 73 participants (élus, CCAS, associations, transporteurs, entreprises).
  </p>
  </body>
</html>
</richcontent>
<node TEXT="Ouverture &amp; contexte" ID="ID_203694312" CREATED="1697523735764" MODIFIED="1697523811718" POSITION="right">
<node TEXT="Mot d'accueil : Josiane Pradier, pr&#xe9;sidente de la CCMVA" ID="ID_302142728" CREATED="1697523810003" MODIFIED="1697524193455">
</node>
<node TEXT="CC Monts et Vall&#xe9;es de l'Aure : 34 communes, 21 500 hab." ID="ID_224551738" CREATED="1697523890390" MODIFIED="1697524422474">
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Densité de 18 hab./km², la ville-centre Lurzac concentre 4 800 habitants et la moitié des emplois.
  </p>
  </body>
</html>
</richcontent>
</node>
<node TEXT="87 % des trajets domicile-travail en voiture solo" ID="ID_180521324" CREATED="1697523922530" MODIFIED="1697524012652">
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Source INSEE 2020. Environ 1 ménage sur 8 n'a pas de voiture, surtout les plus de 75 ans et les 16-25 ans.
  </p>
  </body>
</html>
</richcontent>
</node>
<node TEXT="LOM (d&#xe9;c. 2019) ==&gt; la CC devient AOM" ID="ID_998017869" CREATED="1697523983368" MODIFIED="1697524056616">
<node ID="ID_294804716" CREATED="1697524018912" MODIFIED="1697524596726">
<richcontent TYPE="NODE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Délibération de prise de compétence en mars 2021, effective au 1er juillet 2021
  </p>
  </body>
</html>
</richcontent>
</node>
<node TEXT="R&#xe9;gion = AOM pour les lignes r&#xe9;guli&#xe8;res et le scolaire" ID="ID_226938843" CREATED="1697524078554" MODIFIED="1697524671475">
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    La CC n'a pas demandé le transfert des services réguliers ni du transport scolaire ; convention de coopération signée avec la Région le 8 décembre 2022.
  </p>
  </body>
</html>
</richcontent>
</node>
<node TEXT="Plan de mobilit&#xe9; simplifi&#xe9; (PMS) adopt&#xe9; en 2023" ID="ID_579402028" CREATED="1697524098780" MODIFIED="1697524163647">
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    PMS élaboré avec le cabinet Mobil'Terre ; étude à 45 000 €, dont 50 % financés par l'ADEME (appel à projets TENMOD).
  </p>
  </body>
</html>
</richcontent>
</node>
<node TEXT="Versement mobilit&#xe9; non lev&#xe9;" ID="ID_1357440634" CREATED="1697524178422" MODIFIED="1697524594371">
<richcontent TYPE="DETAILS">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Produit potentiel estimé à seulement 160 000 €/an ; les élus ont refusé de le lever en 2022.
  </p>
  </body>
</html>
</richcontent>
</node>
</node>
</node>
<node TEXT="TAD &quot;Aur'en Bus&quot;" ID="ID_574769608" CREATED="1697524188921" MODIFIED="1697524237766" POSITION="left">
<node TEXT="Lanc&#xe9; en sept. 2022" ID="ID_1943546981" CREATED="1697524265884" MODIFIED="1697524405527">
</node>
<node TEXT="Flotte : 2 minibus 9 places (dont 1 PMR) + 1 v&#xe9;hicule de r&#xe9;serve" ID="ID_1000094241" CREATED="1697524307843" MODIFIED="1697524459105">
</node>
<node TEXT="Fonctionnement" ID="ID_352956896" CREATED="1697524382711" MODIFIED="1697524981357">
<node TEXT="zonal, rabattement vers 5 p&#xf4;les (Lurzac, Castelmaure, Pradelles-sur-Aure, gare de Saint-F&#xe9;lix, Orbigny)" ID="ID_1303143340" CREATED="1697524427144" MODIFIED="1697524616649">
</node>
<node ID="ID_1348976840" CREATED="1697524444651" MODIFIED="1697525043602">
<richcontent TYPE="NODE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Réservation la veille avant 17 h (tél. ou appli)
  </p>
  </body>
</html>
</richcontent>
</node>
<node TEXT="tarif 2 &#x20ac; le trajet / 1 &#x20ac; tarif solidaire" ID="ID_503449954" CREATED="1697524532394" MODIFIED="1697524922881">
</node>
</node>
<node TEXT="Bilan 2023 : 6 300 courses" ID="ID_1276272276" CREATED="1697524549164" MODIFIED="1697524615003">
<node TEXT="68 % des usagers ont plus de 60 ans" ID="ID_227992538" CREATED="1697524627136" MODIFIED="1697524843099">
</node>
<node TEXT="motifs : sant&#xe9; 35 %, courses 30 %, emploi/formation 12 %" ID="ID_1561147818" CREATED="1697524696202" MODIFIED="1697525253751">
</node>
<node TEXT="groupage faible (1,4 pers./course)" ID="ID_1769086092" CREATED="1697524756247" MODIFIED="1697525085654">
</node>
</node>
<node TEXT="Co&#xfb;t annuel ~210 000 &#x20ac; (exploitation confi&#xe9;e &#xe0; Transports Vidal)" ID="ID_1357484520" CREATED="1697524821274" MODIFIED="1697525296472">
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Marché public de 3 ans avec Transports Vidal (Castelmaure). Recettes usagers : 9 600 €, soit moins de 5 % du coût.
  </p>
  </body>
</html>
</richcontent>
</node>
<node TEXT="Piste : ouvrir le samedi matin pour le march&#xe9; de Lurzac" ID="ID_743744726" CREATED="1697524872667" MODIFIED="1697525133161">
</node>
</node>
<node TEXT="Covoiturage" ID="ID_1601079114" CREATED="1697524900229" MODIFIED="1697525156182" POSITION="right">
<node TEXT="6 aires de covoit' (dont 2 cr&#xe9;&#xe9;es en 2023)" ID="ID_1333565527" CREATED="1697524914957" MODIFIED="1697525229791">
</node>
<node TEXT="Ligne de covoiturage Lurzac &lt;-&gt; Rival&#xe8;s" ID="ID_1163254275" CREATED="1697524987795" MODIFIED="1697525347955">
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Ligne sans réservation lancée en avril 2023 avec l'opérateur Ecov : 7 arrêts équipés de panneaux lumineux, retour garanti en taxi si aucun conducteur ne s'arrête.
  </p>
  </body>
</html>
</richcontent>
<node TEXT="420 trajets / mois en moyenne" ID="ID_718341636" CREATED="1697525050624" MODIFIED="1697525127380">
</node>
<node TEXT="conducteurs indemnis&#xe9;s 2 &#x20ac; par passager" ID="ID_1199367390" CREATED="1697525070099" MODIFIED="1697525508532">
</node>
</node>
<node TEXT="Prime covoiturage CEE 100 &#x20ac; (2023)" ID="ID_1725947775" CREATED="1697525095720" MODIFIED="1697525454391">
</node>
<node TEXT="Frein n&#xb0;1 = la confiance (&quot;on ne monte pas avec n'importe qui&quot;)" ID="ID_1150040257" CREATED="1697525119640" MODIFIED="1697525561822">
<node TEXT="animations en entreprise : laiterie Bresse-Aure (240 salari&#xe9;s)" ID="ID_1534982632" CREATED="1697525128778" MODIFIED="1697525210168">
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Stand covoiturage à la cantine de la laiterie en juin 2023 : 46 salariés inscrits sur la plateforme en une journée.
  </p>
  </body>
</html>
</richcontent>
</node>
</node>
</node>
<node TEXT="Mobilit&#xe9; solidaire &amp; insertion" ID="ID_1330563833" CREATED="1697525205926" MODIFIED="1697525534914" POSITION="left">
<node ID="ID_1593135431" CREATED="1697525254506" MODIFIED="1697525621694">
<richcontent TYPE="NODE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Garage solidaire "Les Roues de l'Aure" (Castelmaure)
  </p>
  </body>
</html>
</richcontent>
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Association créée en 2017 par Thierry Lacombe, ancien directeur de la mission locale ; 4 salariés dont 2 en insertion.
  </p>
  </body>
</html>
</richcontent>
<node TEXT="r&#xe9;parations &#xe0; prix co&#xfb;tant (RSA, ASS, jeunes suivis par la ML)" ID="ID_1166600997" CREATED="1697525336411" MODIFIED="1697525814776">
</node>
<node TEXT="location de v&#xe9;hicules : 4 &#x20ac;/jour, 12 voitures + 5 scooters" ID="ID_1903817087" CREATED="1697525349423" MODIFIED="1697525447565">
</node>
<node TEXT="340 personnes accompagn&#xe9;es en 2022" ID="ID_1118118420" CREATED="1697525388804" MODIFIED="1697525456961">
</node>
</node>
<node TEXT="Plateforme mobilit&#xe9; &quot;Mobil'Aure&quot;" ID="ID_1670152711" CREATED="1697525400756" MODIFIED="1697525725402">
<node TEXT="Nadia Benali, conseill&#xe8;re mobilit&#xe9;" ID="ID_1341130073" CREATED="1697525489576" MODIFIED="1697525956864">
</node>
<node TEXT="bilan de comp&#xe9;tences mobilit&#xe9; + orientation par P&#xf4;le emploi" ID="ID_1638946473" CREATED="1697525530878" MODIFIED="1697525935409">
</node>
<node TEXT="auto-&#xe9;cole sociale : 22 permis obtenus en 2022" ID="ID_148453507" CREATED="1697525580360" MODIFIED="1697526064482">
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Taux de réussite de 73 % à la première présentation ; coût moyen de 1 100 € par permis, financé en partie par le Département (FAJ, aides mobilité).
  </p>
  </body>
</html>
</richcontent>
</node>
</node>
<node TEXT="Transport solidaire &quot;Aure Solidaire&quot;" ID="ID_460881139" CREATED="1697525630951" MODIFIED="1697525753734">
<node TEXT="38 chauffeurs b&#xe9;n&#xe9;voles" ID="ID_226603648" CREATED="1697525699660" MODIFIED="1697525928467">
</node>
<node TEXT="indemnit&#xe9; de 0,35 &#x20ac;/km pay&#xe9;e par l'usager" ID="ID_377756007" CREATED="1697525741334" MODIFIED="1697526000976">
</node>
<node TEXT="les taxis s'inqui&#xe8;tent d'une concurrence" ID="ID_939558094" CREATED="1697525797487" MODIFIED="1697526318112">
<richcontent TYPE="DETAILS">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Le syndicat des taxis demande que le transport solidaire reste réservé aux personnes sous plafond de ressources.
  </p>
  </body>
</html>
</richcontent>
</node>
</node>
</node>
<node TEXT="Table ronde : comment financer ?" ID="ID_457268877" CREATED="1697525812048" MODIFIED="1697526283055" POSITION="right">
<node TEXT="Intervenants" ID="ID_1279913224" CREATED="1697525868692" MODIFIED="1697526160027">
<node TEXT="H&#xe9;l&#xe8;ne Marquet, DDT (r&#xe9;f&#xe9;rente mobilit&#xe9;s rurales)" ID="ID_1859390060" CREATED="1697525890639" MODIFIED="1697526342073">
</node>
<node TEXT="Bruno Caussade, R&#xe9;gion (service mobilit&#xe9;s)" ID="ID_697904678" CREATED="1697525966757" MODIFIED="1697526402226">
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Il a présenté le futur contrat opérationnel de mobilité du bassin de l'Aure, à signer en 2024 entre la Région, la CC et le Département.
  </p>
  </body>
</html>
</richcontent>
</node>
<node TEXT="Yves Delorme, directeur de la Mission locale" ID="ID_1566136594" CREATED="1697526017781" MODIFIED="1697526416702">
</node>
</node>
<node TEXT="Fonds vert &#x2013; volet mobilit&#xe9; rurale" ID="ID_424100190" CREATED="1697526052026" MODIFIED="1697526139041">
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    2 dossiers déposés en 2023 par la CC : aires de covoiturage et abris vélo sécurisés ; 64 000 € obtenus.
  </p>
  </body>
</html>
</richcontent>
</node>
<node TEXT="Programme CEE mobilit&#xe9; solidaire" ID="ID_424910814" CREATED="1697526079123" MODIFIED="1697526322347">
</node>
<node TEXT="D&#xe9;partement : 60 000 &#x20ac;/an pour la plateforme mobilit&#xe9;" ID="ID_125905231" CREATED="1697526113706" MODIFIED="1697526622226">
</node>
<node ID="ID_491578343" CREATED="1697526194923" MODIFIED="1697526470432">
<richcontent TYPE="NODE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Limite : beaucoup d'appels à projets, peu de financement de fonctionnement sur la durée
  </p>
  </body>
</html>
</richcontent>
</node>
</node>
<node TEXT="Ateliers de l'apr&#xe8;s-midi" ID="ID_108790956" CREATED="1697526235876" MODIFIED="1697526388628" POSITION="left">
<node TEXT="Atelier 1 : jeunes" ID="ID_1248025344" CREATED="1697526294788" MODIFIED="1697526681978">
<node TEXT="location longue dur&#xe9;e de VAE : 25 &#x20ac;/mois (20 v&#xe9;los)" ID="ID_1316208520" CREATED="1697526378717" MODIFIED="1697526712805">
</node>
<node TEXT="permis AM / BSR d&#xe8;s 14 ans, aide de la CC ?" ID="ID_1582823830" CREATED="1697526399165" MODIFIED="1697526939696">
</node>
</node>
<node TEXT="Atelier 2 : seniors" ID="ID_1506529761" CREATED="1697526484114" MODIFIED="1697526540729">
<node TEXT="besoin d'accompagnement porte-&#xe0;-porte" ID="ID_1970414234" CREATED="1697526547967" MODIFIED="1697527134405">
</node>
<node TEXT="num&#xe9;ro unique pour toutes les offres" ID="ID_954848017" CREATED="1697526603396" MODIFIED="1697527021755">
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Demande forte des CCAS : les seniors ne s'y retrouvent pas entre TAD, transport solidaire et taxis. Idée d'un numéro porté par la maison France services de Lurzac.
  </p>
  </body>
</html>
</richcontent>
</node>
</node>
<node TEXT="Atelier 3 : emploi &amp; insertion" ID="ID_322344214" CREATED="1697526659054" MODIFIED="1697527163967">
<node TEXT="horaires d&#xe9;cal&#xe9;s dans l'agroalimentaire (5h-13h)" ID="ID_959944003" CREATED="1697526746191" MODIFIED="1697526811462">
</node>
<node TEXT="navette d'entreprise mutualis&#xe9;e pour la ZA des Pradelles" ID="ID_244627902" CREATED="1697526775174" MODIFIED="1697526994078">
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    6 entreprises et environ 400 salariés sur la ZA ; la laiterie serait prête à financer un tiers de la navette.
  </p>
  </body>
</html>
</richcontent>
</node>
</node>
</node>
<node TEXT="Suites" ID="ID_448543442" CREATED="1697526836927" MODIFIED="1697526952195" POSITION="right">
<node TEXT="&#xc9;tude &quot;num&#xe9;ro unique mobilit&#xe9;&quot; en 2024" ID="ID_1390051972" CREATED="1697526885498" MODIFIED="1697526940627">
</node>
<node TEXT="Comit&#xe9; des partenaires AOM : prochaine r&#xe9;union le 16 janvier 2024" ID="ID_100500964" CREATED="1697526902917" MODIFIED="1697527497232">
</node>
<node TEXT="TAD le samedi matin &#xe0; partir d'avril 2024" ID="ID_1252379865" CREATED="1697526926743" MODIFIED="1697527033136">
</node>
<node ID="ID_1417990736" CREATED="1697526978402" MODIFIED="1697527005141">
<richcontent TYPE="NODE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Retours à envoyer à Maxime Roussel, chargé de mission mobilité CCMVA
  </p>
  </body>
</html>
</richcontent>
<richcontent TYPE="NOTE">
<html>
  <head>
    
  </head>
  <body>
  <p>
    Maxime a pris son poste en mai 2023 ; il anime aussi le comité des partenaires.
  </p>
  </body>
</html>
</richcontent>
</node>
</node>
</node>
</map>
