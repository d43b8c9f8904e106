"""A small English stemmer for topics and key terms: "imperialist", "imperialism" and
"imperialists" share the stem "imperi"; "workers" and "working" share "work".

Suffixes are stripped repeatedly, longest first, while at least three letters remain, so every
inflection of a word family lands on the same stem. Stems are only compared, never shown: the
bot shows the commonest surface form of a stem instead.
"""

from __future__ import annotations

from functools import lru_cache

# (suffix, replacement), tried longest first; a rule applies only if the stem left has at
# least MIN_STEM letters.
_RULES = sorted(
    [
        *(
            (suffix, "")
            for suffix in """isations izations isation ization ations ation itions
        ition ists isms ist ism ness ments ment ities ity ings ing ers er ed s ly ful ive al ic
        ary""".split()
        ),
        ("ies", "i"),
        ("ied", "i"),
        ("ians", "ia"),
        ("ian", "ia"),
    ],
    key=lambda rule: len(rule[0]),
    reverse=True,
)
MIN_STEM = 3
# Words the suffix rules would mangle into another family's stem.
_EXCEPTIONS = {
    "news": "news",
    "class": "class",
    "classes": "class",
    "mass": "mass",
    "masses": "mass",
    "us": "us",
    "bus": "bus",
    "crisis": "crisis",
    "thesis": "thesis",
    "analysis": "analysis",
    "series": "series",
    "species": "species",
    "during": "during",
    "bring": "bring",
    "thing": "thing",
    "things": "thing",
    "king": "king",
    "string": "string",
    "spring": "spring",
}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of a normalised (lower-case) word."""
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    word = word.replace("'", "")
    changed = True
    while changed:
        changed = False
        for suffix, replacement in _RULES:
            if not word.endswith(suffix) or len(word) - len(suffix) < MIN_STEM:
                continue
            if (suffix == "s" and word[-2] in "su") or (suffix == "ly" and len(word) < 7):
                continue  # "progress", "thus"; "supply", "only"
            word = word[: -len(suffix)] + replacement
            changed = True
            break
    if len(word) > MIN_STEM and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "stopped" -> "stopp" -> "stop"
    if len(word) > MIN_STEM and word[-1] == "y":
        word = word[:-1] + "i"  # "society" and "societies" -> "societi"
    if len(word) > MIN_STEM and word[-1] == "e":
        word = word[:-1]  # "peace" and "peaces" -> "peac"
    return word
