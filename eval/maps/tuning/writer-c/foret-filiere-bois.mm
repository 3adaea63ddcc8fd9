<map version="freeplane 1.9.13">
<!--To view this file, download free mind mapping software Freeplane from https://www.freeplane.org -->
<node TEXT="Journ&#xe9;e terrain for&#xea;t-bois &#x2013; Val d'Orn&#xe8;s" FOLDED="false" ID="ID_625901256" CREATED="1727419675621" MODIFIED="1727424289847">
  <hook NAME="MapStyle" background="#f9f9f8ff" zoom="1.0">
    <properties edgeColorConfiguration="#808080ff,#ff0000ff,#0000ffff,#00ff00ff,#ff00ffff,#00ffffff,#7c0000ff,#00007cff,#007c00ff" show_note_icons="true" fit_to_viewport="false"/>
  </hook>
  <hook NAME="AutomaticEdgeColor" COUNTER="7" RULE="ON_BRANCH_CREATION"/>
  <richcontent TYPE="NOTE"><html><head></head><body><p>Journ&#233;e organis&#233;e le 27 septembre 2024 par le PETR du Val d'Orn&#232;s dans le cadre de la charte foresti&#232;re. 35 inscrits, d&#233;part en car d'Orn&#232;s-le-Ch&#226;teau &#224; 8h15.</p></body></html></richcontent>
  <node TEXT="Organisation &amp; participants" ID="ID_1553201078" CREATED="1727419742134" MODIFIED="1727421461717" POSITION="right">
    <node TEXT="Animatrice CFT : Julie Ferrand (PETR)" ID="ID_286699713" CREATED="1727419944295" MODIFIED="1727419944295"/>
    <node TEXT="ONF : Bertrand Lacoste, technicien UT Haute-Orn&#xe8;s" ID="ID_163989047" CREATED="1727420107089" MODIFIED="1727420107089"/>
    <node TEXT="CRPF : Sophie Delmas, technicienne for&#xea;t priv&#xe9;e" ID="ID_1392825378" CREATED="1727420139650" MODIFIED="1727428618104"/>
    <node TEXT="Communes foresti&#xe8;res : Pierre Maurin, maire de Saint-G&#xe9;raud-des-Bois" ID="ID_1637640408" CREATED="1727420154606" MODIFIED="1727420154606">
      <richcontent TYPE="NOTE"><html><head></head><body><p>Pierre Maurin est aussi pr&#233;sident de l'association d&#233;partementale des communes foresti&#232;res de la Haute-Orbi&#232;re depuis 2020.</p></body></html></richcontent>
    </node>
    <node TEXT="12 communes repr&#xe9;sent&#xe9;es + 2 conseillers d&#xe9;partementaux" ID="ID_1000911954" CREATED="1727420332969" MODIFIED="1727420332969"/>
    <node TEXT="Repas tir&#xe9; du sac au refuge forestier du col de Lanne" ID="ID_697409992" CREATED="1727420398756" MODIFIED="1727420398756"/>
  </node>
  <node TEXT="Charte foresti&#xe8;re de territoire (CFT)" ID="ID_1729526405" CREATED="1727420618943" MODIFIED="1727420618943" POSITION="right">
    <node TEXT="2e charte 2023-2028" ID="ID_830682427" CREATED="1727420838183" MODIFIED="1727427928476">
      <richcontent TYPE="NOTE"><html><head></head><body><p>La premi&#232;re CFT du Val d'Orn&#232;s avait &#233;t&#233; sign&#233;e en 2014. La nouvelle a &#233;t&#233; valid&#233;e en comit&#233; de pilotage le 12 d&#233;cembre 2022.</p></body></html></richcontent>
    </node>
    <node TEXT="Taux de boisement : 58 % (41 000 ha)" ID="ID_319494902" CREATED="1727420919025" MODIFIED="1727426566144">
      <node TEXT="For&#xea;t priv&#xe9;e 72 % ==&gt; tr&#xe8;s morcel&#xe9;e" ID="ID_870902343" CREATED="1727420951337" MODIFIED="1727420951337">
        <richcontent TYPE="NOTE"><html><head></head><body><p>7 800 propri&#233;taires priv&#233;s, surface moyenne 3,8 ha ; plus de la moiti&#233; poss&#232;dent moins d'1 ha.</p></body></html></richcontent>
      </node>
      <node TEXT="For&#xea;t publique 28 % (communales + domaniale de la Br&#xe9;chonne)" ID="ID_668054227" CREATED="1727421181502" MODIFIED="1727421181502"/>
    </node>
    <node TEXT="4 axes de la charte" ID="ID_1251541058" CREATED="1727421401085" MODIFIED="1727429108955">
      <node TEXT="Mobiliser le bois en for&#xea;t priv&#xe9;e (regroupement, ASLGF)" ID="ID_912896393" CREATED="1727421441807" MODIFIED="1727421441807"/>
      <node TEXT="Structurer la fili&#xe8;re locale (1&#xe8;re et 2e transformation)" ID="ID_1881132953" CREATED="1727421470463" MODIFIED="1727421470463"/>
      <node TEXT="Adapter les for&#xea;ts au changement climatique" ID="ID_1950501472" CREATED="1727421643257" MODIFIED="1727421643257"/>
      <node TEXT="Multifonctionnalit&#xe9; : accueil du public, chasse, biodiversit&#xe9;" ID="ID_1613056504" CREATED="1727421746057" MODIFIED="1727421746057"/>
    </node>
    <node TEXT="Budget animation : 65 000 &#x20ac;/an" ID="ID_1760151621" CREATED="1727421772290" MODIFIED="1727425595788">
      <richcontent TYPE="NOTE"><html><head></head><body><p>Financement : LEADER 60 %, R&#233;gion 20 %, PETR 20 %. L'animation repr&#233;sente 1 ETP.</p></body></html></richcontent>
    </node>
  </node>
  <node TEXT="Arr&#xea;t 1 &#x2013; For&#xea;t communale de Saint-G&#xe9;raud" ID="ID_1936780819" CREATED="1727421856151" MODIFIED="1727421856151" POSITION="right">
    <node TEXT="Parcelle 14 : &#xe9;pic&#xe9;as scolyt&#xe9;s ==&gt; coupe sanitaire en 2023" ID="ID_916314859" CREATED="1727421925175" MODIFIED="1727421925175">
      <richcontent TYPE="NOTE"><html><head></head><body><p>4 200 m&#179; de bois scolyt&#233; vendus en urgence &#224; 18 &#8364;/m&#179;, contre 55 &#8364;/m&#179; avant la crise.</p></body></html></richcontent>
    </node>
    <node TEXT="S&#xe9;cheresses 2018, 2019, 2022 ==&gt; le h&#xea;tre d&#xe9;p&#xe9;rit aussi en bas de versant" ID="ID_1891238511" CREATED="1727422006044" MODIFIED="1727422006044"/>
    <node TEXT="Reboisement en &#xee;lots d'avenir (France 2030)" ID="ID_549912919" CREATED="1727422109682" MODIFIED="1727428070135">
      <node TEXT="Essences test&#xe9;es : c&#xe8;dre de l'Atlas, ch&#xea;ne sessile, douglas, pin laricio" ID="ID_1408098873" CREATED="1727422293364" MODIFIED="1727423491299"/>
      <node TEXT="12 ha replant&#xe9;s, aide France 2030 &#xe0; 80 %" ID="ID_450904183" CREATED="1727422467819" MODIFIED="1727426575064">
        <richcontent TYPE="NOTE"><html><head></head><body><p>Co&#251;t total plantation + protections : 4 900 &#8364;/ha. Le reste &#224; charge de la commune est couvert par une vente de ch&#234;nes.</p></body></html></richcontent>
      </node>
      <node TEXT="D&#xe9;g&#xe2;ts de gibier (abroutissement) ==&gt; protections individuelles" ID="ID_1474389012" CREATED="1727422596997" MODIFIED="1727422596997">
        <richcontent TYPE="DETAILS"><html><head></head><body><p>Discussion vive avec la f&#233;d&#233;ration de chasse sur les plans de chasse chevreuil et cerf.</p></body></html></richcontent>
      </node>
    </node>
    <node TEXT="Passer en futaie irr&#xe9;guli&#xe8;re, m&#xe9;lange d'essences plut&#xf4;t que monoculture" ID="ID_1910010706" CREATED="1727422662567" MODIFIED="1727422662567"/>
    <node ID="ID_591876988" CREATED="1727422871975" MODIFIED="1727422871975">
      <richcontent TYPE="NODE"><html><head></head><body><p>&quot;En 30 ans de m&#233;tier j'ai jamais vu des &#233;pic&#233;as mourir aussi vite&quot; (Bertrand Lacoste, ONF)</p></body></html></richcontent>
    </node>
  </node>
  <node TEXT="Arr&#xea;t 2 &#x2013; Scierie Vidal &amp; Fils (Marsac-sur-Orn&#xe8;s)" ID="ID_961494829" CREATED="1727423095405" MODIFIED="1727428387828" POSITION="right">
    <node TEXT="Entreprise familiale, 3e g&#xe9;n&#xe9;ration, 14 salari&#xe9;s" ID="ID_1981985143" CREATED="1727423173591" MODIFIED="1727432689293"/>
    <node TEXT="9 000 m&#xb3; de grumes sci&#xe9;es/an, surtout douglas et sapin" ID="ID_1507543818" CREATED="1727423369787" MODIFIED="1727423369787">
      <richcontent TYPE="NOTE"><html><head></head><body><p>Environ 85 % de r&#233;sineux, le reste en ch&#234;ne et ch&#226;taignier pour des clients menuisiers.</p></body></html></richcontent>
    </node>
    <node TEXT="S&#xe9;choir + ligne de rabotage : 1,2 M&#x20ac; investis en 2022" ID="ID_1480513881" CREATED="1727423508657" MODIFIED="1727423508657">
      <richcontent TYPE="NOTE"><html><head></head><body><p>Aide de la R&#233;gion &#224; 20 % et pr&#234;t Bpifrance. Permet de vendre du bois sec class&#233; C24 pour la charpente.</p></body></html></richcontent>
    </node>
    <node TEXT="D&#xe9;bouch&#xe9;s" ID="ID_629628540" CREATED="1727423636942" MODIFIED="1727425979550">
      <node TEXT="Charpente et ossature bois (artisans du territoire)" ID="ID_664233310" CREATED="1727423840236" MODIFIED="1727423840236"/>
      <node TEXT="Palettes avec le bois de moindre qualit&#xe9;" ID="ID_1353127416" CREATED="1727424044061" MODIFIED="1727424044061"/>
      <node TEXT="Connexes (sciure, plaquettes) ==&gt; chaufferies et granul&#xe9;s" ID="ID_397065154" CREATED="1727424156761" MODIFIED="1727424156761"/>
    </node>
    <node TEXT="Difficult&#xe9;s" ID="ID_1723029829" CREATED="1727424298330" MODIFIED="1727424298330">
      <node TEXT="Appro : concurrence des grosses scieries et de l'export de grumes" ID="ID_428224239" CREATED="1727424318681" MODIFIED="1727424318681"/>
      <node TEXT="Recrutement : aucun candidat pour le poste d'aff&#xfb;teur depuis 18 mois" ID="ID_1380778650" CREATED="1727424491162" MODIFIED="1727431573830"/>
    </node>
    <node TEXT="Certifi&#xe9;e PEFC ; id&#xe9;e d'une marque collective &#xab; Bois du Val d'Orn&#xe8;s &#xbb;" ID="ID_1379660644" CREATED="1727424515815" MODIFIED="1727424515815"/>
    <node ID="ID_1288043565" CREATED="1727424646511" MODIFIED="1727424646511">
      <richcontent TYPE="NODE"><html><head></head><body><p>&#201;ric Vidal (g&#233;rant) : les collectivit&#233;s doivent mettre du bois local dans leurs march&#233;s publics</p></body></html></richcontent>
    </node>
  </node>
  <node TEXT="Arr&#xea;t 3 &#x2013; Bois-&#xe9;nergie" ID="ID_1560897491" CREATED="1727424880159" MODIFIED="1727424880159" POSITION="left">
    <node TEXT="Plateforme plaquettes de Bellecombe (SCIC Orn&#xe8;s Bois &#xc9;nergie)" ID="ID_1712497800" CREATED="1727425077091" MODIFIED="1727434085958">
      <richcontent TYPE="NOTE"><html><head></head><body><p>SCIC cr&#233;&#233;e en 2016, 64 soci&#233;taires dont 9 communes et la communaut&#233; de communes. Elle est dirig&#233;e par Romain Teyssier.</p></body></html></richcontent>
    </node>
    <node TEXT="2 800 t de plaquettes livr&#xe9;es par an" ID="ID_830521271" CREATED="1727425155037" MODIFIED="1727425155037"/>
    <node TEXT="R&#xe9;seau de chaleur d'Orn&#xe8;s-le-Ch&#xe2;teau" ID="ID_1074364241" CREATED="1727425192279" MODIFIED="1727427845725">
      <node TEXT="Chaudi&#xe8;re bois 900 kW, r&#xe9;seau de 1,8 km" ID="ID_1980879862" CREATED="1727425201129" MODIFIED="1727425201129"/>
      <node TEXT="Raccord&#xe9;s : coll&#xe8;ge, EHPAD, piscine, 45 logements" ID="ID_1736301367" CREATED="1727425397788" MODIFIED="1727433796229"/>
      <node TEXT="Prix de la chaleur : 82 &#x20ac;/MWh (contre ~120 &#x20ac; au fioul)" ID="ID_328515502" CREATED="1727425452620" MODIFIED="1727425452620">
        <richcontent TYPE="NOTE"><html><head></head><body><p>Prix calcul&#233; sur 2023, abonnement compris. Le r&#233;seau a &#233;t&#233; mis en service en 2012.</p></body></html></richcontent>
      </node>
    </node>
    <node ID="ID_1907471163" CREATED="1727425688821" MODIFIED="1727425688821">
      <richcontent TYPE="NODE"><html><head></head><body><p>Projet chaufferie de l'&#233;cole de La Fage : 150 kW, 310 000 &#8364;</p></body></html></richcontent>
      <richcontent TYPE="NOTE"><html><head></head><body><p>Plan de financement : Fonds chaleur ADEME 45 %, DSIL 30 %, commune 25 %. Mise en service vis&#233;e pour l'hiver 2025-2026.</p></body></html></richcontent>
    </node>
    <node TEXT="Vigilance ressource : pas de bois d'&#x153;uvre dans les chaudi&#xe8;res" ID="ID_527158340" CREATED="1727425864317" MODIFIED="1727425864317">
      <richcontent TYPE="DETAILS" HIDDEN="true"><html><head></head><body><p>Un plan d'approvisionnement territorial (PAT) est demand&#233; par la R&#233;gion pour tout nouveau projet.</p></body></html></richcontent>
    </node>
  </node>
  <node TEXT="Arr&#xea;t 4 &#x2013; Desserte foresti&#xe8;re (piste de la Fage)" ID="ID_101228136" CREATED="1727426072204" MODIFIED="1727434970062" POSITION="left">
    <node TEXT="Piste cr&#xe9;&#xe9;e en 2021 : 3,2 km accessibles aux grumiers" ID="ID_141825985" CREATED="1727426237213" MODIFIED="1727426237213"/>
    <node TEXT="Co&#xfb;t : 186 000 &#x20ac;" ID="ID_1987040856" CREATED="1727426274538" MODIFIED="1727426274538">
      <richcontent TYPE="NOTE"><html><head></head><body><p>Financ&#233;e &#224; 80 % par le FEADER (mesure desserte) et &#224; 20 % par l'ASA. Environ 58 &#8364; du m&#232;tre lin&#233;aire.</p></body></html></richcontent>
    </node>
    <node TEXT="ASA de la Fage : 46 propri&#xe9;taires" ID="ID_614219931" CREATED="1727426500554" MODIFIED="1727426500554"/>
    <node TEXT="Place de d&#xe9;p&#xf4;t + place de retournement" ID="ID_269129475" CREATED="1727426523738" MODIFIED="1727436042407"/>
    <node TEXT="Sch&#xe9;ma de desserte du massif : 22 km de pistes manquantes" ID="ID_1852396592" CREATED="1727426554191" MODIFIED="1727426554191">
      <richcontent TYPE="NOTE"><html><head></head><body><p>&#201;tude r&#233;alis&#233;e en 2020 par le CRPF et l'ONF sur 9 communes ; priorit&#233; aux massifs de douglas arrivant &#224; maturit&#233;.</p></body></html></richcontent>
    </node>
    <node TEXT="Conflits d'usage : VTT, randonneurs, quads ==&gt; arr&#xea;t&#xe9; municipal + barri&#xe8;re" ID="ID_1243977779" CREATED="1727426580334" MODIFIED="1727426580334"/>
    <node TEXT="Entretien de la piste : qui paie ? (question rest&#xe9;e ouverte)" ID="ID_1280694232" CREATED="1727426789092" MODIFIED="1727434763007"/>
  </node>
  <node TEXT="Restitution &amp; suites" ID="ID_1008681807" CREATED="1727426840379" MODIFIED="1727437017336" POSITION="left">
    <node TEXT="Fiche action : bois local dans la commande publique" ID="ID_1721919657" CREATED="1727426903900" MODIFIED="1727426903900"/>
    <node TEXT="Bourse fonci&#xe8;re foresti&#xe8;re avec la SAFER ==&gt; lancement 2025" ID="ID_1631046259" CREATED="1727427103247" MODIFIED="1727427103247">
      <richcontent TYPE="NOTE"><html><head></head><body><p>Objectif : faciliter les &#233;changes et ventes de petites parcelles entre voisins pour cr&#233;er des unit&#233;s de gestion d'au moins 4 ha.</p></body></html></richcontent>
    </node>
    <node TEXT="R&#xe9;union propri&#xe9;taires priv&#xe9;s le 15 novembre &#xe0; Marsac (avec le CRPF)" ID="ID_1542436764" CREATED="1727427192961" MODIFIED="1727427192961"/>
    <node TEXT="Prochaine visite : chantier construction bois du gymnase de Saint-G&#xe9;raud" ID="ID_1211485658" CREATED="1727427371322" MODIFIED="1727427371322"/>
    <node TEXT="Compte rendu &#xe0; diffuser avant le 15 octobre" ID="ID_237494574" CREATED="1727427497676" MODIFIED="1727431267471"/>
  </node>
</node>
</map>
