"""Pulling quotes into the discussion: inline results, the misquote check, context, the board.

No Telegram imports: the Telegram layer turns these into inline results and messages.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass

from bot.citation import citation
from bot.library import Library, Paragraph, Passage
from bot.reply import Button, Reply, Span, bold, code, highlighted, italic
from bot.search import CANDIDATE_FLOOR, QuoteIndex
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


def quote_reply(
    library: Library, passage: Passage, spans: tuple[tuple[int, int], ...] = ()
) -> Reply:
    """A passage with its citation, as a post that opens a thread."""
    article = library.get(passage.article_id)
    assert article is not None
    reply = Reply().add(*highlighted(passage.text, spans), quote=True)
    reply.add(*citation(article, passage))
    reply.opens_thread, reply.refs, reply.pulled = True, [passage.ref], [passage.ref]
    return reply


def inline_results(
    index: QuoteIndex, library: Library, query: str, offset: int, page: int = INLINE_PAGE
) -> tuple[list[InlineItem], int | None]:
    """A page of inline results for a query, and the offset of the next page (None at the end)."""
    wanted = min(offset + page, INLINE_MAX)
    matches = [m for m in index.search(query, limit=wanted) if m.score >= CANDIDATE_FLOOR]
    items = [_item(library, m.passage, m.highlights) for m in matches[offset:wanted]]
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
    return InlineItem(
        result_id(passage.ref),
        title,
        f"{article.title} · {passage.ref}",
        quote_reply(library, passage, spans),
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
    q_norms = [w.norm for w in quoted]
    p_norms = [w.norm for w in original]
    blocks = [
        b
        for b in difflib.SequenceMatcher(
            None, q_norms, p_norms, autojunk=False
        ).get_matching_blocks()
        if b.size
    ]
    if not blocks:
        return Reply().add("Not in the library: I can't find “", italic(shown), "” in any article.")
    # The stretch of the passage the quotation stands for: from its first matching word to its
    # last, widened by the quotation's unmatched words at either end.
    first, last = blocks[0], blocks[-1]
    start = max(0, first.b - first.a)
    end = min(len(original), last.b + last.size + (len(q_norms) - last.a - last.size))
    start, end = _within_sentences(passage.text, original, first, last, start, end, len(q_norms))
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
    if first.a > 0 and 0 < start - first_word <= ENDS:
        start = first_word
    if last.a + last.size < quoted and 0 < after_last - end <= ENDS:
        end = after_last
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


def context_reply(library: Library, ref: str) -> Reply:
    """/context <ref>: the passage with the paragraphs before and after it."""
    passage = library.find_passage(ref.strip())
    if passage is None:
        reply = Reply().add(
            "I don't know the passage “", ref.strip()[:60], "”. Name the article and the "
            "paragraph: ", code("putin-v-prigozhin 7"), ", ", code("2:7"), " or ",
            code("putin-v-prigozhin ¶7.2"), " (its second sentence).",
        )  # fmt: skip
        if (article := library.article_named(ref)) is not None:
            count = len(article.paragraphs)
            reply.add(f"{article.title} has {count} paragraph{'s' if count != 1 else ''}.")
        return reply
    article = library.get(passage.article_id)
    assert article is not None
    reply = Reply().add(
        bold(article.title), " · ", code(f"{article.id} ¶{passage.paragraph}"), " in context"
    )
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


def discuss_reply(library: Library, ref: str) -> Reply:
    """/discuss <ref>: a post that opens a thread on a passage."""
    passage = library.find_passage(ref.strip())
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
        reply.add(
            f"{number}. “{text}”\n", code(ref),
            f" · pulled {pulls}× by {people} member{'s' if people != 1 else ''}",
        )  # fmt: skip
    reply.add("Admins: ", code("/quotes remove <reference>"), " takes one off the board.")
    return reply
