"""Pulling quotes into the discussion: inline results, the misquote check, context, the board.

No Telegram imports: the Telegram layer turns these into inline results and messages.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.citation import citation
from bot.library import Library, Paragraph, Passage
from bot.reply import Button, Reply, Span, bold, code, highlighted, italic, reference
from bot.search import CANDIDATE_FLOOR, QuoteIndex
from bot.stopwords import stopwords
from bot.text import Word, sentence_spans, words

INLINE_PAGE = 20  # results per page (Telegram allows up to 50)
INLINE_MAX = 100  # results in all, over every page
ID_LIMIT = 64  # bytes: Telegram's limit on an inline result id
MORE_PAGE = 3
LONG_PARAGRAPH = 900  # characters past which a sentence's context is its neighbours only
AROUND = 2  # sentences shown either side of a sentence reference in a long paragraph
ENDS = 3  # words of a sentence left past a misquote's differing end that are taken with it
_QUOTED = re.compile(r"[“\"«„]([^“”\"«»„]{8,})[”\"»“]")


@dataclass(frozen=True)
class InlineItem:
    """One inline result: what the list shows, and what choosing it posts."""

    id: str
    title: str
    description: str
    reply: Reply


def result_id(ref: str) -> str:
    """A result id: the reference, or its hash when it would not fit in 64 bytes."""
    if len(ref.encode()) <= ID_LIMIT:
        return ref
    return hashlib.sha1(ref.encode()).hexdigest()


def cited(library: Library, passage: Passage, spans: tuple[tuple[int, int], ...]) -> Passage:
    """The passage a quote answer cites: where a short paragraph is shown whole around the
    words found, the sentences those words are in ("trumps-world-order ¶6.5"), so that the
    citation, the board and the digest name what the member remembered, not the paragraph's
    opening; the passage itself otherwise."""
    article = library.get(passage.article_id)
    if article is None or passage.sentences is not None or not spans:
        return passage
    sentences = article.paragraphs[passage.paragraph - 1].sentences
    touched = [n for n, (a, b) in enumerate(sentences, 1) if any(s < b and e > a for s, e in spans)]
    if not touched or len(touched) == len(sentences):
        return passage
    return article.passage(passage.paragraph, touched[0], touched[-1])


def quoted_by_the_author(library: Library, passage: Passage) -> bool:
    """Whether a passage is words the article quotes (a speech, a statement) rather than its
    author's own: it opens inside a quotation, or with one that runs on (not a scare-quoted
    word like “peace”)."""
    article = library.get(passage.article_id)
    if article is None:
        return False
    para = article.paragraphs[passage.paragraph - 1]
    text = para.text
    start = para.sentences[passage.sentences[0] - 1][0] if passage.sentences else 0
    before = text[:start]
    if before.count("“") + before.count("«") > before.count("”") + before.count("»"):
        return True
    opening = text[start:].lstrip()
    if opening[:1] not in ("“", "«"):
        return False
    at = len(text) - len(opening)
    closing = min((i for i in (text.find("”", at), text.find("»", at)) if i >= 0), default=-1)
    return closing == -1 or closing - at >= QUOTED_SPEECH


QUOTED_SPEECH = 40  # characters within quotation marks past which they quote speech, not a word


def quote_reply(
    library: Library,
    passage: Passage,
    spans: tuple[tuple[int, int], ...] = (),
    reply: Reply | None = None,
) -> Reply:
    """A passage with its citation, as a post that opens a thread (added to ``reply``)."""
    article = library.get(passage.article_id)
    assert article is not None
    reply = (reply or Reply()).add(*highlighted(passage.text, spans), quote=True)
    named = cited(library, passage, spans)
    reply.add(*citation(article, named))
    if quoted_by_the_author(library, named):
        reply.add(SOMEONE_ELSES)
    reply.opens_thread, reply.refs, reply.pulled = True, [named.ref], [named.ref]
    return reply


SOMEONE_ELSES = "The article quotes these words; they are not its author's."


def inline_results(
    index: QuoteIndex, library: Library, query: str, offset: int, page: int = INLINE_PAGE
) -> tuple[list[InlineItem], int | None]:
    """A page of inline results for a query, and the offset of the next page (None at the end)."""
    wanted = min(offset + page, INLINE_MAX)
    matches = [m for m in index.search(query, limit=wanted) if m.score >= CANDIDATE_FLOOR]
    items = [_item(library, m.passage, m.highlights) for m in matches[offset:wanted]]
    items = list({item.id: item for item in reversed(items)}.values())[::-1]  # one a passage
    more = len(matches) == wanted and wanted < INLINE_MAX
    return items, (wanted if more else None)


def featured(library: Library, refs: list[str]) -> list[InlineItem]:
    """Inline results for an empty query: the given passages (current reading, top quotes)."""
    items, seen = [], set()
    for ref in refs:
        passage = library.resolve(ref)
        if passage is not None and ref not in seen:
            seen.add(ref)
            items.append(_item(library, passage))
    return items


def _item(
    library: Library, passage: Passage, spans: tuple[tuple[int, int], ...] = ()
) -> InlineItem:
    article = library.get(passage.article_id)
    assert article is not None
    text = " ".join(passage.text.split())
    title = text if len(text) <= 100 else text[:99].rstrip() + "…"
    ref = cited(library, passage, spans).ref
    return InlineItem(
        result_id(ref), title, f"{article.title} · {ref}", quote_reply(library, passage, spans)
    )


def quotation_in(text: str) -> str:
    """The quotation a message makes: the longest stretch in quotation marks, or all of it."""
    quoted = _QUOTED.findall(text)
    return max(quoted, key=len).strip() if quoted else text.strip()


def check_quotation(index: QuoteIndex, library: Library, text: str) -> Reply:
    """/quote as a reply: is the quotation in that message exact, misquoted, or not ours?"""
    quotation = quotation_in(text)
    if not words(quotation):
        return Reply().add("That message has no words to check.")
    shown = quotation if len(quotation) <= 200 else quotation[:199] + "…"
    matches = index.search(quotation, limit=1)
    if not matches or not matches[0].is_hit:
        return Reply().add("Not in the library: I can't find “", italic(shown), "” in any article.")
    passage = matches[0].passage
    article = library.get(passage.article_id)
    assert article is not None
    quoted = words(quotation)
    original = words(passage.text)
    window = _window([w.norm for w in quoted], [w.norm for w in original], original, passage.text)
    if window is None:
        return Reply().add("Not in the library: I can't find “", italic(shown), "” in any article.")
    start, end = window
    q_norms = [w.norm for w in quoted]
    p_norms = [w.norm for w in original]
    ops = difflib.SequenceMatcher(None, q_norms, p_norms[start:end], autojunk=False).get_opcodes()
    differences = [
        (tag, i1, i2, j1 + start, j2 + start) for tag, i1, i2, j1, j2 in ops if tag != "equal"
    ]
    if not differences:
        reply = Reply().add(bold("Exact."), " The words are the author's:")
        reply.add(passage.text[original[start].start : original[end - 1].end], quote=True)
        reply.add(*citation(article, passage))
        reply.refs = [passage.ref]
        return reply
    marked: list[tuple[int, int]] = []
    struck: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in differences:
        if tag in ("replace", "insert") and j1 < j2:
            marked.append((original[j1].start, original[j2 - 1].end))
        if tag in ("replace", "delete") and i1 < i2:
            struck.append((quoted[i1].start, quoted[i2 - 1].end))
    lo, hi = original[start].start, original[end - 1].end
    reply = Reply().add(
        bold("Not quite."),
        f" {len(differences)} difference{'s' if len(differences) != 1 else ''}; the author's "
        "words, with what differs in bold:",
    )
    reply.add(*_marked(passage.text[lo:hi], [(a - lo, b - lo) for a, b in marked], "b"), quote=True)
    reply.add("Quoted as: ", *_marked(quotation, struck, "s"))
    reply.add(*citation(article, passage))
    reply.refs = [passage.ref]
    return reply


def _window(
    mine: list[str], theirs: list[str], original: list[Word], text: str
) -> tuple[int, int] | None:
    """The stretch of the author's words (positions in ``original``, whose forms are
    ``theirs``) a quotation (its words' forms ``mine``) stands for: from its first matching word
    to its last, widened by the quotation's unmatched words at either end, kept within the
    sentences it touches; None when no word matches."""
    matcher = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    first, last = blocks[0], blocks[-1]
    start = max(0, first.b - first.a)
    end = min(len(original), last.b + last.size + (len(mine) - last.a - last.size))
    return _within_sentences(text, original, first, last, start, end, len(mine))


# Words that turn a claim into its opposite: a quotation that moves, adds or drops one of them
# says something else than the author, however close its other words are. Written without
# their apostrophes, as members type them ("isnt").
NEGATIONS = frozenset(
    {"not", "no", "never", "nor", "neither", "nothing", "none", "nobody", "without", "cannot"}
)


# Small words that are the claim's direction ("became less important" for the author's "more
# important"): compared like content words, not passed over as small words are.
CONTRARIES = frozenset(
    {"more", "less", "most", "least", "fewer", "always", "before", "after", "against", "only"}
)


def _bare(norm: str) -> str:
    return norm.replace("'", "").replace("’", "")


def _negation(bare: str) -> bool:
    return bare in NEGATIONS or (len(bare) > 3 and bare.endswith("nt") and bare[:-2] in _NT)


# "isn't" as members type it, "isnt": the word before its "nt" ("can't" is "ca", "won't" "wo").
_NT = frozenset(
    "is are was were do does did have has had could would should must might need dare".split()
) | {"ca", "wo", "can", "don", "won", "ain", "shan"}


def _slip(mine: str, theirs: str) -> bool:
    """Whether ``mine`` is ``theirs`` with typing slips (not another word)."""
    if mine == theirs:
        return True
    if min(len(mine), len(theirs)) <= 5:
        return OSA.distance(mine, theirs) <= 1
    return fuzz.ratio(mine, theirs) >= 75


def _as_written(quoted: list[Word], theirs: list[str]) -> list[tuple[str, int, int]]:
    """The member's words as (form, first, last word of ``quoted``): a typing slip of one of
    the author's words read as that word, and two pieces of one word joined ("canada s",
    "rh ne")."""
    known = set(theirs)
    plain = sorted(known)
    common = {_bare(w) for w in stopwords("en")}

    def near(word: str) -> str | None:
        if word in known:
            return word
        found = [w for w in plain if (word not in common or not _negation(w)) and _slip(word, w)]
        return min(found, key=lambda w: (OSA.distance(word, w), -len(w))) if found else None

    mine = [_bare(w.norm) for w in quoted]
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(mine):
        joined = mine[i] + mine[i + 1] if i + 1 < len(mine) else ""
        whole = near(joined) if joined and mine[i] not in known and len(joined) >= 3 else None
        if joined in known or (whole and OSA.distance(joined, whole) <= 1):
            out.append((joined if joined in known else whole or joined, i, i + 1))
            i += 2
            continue
        out.append((near(mine[i]) or mine[i], i, i))
        i += 1
    return out


def not_quite(
    query: str, text: str, elsewhere: Callable[[str], str | None] | None = None
) -> list[Span]:
    """What a member's quotation says differently from the passage it was found as: a word of
    theirs in the author's place that is not a typing slip of it ("Ukraine" for "Russia", "war"
    for "peace"), and a "not" added, dropped or moved. Empty when it only drops words, misspells
    them or moves a phrase, which is how quotations are misremembered. For /quote's answer.
    ``elsewhere``: the reference of the passage a stretch of the member's own words (four or
    more) comes from, if another: a quotation that runs two passages together says so."""
    quoted, original = words(query), words(text)
    theirs_all = [_bare(w.norm) for w in original]
    tokens = _as_written(quoted, theirs_all)
    mine = [form for form, _, _ in tokens]
    window = _window(mine, theirs_all, original, text)
    if window is None:
        return []
    start, end = window
    theirs = theirs_all[start:end]
    ignored = {_bare(w) for w in stopwords("en")} - NEGATIONS - CONTRARIES
    in_passage, in_query = set(theirs_all), set(mine)
    said: list[list[Span]] = []

    def yours(i1: int, i2: int) -> str:
        return query[quoted[tokens[i1][1]].start : quoted[tokens[i2 - 1][2]].end]

    def authors(j1: int, j2: int) -> str:
        return text[original[start + j1].start : original[start + j2 - 1].end]

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, mine, theirs, autojunk=False
    ).get_opcodes():
        my_words = [w for w in mine[i1:i2] if w not in ignored]
        their_words = [w for w in theirs[j1:j2] if w not in ignored]
        negations = sum(map(_negation, mine[i1:i2])) != sum(map(_negation, theirs[j1:j2]))
        if tag == "replace":
            # Two words of the author's changed places ("any war is only a truce between two
            # peaces"), or one of the member's own stands where the author has another.
            swapped = (
                len(my_words) == len(their_words) == 1
                and i2 - i1 <= 2 >= j2 - j1
                and my_words[0] in in_passage
                and their_words[0] in in_query
                and not _slip(my_words[0], their_words[0])
            )
            foreign = any(w not in in_passage for w in my_words)
            if negations or swapped or (foreign and any(w not in in_query for w in their_words)):
                said.append([Span("where you have “"), Span(yours(i1, i2), "b"), Span("”, the "
                             "author wrote “"), Span(authors(j1, j2), "b"), Span("”")])  # fmt: skip
        elif tag == "delete" and (negations or any(w not in in_passage for w in my_words)):
            found = elsewhere(yours(i1, i2)) if elsewhere and len(my_words) >= 3 else None
            whose = [Span("” is from "), reference(found)] if found else [Span("” is yours")]
            said.append([Span("“"), Span(yours(i1, i2), "b"), *whose])
        elif tag == "insert" and negations and j2 - j1 <= 3:  # a "not" the member left out
            lo, hi = max(0, j1 - 2), min(len(theirs), j2 + 2)
            said.append([Span("the author wrote “"), Span(authors(lo, hi), "b"), Span("”")])
    if not said:
        return []
    spans = [Span("Not quite the author's words: ")]
    for n, part in enumerate(said[:3]):
        spans += ([Span("; ")] if n else []) + part
    return [*spans, Span(" (and more)." if len(said) > 3 else ".")]


def _within_sentences(
    text: str,
    original: list[Word],
    first: difflib.Match,
    last: difflib.Match,
    start: int,
    end: int,
    quoted: int,
) -> tuple[int, int]:
    """The stretch of the author's words a quotation is set against, kept to the sentences its
    matched words are in: never reaching into the sentence before or after, and, when the
    quotation's own first or last words differ, taking the author's words to the sentence's
    start or end if only a few are left ("Stalin and Pol Pot", not "Stalin and Pol")."""
    spans = sentence_spans(text)

    def sentence(word: int) -> tuple[int, int]:
        at = original[word].start
        return next((s for s in spans if s[0] <= at < s[1]), (0, len(text)))

    opening, closing = sentence(first.b), sentence(last.b + last.size - 1)
    first_word = next(w for w in range(len(original)) if original[w].start >= opening[0])
    after_last = max(w for w in range(len(original)) if original[w].end <= closing[1]) + 1
    start, end = max(start, first_word), min(end, after_last)
    # The author's few words left to the sentence's edge go with a differing end while they
    # are of one name or phrase: never past a small word ("But Russia" is not the author's
    # word for "Ukraine", nor "country and our people" for "nation").
    small = {_bare(w) for w in stopwords("en")}
    if first.a > 0 and 0 < start - first_word <= ENDS:
        while start > first_word and _bare(original[start - 1].norm) not in small:
            start -= 1
    if last.a + last.size < quoted and 0 < after_last - end <= ENDS:
        while end < after_last and _bare(original[end].norm) not in small:
            end += 1
    return start, end


def _marked(text: str, spans: list[tuple[int, int]], style: str) -> list[Span]:
    parts: list[Span] = []
    position = 0
    for start, end in sorted(spans):
        if start < position:
            continue
        parts.append(Span(text[position:start]))
        parts.append(Span(text[start:end], style))  # type: ignore[arg-type]
        position = end
    parts.append(Span(text[position:]))
    return parts


def more_reply(index: QuoteIndex, library: Library, query: str, page: int, request: int) -> Reply:
    """The next best matches for a /quote, a few at a time."""
    start = 1 + (page - 1) * MORE_PAGE  # the first match was the quote itself
    matches = index.search(query, limit=start + MORE_PAGE + 1)
    shown = [m for m in matches[start : start + MORE_PAGE] if m.score >= CANDIDATE_FLOOR]
    if not shown:
        return Reply().add("No more passages come close to “", italic(query[:100]), "”.")
    reply = Reply().add(bold(f"More for “{query[:80]}”"), f" (page {page})")
    for match in shown:
        article = library.get(match.passage.article_id)
        assert article is not None
        reply.add(*highlighted(match.passage.text, match.highlights), quote=True)
        reply.add(*citation(article, match.passage))
    if len(matches) > start + MORE_PAGE and matches[start + MORE_PAGE].score >= CANDIDATE_FLOOR:
        reply.buttons.append(Button("More", f"/more {request} {page + 1}"))
    return reply


def _sentences_around(para: Paragraph, sentences: tuple[int, int]) -> list[Span]:
    """A sentence reference in context: in a long paragraph the sentences either side of it
    (never the whole wall of text), in a short one the paragraph; the passage in bold."""
    first, last = sentences
    if len(para.text) > LONG_PARAGRAPH:
        first_shown = max(1, first - AROUND)
        last_shown = min(len(para.sentences), last + AROUND)
    else:
        first_shown, last_shown = 1, len(para.sentences)
    lo, hi = para.sentences[first_shown - 1][0], para.sentences[last_shown - 1][1]
    start, end = para.sentences[first - 1][0], para.sentences[last - 1][1]
    parts = highlighted(para.text[lo:hi], ((start - lo, end - lo),))
    if first_shown > 1:
        parts.insert(0, Span("… "))
    if last_shown < len(para.sentences):
        parts.append(Span(" …"))
    return parts


def typed(ref: str) -> str:
    """A reference as a phone keyboard may type it, in plain characters: a full-width colon or
    digits ("2：7") are "2:7"."""
    return unicodedata.normalize("NFKC", ref).strip()


def context_reply(library: Library, ref: str) -> Reply:
    """/context <ref>: the passage with the paragraphs before and after it."""
    ref = typed(ref)
    passage = library.find_passage(ref)
    if passage is None:
        return _unknown_passage(library, ref)
    article = library.get(passage.article_id)
    assert article is not None
    # headed by the passage asked for: its sentence, if one was
    reply = Reply().add(bold(article.title), " · ", code(passage.ref), " in context")
    for number in range(
        max(1, passage.paragraph - 1), min(len(article.paragraphs), passage.paragraph + 1) + 1
    ):
        para = article.paragraphs[number - 1]
        if number == passage.paragraph and passage.sentences:
            parts = _sentences_around(para, passage.sentences)
        elif number == passage.paragraph:
            parts = [bold(para.text)]
        else:
            parts = [Span(para.text)]
        reply.add(f"¶{number}  ", *parts, expandable=number != passage.paragraph)
    reply.read = passage.ref
    return reply


# "¶7", "p7", "#7": a paragraph, but of which article?
PARAGRAPH_ALONE = re.compile(
    r"\s*(?:¶|§|#|p\.?|para\.?|paragraph)\s*\d+(?:\.\d+(?:-\d+)?)?\s*", re.I
)
# The paragraph and sentence numbers at the end of a reference ("putin 3", "2:7.4-5").
_NUMBERS = re.compile(
    r"[\s:¶§#]*(?:(?:p|para|paragraph)\.?\s*)?(?P<para>\d{1,5})"
    r"(?:\.(?P<s1>\d{1,3})(?:-(?P<s2>\d{1,3}))?)?\s*$",
    re.I,
)


def _unknown_passage(library: Library, ref: str) -> Reply:
    """Why a reference names no passage, as exactly as can be said: no article named, several
    articles it could be, a paragraph or a sentence past the end."""
    shown = ref.strip()[:60]
    naming: list[str | Span] = [
        "Name the article and the paragraph: ", code("putin-v-prigozhin 7"), ", ",
        code("2:7"), " or ", code("putin-v-prigozhin ¶7.2"), " (its second sentence).",
    ]  # fmt: skip
    if not shown:  # nothing named at all
        return Reply().add("Which passage? ", *naming)
    if PARAGRAPH_ALONE.fullmatch(ref):
        numbers = re.search(r"\d+(?:\.\d+(?:-\d+)?)?", ref)
        return Reply().add(
            "Which article's paragraph? Name the article too: ",
            code(f"2:{numbers.group() if numbers else 7}"), " or ", code("putin-v-prigozhin 7"),
            ".",
        )  # fmt: skip
    reply = Reply().add("I don't know the passage “", shown, "”. ", *naming)
    numbers = _NUMBERS.search(ref)
    name = ref[: numbers.start()].strip() if numbers else ""
    candidates = library.find_article(name) if name else []
    if len(candidates) > 1:
        names = "; ".join(f"{a.number}. {a.title}" for a in candidates[:5])
        return Reply().add(f"“{name[:40]}” could be several articles: {names}. Name one: ",
                           code(f"{candidates[0].number}:{numbers['para'] if numbers else 1}"),
                           ".")  # fmt: skip
    article = library.article_named(ref) or (candidates[0] if candidates else None)
    if article is None or numbers is None:
        return reply
    count, para = len(article.paragraphs), int(numbers["para"])
    if not 1 <= para <= count:  # the article is known: say how far it goes, nothing else
        last = code(f"{article.number}:{count}") if count > 1 else None
        return Reply().add(
            f"{article.title} has {count} paragraph{'s' if count != 1 else ''}",
            *([": ", code(f"{article.number}:1"), " to ", last, "."] if last else ["."]),
        )
    sentences = len(article.paragraphs[para - 1].sentences)
    whole = code(f"{article.id} ¶{para}")
    if sentences == 1:
        return Reply().add(f"¶{para} of {article.title} is one sentence: ", whole, ".")
    return Reply().add(
        f"¶{para} of {article.title} has {sentences} sentences: ",
        code(f"{article.id} ¶{para}.1"), f" to ¶{para}.{sentences}, or ", whole, " for all of it.",
    )  # fmt: skip


def discuss_reply(library: Library, ref: str) -> Reply:
    """/discuss <ref>: a post that opens a thread on a passage."""
    ref = typed(ref)
    passage = library.find_passage(ref)
    if passage is None:
        return context_reply(library, ref)
    article = library.get(passage.article_id)
    assert article is not None
    reply = Reply().add(bold("Discussion: "), code(passage.ref))
    reply.add(passage.text, quote=True)
    reply.add(*citation(article, passage))
    reply.add("Reply to this message to discuss it; ", code("/thread"), " as a reply sums it up.")
    reply.pulled = [passage.ref]
    reply.opens_thread, reply.refs = True, [passage.ref]
    return reply


def board_reply(library: Library, rows: list[tuple[str, int, int]]) -> Reply:
    """/quotes: the group's most-pulled passages, with how often and by how many."""
    if not rows:
        return Reply().add("No quotes pulled here yet: ", code("/quote <words>"), " pulls one.")
    reply = Reply().add(bold("The group's most-pulled passages"))
    for number, (ref, pulls, people) in enumerate(rows, start=1):
        passage = library.resolve(ref)
        text = " ".join(passage.text.split()) if passage else "(no longer in the library)"
        text = text if len(text) <= 160 else text[:159] + "…"
        quoted = text if text[:1] in "“\"«„‘'" else f"“{text}”"  # its own mark, not two
        reply.add(
            f"{number}. {quoted}\n", code(ref),
            f" · pulled {pulls}× by {people} member{'s' if people != 1 else ''}",
        )  # fmt: skip
    reply.add("Admins: ", code("/quotes remove <reference>"), " takes one off the board.")
    return reply
