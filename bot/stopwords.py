"""Stopwords: the function words of each supported language, left out of key terms,
summaries and comparisons because they say nothing of what a text is about.

These are the bot's own lists, not a package's. stopwords-iso (MIT, the ``stopwordsiso``
package) and ``stop-words`` (BSD) were both checked: each also lists content words that are
the key terms of political texts (English "state", "work", "world", "system", "order";
French "état"; Italian "lavoro"; Portuguese "povo", "trabalho", "estado"; Spanish "trabajo",
"fuerza", "estado"; Russian "жизнь", "люди", "человек"), so a Portuguese letter about "o
povo" would lose its subject. These lists keep to articles, pronouns, prepositions,
conjunctions, auxiliaries and the commonest adverbs; the English one also has the generic
words of prose ("point", "kind", "thing") that a key-term list is better without. Words are
in the normalised form ``bot.text.normalise`` gives (lower case, straight apostrophes).
"""

from __future__ import annotations

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """
    a about above after again against all also am among an and any are aren't as at be
    because been before being below between both but by can can't cannot could couldn't
    did didn't do does doesn't doing don't down during each either even ever every few
    for from further had hadn't has hasn't have haven't having he he'd he'll he's her
    here here's hers herself him himself his how how's however i i'd i'll i'm i've if in
    into is isn't it it's its itself just least less let's like made make makes many may
    me might more most much must mustn't my myself never no nor not now of off often on
    once one only or other others ought our ours ourselves out over own per quite rather
    really same say says said see seen shall shan't she she'd she'll she's should
    shouldn't since so some still such than that that's the their theirs them themselves
    then there there's these they they'd they'll they're they've this those though
    through thus to too toward towards under until up upon us very via was wasn't way we
    we'd we'll we're we've well were weren't what what's whatever when when's where
    where's whether which while who who's whom whose why why's will with within without
    won't would wouldn't yet you you'd you'll you're you've your yours yourself
    yourselves another around back become becomes came come comes get gets getting go
    goes going gone got know known take taken takes took put puts use used uses using
    want wants whole already always across along amongst although else enough etc far
    first last new old next two three four five six seven eight nine ten hundred
    thousand million billion time times yes fact facts need needs needed means mean
    meant became look looks looked looking great greater greatest supposed mention
    mentions end ends side sides part parts point points case cases kind kinds thing
    things lot lots course matter something nothing anything everything someone anyone
    everyone people day days year years today away able given give gives instead indeed
    simply certain certainly possible seems seem seemed tell told think thought called
    call mere merely""".split()
    ),
    "fr": frozenset(
        """
    a afin ai aie aient aies ait alors as au aucun aucune aujourd aujourd'hui auquel
    aura aurai auraient aurais aurait auras aurez auriez aurions aurons auront aussi
    autant autre autres aux auxquelles auxquels avaient avais avait avant avec avez
    aviez avions avoir avons ayant ayez ayons beaucoup bien c car ce ceci cela celle
    celles celui cependant certain certaine certaines certains ces cet cette ceux chacun
    chacune chaque chez ci comme comment d dans de des desquelles desquels deux dire
    disent dit dite dits donc dont du duquel durant dès elle elles en encore entre es
    est et eu eue eues eurent eus eusse eussent eusses eussiez eussions eut eux eûmes
    eût eûtes faire fait faut fois font furent fus fusse fussent fusses fussiez fussions
    fut fûmes fût fûtes hors ici il ils j je jusqu jusque l la laquelle le lequel les
    lesquelles lesquels leur leurs lors lorsque lui là m ma mais me mes moi moins mon
    même mêmes n ne ni non nos notre nous nôtre on ont or ou où par parce parmi pas
    pendant peu peut peuvent plus plusieurs pour pourquoi pourra pourrait pouvait puis
    puisque qu quand que quel quelle quelles quelque quelques quels qui quoi s sa sans
    se sera serai seraient serais serait seras serez seriez serions serons seront ses si
    sien sienne soi soient sois soit sommes son sont sous suis sur t ta tandis tant te
    tel telle telles tels tes toi ton toujours tous tout toute toutes trop très tu un
    une unes uns va vais vas vers via voici voilà vont vos votre vous vu vôtre y à ça
    étaient étais était étant étiez étions été êtes être""".split()
    ),
    "de": frozenset(
        """
    aber alle allem allen aller alles als also am an ander andere anderem anderen
    anderer anderes anders auch auf aus außer bei beide beiden beim bereits bin bis
    bisher bist bloß da dabei dadurch dafür dagegen daher dahin damals damit danach dann
    daran darauf daraus darf darin darum darunter darüber das dass dasselbe davon davor
    dazu daß dein deine deinem deinen deiner deines dem demselben den denen denn
    denselben der deren derer derselbe derselben des deshalb desselben dessen dich die
    dies diese dieselbe dieselben diesem diesen dieser dieses dir doch dort du durch
    eben ebenso ein eine einem einen einer eines einige einigem einigen einiger einiges
    einmal er es etwa etwas euch euer eure eurem euren eurer eures für ganz ganze ganzem
    ganzen ganzer ganzes gegen gewesen hab habe haben hat hatte hatten her hier hin
    hinter hätte hätten ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im immer in
    indem ins ist ja je jede jedem jeden jeder jedes jedoch jene jenem jenen jener jenes
    jetzt kann kannst kaum kein keine keinem keinen keiner keines können könnte man
    manche manchem manchen mancher manches mehr mein meine meinem meinen meiner meines
    mich mir mit muss musste muß müssen nach nachdem neben nein neu neue neuem neuen
    neuer neues nicht nichts noch nun nur ob obwohl oder ohne schon sehr sein seine
    seinem seinen seiner seines seit selbst sich sie sind so sogar solche solchem
    solchen solcher solches soll sollen sollte sondern sonst sowie um und uns unser
    unsere unserem unseren unserer unseres unter viel viele vom von vor war waren was
    weil welche welchem welchen welcher welches wenn wer werde werden wie wieder will
    wir wird wo wohl worden wurde wurden während wäre würde würden zu zum zur zwar
    zwischen über""".split()
    ),
    "es": frozenset(
        """
    a al algo alguna algunas alguno algunos algún ante antes aquel aquella aquellas
    aquello aquellos así aun aún bajo cada como con contra cual cuales cualquier cuando
    cuanto de del desde donde dos e el ella ellas ello ellos en entre era eran eres es
    esa esas ese eso esos esta estaba estaban estar estas este esto estos estoy está
    están fue fuera fueron ha haber habéis había habían han has hasta hay he hemos hubo
    la las le les lo los me mi mis misma mismas mismo mismos muy más mí nada ni no nos
    nosotros nuestra nuestras nuestro nuestros o os otra otras otro otros para pero poco
    por porque pues que quien quienes qué se sea sean ser será serán si sido siempre sin
    sino sobre son su sus suya suyas suyo suyos sí tal también tan tanto te tiene tienen
    toda todas todo todos tras tu tus tú un una unas uno unos vosotros y ya yo él""".split()
    ),
    "it": frozenset(
        """
    a ad agli ai al alla alle allo altra altre altri altro anche ancora avere aveva
    avevano c che chi ci cioè come con contro cosa cui da dagli dai dal dall dalla dalle
    dallo degli dei del dell della delle dello di dove e ed egli ella essa esse essere
    essi esso fa fare fino fra fu furono gli ha hanno ho i il in io la le lei li lo loro
    lui ma mai me mentre mi mia mie miei mio molto ne negli nei nel nell nella nelle
    nello noi non nostra nostre nostri nostro né o ogni ove per perché però più poi
    proprio qua quale quali quando quanto quella quelle quelli quello questa queste
    questi questo qui se sempre senza si sia siamo siano sono sopra sotto sta stato su
    sua sue sugli sui sul sull sulla sulle sullo suo suoi sé tale tali tanto te ti tra
    tu tua tue tuo tuoi tutta tutte tutti tutto un una uno vi voi è""".split()
    ),
    "pt": frozenset(
        """
    a ao aos aquela aquelas aquele aqueles aquilo as até com como contra da das de dela
    delas dele deles depois do dos e ela elas ele eles em entre era eram essa essas esse
    esses esta estas este estes está estão eu foi foram há isso isto já lhe lhes mais
    mas me mesmo meu meus minha minhas muito na nas nem no nos nossa nossas nosso nossos
    num numa não nós o os ou outra outras outro outros para pela pelas pelo pelos por
    porque quando que quem se sem ser será seu seus sob sobre sua suas também te tem teu
    teus tu tua tuas têm um uma umas uns você vocês vos vossa vossas vosso vossos vós à
    às é""".split()
    ),
    "ru": frozenset(
        """
    а без более бы был была были было быть в вам вас ваш ваша ваше ваши весь во вот все
    всего всем всеми всех всю вся всякая всякие всякий всяким всякими всяких всякого
    всякое всякой всяком всякому всякую всё вы где да даже для до его ее ей ему если
    есть еще ещё её же за здесь и из или им ими их к каждая каждого каждое каждой каждом
    каждому каждую каждые каждый каждым как какой кем когда кого которая которого
    которое которой котором которому которую которые который которым которыми которых
    кто ли либо между меня мне мной мы на над надо нам нас наш наша наше наши не него
    нее ней нем нему нет неё ни них но ну о об однако он она они оно от очень по под
    после при про с сам сама сами само свое свои своих свой своя своё себе себя со так
    также такой там те тем теперь то того тоже только том тот ту ты у уж уже чем что
    чтобы чья чьё эта эти этим этих это этого этой этом этот эту я""".split()
    ),
}


def stopwords(language: str) -> frozenset[str]:
    """The stopwords of ``language``; none for a language the bot has no list for."""
    return STOPWORDS.get(language, frozenset())


# Words of general prose that name no topic: left out of key terms and of the reading post's
# "Another line" topics (still searched, summarised and compared like any word). Adjectives and
# nouns any essay uses whatever it is about.
GENERIC: dict[str, frozenset[str]] = {
    "en": frozenset(
        """
    important key main major real true false good bad best worse worst high low large small big
    long short different similar certain possible impossible simple clear full whole entire
    particular general special recent current present former latter early late further little
    own sure likely able moment moments goal goals aim aims part parts side sides case cases
    example examples matter matters reason reasons result results sense level levels step steps
    turn end start making common single way ways thing things lot kind sort country countries
    people world support bloody modern today global
    """.split()
    ),
    "fr": frozenset(
        """
    important grand grande grands grandes petit petite vrai vraie faux bon bonne mauvais
    moment cas fois chose choses partie côté exemple raison sorte
    """.split()
    ),
    "de": frozenset(
        "Moment Fall Fälle Art Weise Stelle Teil Seite Beispiel Grund Sache".lower().split()
    ),
    "es": frozenset(
        "importante grande gran pequeño verdadero momento caso vez cosa parte ejemplo".split()
    ),
    "it": frozenset("importante grande piccolo vero momento caso volta cosa parte esempio".split()),
    "pt": frozenset(
        "importante grande pequeno verdadeiro momento caso vez coisa parte exemplo".split()
    ),
    "ru": frozenset(
        "важный большой хороший плохой момент случай раз дело часть пример хотя".split()
    ),
}


def generic(language: str) -> frozenset[str]:
    """The words of general prose in ``language`` that name no topic (see GENERIC)."""
    return GENERIC.get(language, frozenset())
