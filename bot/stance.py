"""How a sentence argues: whether it states the author's own claim, or asks, reports or sets
the scene.

An article's argument is in the sentences where the author commits to something: a claim made
general ("imperialism isn't a policy, it's a system"), a necessity or a refusal ("must",
"cannot", "only … can"), a conclusion drawn ("therefore", "in fact", "the point is"), a
correction ("not a … but …"), a call to act ("we must", "let us"), a point the author numbers
or draws together ("Secondly, we should…", "Overall, …"), a claim about how things are now
("A new world order is being born"), what the author believes ("I believe that…", "we are
convinced that…"). It is not in the questions the author asks, the views the author reports
in order to answer them ("some say", "some believe that", "we were told", "we often hear
that", "they see this as", what a named thinker "regards" or "does not see", a word held up
in quotation marks, "it may be that"), an aside ("let us add"), or the
scene-setting of dates, numbers and who met whom ("During the subsequent regimes…", a story told
in the past tense). :func:`stance` scores each sentence from such cues in the article's
language (word lists in seven languages; the patterns of copula, correction and call in each,
the finer ones of narration in English), for the summary and /compare to weigh. Deterministic,
nothing learnt or downloaded; each sentence is read once (:func:`read`, cached). No Telegram
imports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# Cues of the author's own claim, per language (lower case, matched on word boundaries).
CLAIMS: dict[str, tuple[str, ...]] = {
    "en": (
        "must",
        "mustn't",
        "should",
        "cannot",
        "can't",
        "can only",
        "only",
        "never",
        "no longer",
        "will not",
        "won't",
        "need to",
        "needs to",
        "have to",
        "has to",
        "is not",
        "isn't",
        "are not",
        "aren't",
        "not a",
        "but a",
        "the point is",
        "the main thing",
        "the key",
        "the real",
        "the truth is",
        "in fact",
        "in reality",
        "indeed",
        "therefore",
        "thus",
        "hence",
        "this is why",
        "that is why",
        "this is because",
        "because",
        "essentially",
        "nothing short of",
        "the first",
        "we must",
        "we need",
        "let us",
        "let's",
        "the only",
        "no one",
        "nothing",
        "always",
        "means",
        "lies",
        "depends",
        "requires",
        "it is time",
        "high time",
        "it is important",
        "it is clear",
        "it became clear",
        "it is evident",
        "self-evident",
        "evident",
        "inevitably",
        "inevitable",
        "inexorable",
        "the main",
        "the essential",
        "the true",
        "true nature",
        "genuine",
        "nothing new",
        "will never",
        "will continue",
        "we will",
        "we cannot",
        "we shall",
        "not only",
        "alone",
        "turned out",
        "shows that",
        "history shows",
        "proves that",
    ),
    "fr": (
        "doit",
        "doivent",
        "il faut",
        "ne peut",
        "ne peuvent",
        "seul",
        "seule",
        "seulement",
        "jamais",
        "n'est pas",
        "ce n'est pas",
        "mais un",
        "mais une",
        "en fait",
        "donc",
        "c'est pourquoi",
        "parce que",
        "nous devons",
        "tout",
        "toute",
        "tous",
        "aucun",
    ),
    "de": (
        "muss",
        "müssen",
        "soll",
        "sollen",
        "kann nicht",
        "können nicht",
        "nur",
        "nie",
        "niemals",
        "ist nicht",
        "sind nicht",
        "kein",
        "keine",
        "sondern",
        "also",
        "deshalb",
        "daher",
        "denn",
        "weil",
        "wir müssen",
        "alle",
        "jeder",
        "jede",
    ),
    "es": (
        "debe",
        "deben",
        "hay que",
        "no puede",
        "no pueden",
        "solo",
        "sólo",
        "nunca",
        "no es",
        "sino",
        "de hecho",
        "por eso",
        "por lo tanto",
        "porque",
        "debemos",
        "todo",
        "todos",
        "ningún",
        "ninguna",
    ),
    "it": (
        "deve",
        "devono",
        "bisogna",
        "non può",
        "non possono",
        "solo",
        "soltanto",
        "mai",
        "non è",
        "ma un",
        "ma una",
        "infatti",
        "quindi",
        "perciò",
        "perché",
        "dobbiamo",
        "tutto",
        "tutti",
        "nessun",
        "nessuna",
    ),
    "pt": (
        "deve",
        "devem",
        "é preciso",
        "não pode",
        "não podem",
        "só",
        "somente",
        "apenas",
        "nunca",
        "não é",
        "mas um",
        "mas uma",
        "de fato",
        "portanto",
        "por isso",
        "porque",
        "devemos",
        "todo",
        "todos",
        "nenhum",
        "nenhuma",
    ),
    "ru": (
        "должен",
        "должны",
        "нужно",
        "надо",
        "не может",
        "не могут",
        "только",
        "никогда",
        "не является",
        "а не",
        "на самом деле",
        "поэтому",
        "следовательно",
        "потому что",
        "мы должны",
        "все",
        "всё",
        "никто",
        "ничто",
    ),
}

# Cues of a view reported rather than held, of narration, and of hedging.
REPORTS: dict[str, tuple[str, ...]] = {
    "en": (
        "some say", "some argue", "some claim", "we were told", "we are told", "they say",
        "they see", "they claim", "they argue", "they believe", "claims that", "claimed that",
        "argue that", "argues that", "believe that", "believes that",
        "there is another", "is said to", "supposedly", "allegedly", "said",
        "says", "told", "asked", "announced", "reported", "wrote", "recalled", "perhaps",
        "maybe", "might", "it seems", "chums", "apologists", "false hope", "the notion",
        "this notion", "the idea that", "many looked", "began to say", "mistaken for",
        "suppose", "let us suppose", "the question is", "regards", "propagated", "the myth",
        "would have us", "we are asked to", "it is claimed", "it may be that",
        "it is possible that", "it could be that", "it is believed", "we are often told",
        "we are constantly told", "we are always told", "has been advanced",
        "been put forward", "it has been argued", "it has been said", "it has been suggested",
        "states that", "stated that", "it is fashionable", "it is customary to",
        "it is often said", "it is commonly said",
    ),
    "fr": ("certains disent", "selon", "d'après", "soi-disant", "dit-il", "a déclaré", "peut-être"),
    "de": ("manche sagen", "laut", "angeblich", "sogenannte", "sagte", "erklärte", "vielleicht"),
    "es": ("algunos dicen", "según", "supuestamente", "llamado", "dijo", "declaró", "quizás"),
    "it": ("alcuni dicono", "secondo", "presunto", "cosiddetto", "ha detto", "forse"),
    "pt": ("alguns dizem", "segundo", "supostamente", "chamado", "disse", "declarou", "talvez"),
    "ru": ("некоторые говорят", "по словам", "якобы", "так называемый", "сказал", "заявил",
           "возможно"),
}  # fmt: skip

# The author's own belief, told in the first person ("I believe that…", "we are convinced
# that…"): the author's claim, read as the claim it introduces would be alone (neither a cue of
# commitment nor of a report), never the "believe that" of a view reported ("some believe
# that…", "they believe"). Read before the reports' cues, whose words it takes.
_BELIEVING = (
    "believe", "think", "do believe", "firmly believe", "do not believe", "don't believe",
    "do not think", "don't think",
)  # fmt: skip
OWN_VIEWS: dict[str, tuple[str, ...]] = {
    "en": (
        *(f"{who} {verb}" for who in ("i", "we") for verb in _BELIEVING),
        "i am convinced", "i'm convinced", "we are convinced", "we're convinced",
        "i remain convinced", "we remain convinced",
    ),
}  # fmt: skip

# A sentence that opens by pointing back ("This position…", "In this lies…") says what it says
# of the sentence before: alone in a summary it may put a view the author rejects in their mouth.
_POINTS_BACK = {
    "en": re.compile(r"^(?:and |but |so )?(?:this|these|that|those|such|in this|in that)\b"),
}

# A claim made general: a copula with a noun phrase or a closing adjective after it ("imperialism
# isn't a policy, it's a system", "the blockade is an act of…", "all social life is essentially
# practical", "democracy means equality").
_QUALIFIERS = {
    "en": r"not|only|no longer|essentially|nothing|always|itself|in fact|at the same time"
    r"|therefore|also|more or less|both|but|simply|in reality",
    "fr": r"pas|plus|seulement|donc|aussi|bien|toujours",
    "de": r"nicht|nur|also|doch|eben|immer|bloß",
    "es": r"no|solo|sólo|pues|también|siempre",
    "it": r"non|solo|dunque|anche|sempre",
    "pt": r"não|só|apenas|pois|também|sempre",
}
_COPULAS = {
    "en": (r"is|are|was|were|isn't|aren't|wasn't|'s|means|remains|becomes|became",
           r"a|an|the|no|nothing|more|less|both|like|one|its|their|our|that"),
    "fr": (r"est|sont|était|signifie|reste|devient", r"un|une|le|la|l|les|rien|que"),
    "de": (r"ist|sind|war|waren|bedeutet|heißt|bleibt|wird",
           r"ein|eine|einer|eines|der|die|das|kein|keine|nichts"),
    "es": (r"es|son|era|significa|sigue siendo", r"un|una|el|la|lo|los|las|nada"),
    "it": (r"è|sono|era|significa|resta|diventa", r"un|una|uno|il|la|lo|l|i|gli|le|nulla|niente"),
    "pt": (r"é|são|era|significa|continua", r"um|uma|o|a|os|as|nada"),
}  # fmt: skip
_GENERAL: dict[str, re.Pattern[str]] = {}
for _language, (_verbs, _heads) in _COPULAS.items():
    _more = _QUALIFIERS[_language]
    _GENERAL[_language] = re.compile(
        rf"(?<!\w)(?:{_verbs})\s+(?:(?:{_more})\s+)*(?:(?:{_heads})(?!\w)|\w+[.!]?$)"
    )
# A rule stated in general: "When hatred is weaponized against one nation, it never stops there."
_GENERAL["en"] = re.compile(
    _GENERAL["en"].pattern
    + r"|^(?:but |and |yet )?(?:when|whenever|wherever|once)\s[^,]{3,80},\s*(?:[\w'-]+\s+){0,3}"
    r"(?:is|are|never|always|will|can|cannot|must|only)(?!\w)"
)
_GENERAL["ru"] = re.compile(r"\s[—–]\s|(?<!\w)(?:это|является|есть|означает)(?!\w)")

# Narration: a sentence told in the past ("was", "had") with nothing in the present, or dated.
_IRREGULAR = (
    "became|began|brought|came|chose|fell|felt|fought|found|gave|got|held|kept|knew|led|left|lost"
    "|made|meant|met|paid|ran|rose|sat|saw|sent|spoke|stood|took|taught|thought|went|won|wrote"
)
# A correction ("not a war weary army rebellion but a failed warlord coup") and a call to act
# ("we must act", "let us…").
_CORRECTION = {
    "en": re.compile(r"(?<!\w)(?:not|n't|no)(?!\w).{1,80}?(?<!\w)but(?!\w)"),
    "fr": re.compile(r"(?<!\w)(?:pas|non)(?!\w).{1,80}?(?<!\w)mais(?!\w)"),
    "de": re.compile(r"(?<!\w)(?:nicht|kein\w*)(?!\w).{1,80}?(?<!\w)sondern(?!\w)"),
    "es": re.compile(r"(?<!\w)no(?!\w).{1,80}?(?<!\w)sino(?!\w)"),
    "it": re.compile(r"(?<!\w)non(?!\w).{1,80}?(?<!\w)ma(?!\w)"),
    "pt": re.compile(r"(?<!\w)não(?!\w).{1,80}?(?<!\w)mas(?!\w)"),
    "ru": re.compile(r"(?<!\w)не(?!\w).{1,80}?(?<!\w)а(?!\w)"),
}
_CALL = {
    "en": re.compile(r"(?<!\w)(?:we|us)(?!\w).{0,24}?(?<!\w)(?:must|need to|have to|should)(?!\w)"
                     r"|^(?:so |and |then )?let(?: us|'s)(?!\w)"),
    "fr": re.compile(r"(?<!\w)(?:nous devons|il nous faut|il faut)(?!\w)"),
    "de": re.compile(r"(?<!\w)(?:wir müssen|wir sollten|lasst uns|laßt uns)(?!\w)"),
    "es": re.compile(r"(?<!\w)(?:debemos|tenemos que|hay que)(?!\w)"),
    "it": re.compile(r"(?<!\w)(?:dobbiamo|bisogna)(?!\w)"),
    "pt": re.compile(r"(?<!\w)(?:devemos|temos que|é preciso)(?!\w)"),
    "ru": re.compile(r"(?<!\w)(?:мы должны|давайте|нам нужно|нам надо)(?!\w)"),
}  # fmt: skip
# Scene-setting: a sentence that opens with when it happened ("During the subsequent regimes…",
# "Since 2008…", "Four years later…", "On the third anniversary…").
_MONTHS = r"january|february|march|april|may|june|july|august|september|october|november|december"
_SCENE = {
    "en": re.compile(
        rf"^(?:(?:and|but|yet|so)\s+)?(?:during|after|before|since|until|meanwhile|later"
        rf"|on (?:the )?\w+(?: of)? (?:\d|{_MONTHS}|anniversary)|in (?:\d|{_MONTHS}|the spring"
        rf"|the summer|the autumn|the winter)|at (?:that|this) (?:time|moment)|(?:\w+ )?(?:years?"
        rf"|months?|days?|weeks?) (?:later|ago|after))(?!\w)"
    )
}
# A signpost: the sentence opens by numbering the argument's points or drawing it together
# ("First, we should…", "Secondly,…", "Overall, it is high time…", "In short,…").
_SIGNPOST = {
    "en": r"first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth(?:ly)?|fifth(?:ly)?|finally|lastly"
    r"|overall|in short|in sum|in conclusion|to conclude|to sum up|in a word|all in all",
    "fr": r"premièrement|deuxièmement|troisièmement|enfin|en somme|en conclusion|bref"
    r"|en premier lieu|en second lieu",
    "de": r"erstens|zweitens|drittens|viertens|schließlich|kurz|kurzum|zusammenfassend",
    "es": r"primero|segundo|tercero|en primer lugar|en segundo lugar|finalmente|en resumen"
    r"|en conclusión|en suma",
    "it": r"innanzitutto|in primo luogo|in secondo luogo|infine|in conclusione|insomma",
    "pt": r"primeiro|em primeiro lugar|em segundo lugar|finalmente|em suma|em conclusão",
    "ru": r"во-первых|во-вторых|в-третьих|в-четвертых|в-четвёртых|наконец|итак|в итоге",
}
_SIGNPOSTS = {
    language: re.compile(rf"^(?:(?:and|but|so|et|mais|und|aber|y|pero|e|ma|mas|и|но)\s+)?"
                         rf"(?:{words})\s*,")
    for language, words in _SIGNPOST.items()
}  # fmt: skip
SIGNPOST = 0.15  # what a signpost adds to a sentence's stance
# Asides that open with a call's words but call for nothing ("Let us also add that…", "let us
# now turn to…"): their "let us" is no call to act.
_ASIDES = re.compile(
    r"(?<!\w)let(?: us|'s)(?: also| now| then| first| briefly)?"
    r" (?:add|turn|take|consider|see|look|recall|return|note|remember|examine|say|imagine"
    r"|begin|pass|go back|repeat|quote|compare)(?!\w)"
)
PAST = 0.1  # what a sentence told in the past loses
NOW = 0.1  # what a claim about how things are now adds
CLAIM = 0.2  # what each cue of a claim adds, up to MOST_CLAIMS of them
MOST_CLAIMS = 3
_YEAR = re.compile(r"(?<!\d)(?:1[5-9]\d\d|20\d\d)(?!\d)")
_Cues = dict[tuple[str, str], list[tuple[str, ...]]]
_INDEXES: dict[tuple[str, str], tuple[_Cues, frozenset[str]]] = {}
_DIGITS = re.compile(r"\d")


def _cue_index(kind: str, language: str) -> tuple[_Cues, frozenset[str]]:
    """A cue list by its first two words (a one-word cue under its word and ""), each pair's
    cues longest first; and the words a cue begins with."""
    key = (kind, language)
    if key not in _INDEXES:
        index: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        lists = {"claims": CLAIMS, "own": OWN_VIEWS}.get(kind, REPORTS)
        for cue in lists.get(language, ()):
            words = tuple(_TOKENS.findall(cue))
            index.setdefault((words[0], words[1] if len(words) > 1 else ""), []).append(words)
        for cues in index.values():
            cues.sort(key=len, reverse=True)
        _INDEXES[key] = (index, frozenset(first for first, _ in index))
    return _INDEXES[key]


def _count(
    cues_of: tuple[_Cues, frozenset[str]], tokens: list[str], skip: set[int]
) -> tuple[int, int | None, set[int]]:
    """How many cues the tokens hold (leftmost, longest first, none overlapping, none on a
    token in ``skip``), where the first starts, and the tokens they take."""
    found, first = 0, None
    taken: set[int] = set()
    i, size = 0, len(tokens)
    index, firsts = cues_of
    while i < size:
        word = tokens[i]
        if word not in firsts:  # most words begin no cue
            i += 1
            continue
        following = tokens[i + 1] if i + 1 < size else ""
        end = 0
        for cues in (index.get((word, following)), index.get((word, ""))):
            for cue in cues or ():
                stop = i + len(cue)
                if tuple(tokens[i:stop]) == cue and not skip.intersection(range(i, stop)):
                    end = stop
                    break
            if end:
                break
        if end:
            found += 1
            first = i if first is None else first
            taken.update(range(i, end))
            i = end
        else:
            i += 1
    return found, first, taken


def is_question(text: str) -> bool:
    """A sentence that asks (ends with a question mark, inside a closing quote too)."""
    return text.strip().rstrip("”’\"'»)").endswith("?")


# What someone else wants, sees or holds, told as the sentence's subject ("Feuerbach wants
# sensuous objects…", "In The Essence of Christianity, he therefore regards…"): their view, told.
_THEIR_VIEW = {
    "en": re.compile(
        r"^(?:(?:but|and|so|yet|thus)\s+)?(?:[^,]{1,40},\s+)?"
        r"(?:(?:Mr|Mrs|Ms|Dr|Herr|Monsieur|M)\.?\s+)?"  # an honorific ("Mr. Witte imagines")
        r"(?:(?!(?:We|I|It|This|That|These|Those|There|One|You|Our|My|All|Each|Every)\b)"
        r"[A-Z][\w'’-]+|he|she|they|He|She|They)"
        r"(?:,[^,]{1,60},)?\s+(?:(?:\w+ly|therefore|also|still|now|then|thus)\s+)?"
        r"(?:does not |doesn't |did not |cannot )?"
        r"(?:regards?|sees?|thinks?|believes?|considers?|holds?|imagines?|resolves?"
        r"|conceives?|insists?|maintains?|supposes?|fancies|fancy|takes? it)(?!\w)"
    )
}


# What "we hear" said ("We often hear that…", "Very often we hear, from anarchists themselves,
# that…"): a view reported; not what we hear of ("Every day we hear of fresh inventions…").
_HEARSAY = {
    "en": re.compile(
        r"(?<!\w)we\s+(?:(?:often|always|constantly|so often|still|now|keep)\s+)?hear(?:ing)?"
        r"(?!\s+of\b)[^;:.]{0,80}?(?<!\w)that(?!\w)"
    )
}


# A word said in someone else's quotation marks as what a thing is ("NATO's advance … is
# “beneficial”"): their word, held up to be disowned.
_SCARE_QUOTED = {
    "en": re.compile(r"(?<!\w)(?:is|are|was|were|be|been)\s+[“\"][^”\"\s]+(?:\s[^”\"\s]+)?[”\"]")
}


@dataclass(frozen=True, slots=True)
class Reading:
    """What :func:`stance` reads in one sentence."""

    question: bool
    claims: int  # cues of the author's own claim
    reports: int  # cues of a view reported (and what someone else holds, told as subject)
    opens_reporting: bool  # a report's cue among its first words ("Some began to say that…")
    general: bool  # a claim made general by a copula, or a rule ("when …, it never …")
    correction: bool  # "not … but …"
    call: bool  # "we must…", "let us…"
    signpost: bool  # opens by numbering a point or drawing the argument together
    now: bool  # says how things are, in the present, with no modal
    figures: int  # years, and other figures by pairs of digits
    scene: bool  # opens with when it happened
    past: bool  # told in the past with nothing in the present
    points_back: bool  # opens with "this", "that", "in this"…
    quoted: int  # quotation marks


_PAST_WORDS = frozenset(
    "was were had did wasn't weren't hadn't didn't".split() + _IRREGULAR.split("|")
)
_PRESENT_WORDS = frozenset(
    "is are isn't aren't has have does do can cannot can't must will shall should won't means "
    "needs lies remains".split()
)
# After these, a word in -ed is a participle ("is weaponized"), not a verb in the past.
_BEFORE_PARTICIPLE = frozenset("is are be been being has have get gets".split())
_TOKENS = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


_NOW = frozenset(
    "is are isn't aren't has have hasn't haven't does do doesn't don't remains remain means lies "
    "becomes shows".split()
)
_MODALS = frozenset(
    "will would should must can cannot could may might shall won't can't couldn't shouldn't "
    "let".split()
)


def _said_of_now(tokens: list[str], language: str) -> bool:
    """A claim about how things are: told in the present ("A new world order is being born",
    "The security of all countries is interconnected"), not a wish, a demand or a forecast
    (no modal; a call, "we need to…", is read apart), nor a story."""
    if language != "en":
        return False
    found = set(tokens)
    return bool(found & _NOW) and found.isdisjoint(_MODALS) and found.isdisjoint(_PAST_WORDS)


def _told_in_the_past(lowered: str, language: str) -> bool:
    if language != "en":
        return False
    past = False
    previous = ""
    for word in _TOKENS.findall(lowered):
        if word in _PRESENT_WORDS:
            return False
        if word in _PAST_WORDS or (
            len(word) > 4
            and word.endswith("ed")
            and not word.endswith("eed")  # "indeed", "proceed"
            and "-" not in word  # "so-called"
            and previous not in _BEFORE_PARTICIPLE
        ):
            past = True
        previous = word
    return past


@lru_cache(maxsize=65536)
def read(text: str, language: str = "en") -> Reading:
    """The cues of one sentence, read once (a summary asks of each sentence several times)."""
    stripped = text.strip()
    lowered = stripped.lower().replace("’", "'")
    tokens = _TOKENS.findall(lowered)
    # the author's own belief ("I believe that…") is read as what it says: the report's cue
    # "believe that" is not on its words
    _, _, mine = _count(_cue_index("own", language), tokens, set())
    reported, first, taken = _count(_cue_index("reports", language), tokens, mine)
    if (theirs := _THEIR_VIEW.get(language)) and theirs.match(stripped):
        reported += 1
    if (hearsay := _HEARSAY.get(language)) and (heard := hearsay.search(lowered)):
        reported += 1
        opens = len(_TOKENS.findall(lowered[: heard.start()]))
        first = opens if first is None else min(first, opens)
    if (scare := _SCARE_QUOTED.get(language)) and scare.search(lowered):
        reported += 1
    # a claim's words inside a report's ("let us" in "let us suppose") count for the report
    aside = language == "en" and bool(_ASIDES.search(lowered))
    if aside:  # "let us add…": its "let us" is no claim either
        taken = taken | {i for i in range(len(tokens) - 1) if tokens[i : i + 2] == ["let", "us"]}
    claims, _, _ = _count(_cue_index("claims", language), tokens, taken)
    digits = len(_DIGITS.findall(lowered))
    years = len(_YEAR.findall(lowered)) if digits else 0

    def has(kind: dict[str, re.Pattern[str]]) -> bool:
        pattern = kind.get(language)
        return bool(pattern and pattern.search(lowered))

    scene = _SCENE.get(language)
    back = _POINTS_BACK.get(language)
    call = has(_CALL)
    return Reading(
        question=is_question(stripped),
        claims=claims,
        reports=reported,
        opens_reporting=first is not None and first <= 3,
        general=has(_GENERAL),
        correction=has(_CORRECTION),
        call=call and not aside,
        signpost=has(_SIGNPOSTS),
        now=not call and _said_of_now(tokens, language),
        figures=years + max(0, digits - 4 * years) // 2,
        scene=bool(scene and scene.match(lowered)),
        past=_told_in_the_past(lowered, language),
        points_back=bool(back and back.match(lowered)),
        # quotation marks, and "so-called": a word marked as someone else's
        quoted=lowered.count("“")
        + lowered.count('"')
        + lowered.count("«")
        + 2 * lowered.count("so-called"),
    )


def is_general(text: str, language: str = "en") -> bool:
    """A claim made general by a copula ("democracy means equality"), however short."""
    return read(text, language).general


def reports(text: str, language: str = "en") -> bool:
    """Whether a sentence reports a view (some say, we were told, let us suppose…) more than it
    commits to one of its own: a view the author answers, not the author's."""
    found = read(text, language)
    if found.reports and found.opens_reporting:
        return True  # opens by reporting ("Some began to say that…"): all of it is theirs
    return found.reports > found.claims or (found.reports > 0 and found.claims == 0)


def stance(text: str, language: str = "en") -> float:
    """How much a sentence reads as the author's own claim, from 0 (a question, a view
    reported, narration) to 1 (a claim with several cues of commitment)."""
    found = read(text, language)
    if found.question:
        return 0.0  # a question asks; the argument answers
    score = 0.35 + CLAIM * min(found.claims, MOST_CLAIMS) - 0.45 * min(found.reports, 2)
    score += 0.15 * (found.general + found.correction + found.call)
    score += SIGNPOST * found.signpost + NOW * found.now
    score -= 0.1 * min(found.figures, 2)  # dates and figures set the scene
    if found.scene:
        score -= 0.1
    if found.past:
        score -= PAST  # told in the past: what happened, not what is
    score -= 0.05 * min(found.quoted, 4)  # someone else's words
    if found.points_back:
        score -= 0.25
    return max(0.0, min(1.0, score))


# A sentence that goes on with the one before it: it points back ("This position…", "Such
# ideas…") or opens with an "it" that is the thing just named ("It is a worldview that…"), not
# the "it" of a claim made general ("It is clear that…", "It is time…").
_GOES_ON = {
    "en": re.compile(
        r"^(?:and |so )?(?:this|these|that|those|such|in this|in that)\b"
        r"|^(?:and |so )?it (?:is|was|has|had|became|meant|means|remains)"
        r" (?!clear|time|high time|true|important|evident|necessary|not|only|no |now|our|up to)"
    )
}
# A sentence that answers what came before: "But Russia was an imperialist power in its own
# right" after "Many looked to Russia…". ("In fact", "in reality", "indeed" are claims' cues
# already: counted once.)
_ANSWERS = {"en": re.compile(r"^(?:but|yet|however|on the contrary|in contrast|rather|instead)\b")}
ANSWER = 0.15  # what a sentence answering a view reported just before adds to its stance
REPORTED = 0.45  # what a sentence going on with a view reported loses (a report's cue)
ANSWERED_WITHIN = 2  # an answer answers a view reported in one of the sentences just before


class Context:
    """An article's sentences, in order, each read with the ones before it: a sentence that
    goes on with a view the author reports ("But there is another tradition where…" — "This
    position is historically associated with…" — "It is a worldview that…") is that view too,
    and one that answers it ("Many looked to Russia…" — "But Russia was an imperialist power
    in its own right") states the author's line. The sentences are read as asked (each once),
    so an article's few passages on a topic cost a few readings, not the whole article's.
    /compare weighs passages by it; :func:`stance` reads a sentence alone."""

    def __init__(self, texts: Sequence[str], language: str = "en") -> None:
        self.texts = texts
        self.language = language
        self._reported: dict[int, bool] = {}

    def _goes_on(self, index: int) -> bool:
        goes_on = _GOES_ON.get(self.language)
        lowered = self.texts[index].strip().lower().replace("’", "'")
        return index > 0 and goes_on is not None and bool(goes_on.match(lowered))

    def reported(self, index: int) -> bool:
        """Whether a sentence reports a view, or goes on with one reported before it."""
        start = index  # back to where the run of sentences going on from one another starts
        while start not in self._reported and self._goes_on(start) and not self._reports(start):
            start -= 1
        for i in range(start, index + 1):
            if i not in self._reported:
                self._reported[i] = self._reports(i) or (
                    self._goes_on(i) and self._reported.get(i - 1, False)
                )
        return self._reported[index]

    def _reports(self, index: int) -> bool:
        return reports(self.texts[index], self.language)

    def stance(self, index: int) -> float:
        """A sentence's :func:`stance`, read with the sentences before it."""
        alone = stance(self.texts[index], self.language)
        if self.reported(index):
            if self._reports(index):
                return alone
            return max(0.0, alone - REPORTED)  # going on with the view reported
        answers = _ANSWERS.get(self.language)
        lowered = self.texts[index].strip().lower().replace("’", "'")
        if answers is not None and answers.match(lowered):
            before = range(max(0, index - ANSWERED_WITHIN), index)
            if any(self.reported(i) for i in before):
                return min(1.0, alone + ANSWER)
        return alone
