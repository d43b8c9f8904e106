"""How a sentence argues: whether it states the author's own claim, or asks, reports or sets
the scene.

An article's argument is in the sentences where the author commits to something: a claim made
general ("imperialism isn't a policy, it's a system"), a necessity or a refusal ("must",
"cannot", "only … can"), a conclusion drawn ("therefore", "in fact", "the point is"), a
correction ("not a … but …"), a call to act ("we must", "let us"). It is not in the questions
the author asks, the views the author reports in order to answer them ("some say", "we were
told", "they see this as"), or the scene-setting of dates, numbers and who met whom.
:func:`stance` scores each sentence from such cues in the article's language, for the summary
to weigh beside centrality and signature. Deterministic word lists, nothing learnt or
downloaded. No Telegram imports.
"""

from __future__ import annotations

import re

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
        "argue that", "argues that", "believe that", "believes that", "according to",
        "there is another", "is said to", "so-called", "supposedly", "allegedly", "said",
        "says", "told", "asked", "announced", "reported", "wrote", "recalled", "perhaps",
        "maybe", "might", "it seems", "chums", "apologists", "false hope", "the notion",
        "this notion", "the idea that", "many looked", "began to say", "mistaken for",
        "suppose", "the question is", "regards", "propagated", "the myth", "would have us",
        "we are asked to", "it is claimed",
    ),
    "fr": ("certains disent", "selon", "d'après", "soi-disant", "dit-il", "a déclaré", "peut-être"),
    "de": ("manche sagen", "laut", "angeblich", "sogenannte", "sagte", "erklärte", "vielleicht"),
    "es": ("algunos dicen", "según", "supuestamente", "llamado", "dijo", "declaró", "quizás"),
    "it": ("alcuni dicono", "secondo", "presunto", "cosiddetto", "ha detto", "forse"),
    "pt": ("alguns dizem", "segundo", "supostamente", "chamado", "disse", "declarou", "talvez"),
    "ru": ("некоторые говорят", "по словам", "якобы", "так называемый", "сказал", "заявил",
           "возможно"),
}  # fmt: skip

# A sentence that opens by pointing back ("This position…", "In this lies…") says what it says
# of the sentence before: alone in a summary it may put a view the author rejects in their mouth.
_POINTS_BACK = {
    "en": re.compile(r"^(?:and |but |so )?(?:this|these|that|those|such|in this|in that)\b"),
}
_PATTERNS: dict[tuple[str, str], re.Pattern[str]] = {}
_DIGITS = re.compile(r"\d")


def _pattern(kind: str, language: str) -> re.Pattern[str]:
    key = (kind, language)
    if key not in _PATTERNS:
        cues = (CLAIMS if kind == "claims" else REPORTS).get(language, ())
        alternatives = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
        _PATTERNS[key] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)" if cues else r"(?!x)x")
    return _PATTERNS[key]


def stance(text: str, language: str = "en") -> float:
    """How much a sentence reads as the author's own claim, from 0 (a question, a view
    reported, narration) to 1 (a claim with several cues of commitment)."""
    stripped = text.strip()
    if stripped.endswith("?") or stripped.endswith("?”") or stripped.endswith('?"'):
        return 0.0  # a question asks; the argument answers
    lowered = stripped.lower().replace("’", "'")
    claims = len(_pattern("claims", language).findall(lowered))
    reports = len(_pattern("reports", language).findall(lowered))
    digits = len(_DIGITS.findall(lowered))
    quoted = lowered.count("“") + lowered.count('"') + lowered.count("«")
    score = 0.35 + 0.2 * min(claims, 3) - 0.45 * min(reports, 2)
    score -= 0.1 * min(digits // 2, 2)  # dates and figures set the scene
    score -= 0.05 * min(quoted, 4)  # someone else's words
    if (back := _POINTS_BACK.get(language)) and back.match(lowered):
        score -= 0.25
    return max(0.0, min(1.0, score))
