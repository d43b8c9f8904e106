"""The bot's commands, free of Telegram: arguments in, a :class:`Reply` out.

The Telegram handlers and the console both call :meth:`Commands.handle`, so a member gets the
same answer in a group chat and in the terminal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from rapidfuzz import fuzz, process

from bot import quotes
from bot.citation import citation
from bot.compare import (
    MIN_MENTIONS,
    Position,
    compare_articles,
    compare_topic,
    nearest_terms,
    suggested_topics,
)
from bot.language import SUPPORTED
from bot.library import Article, Library, format_date, payload_ref
from bot.reply import Button, Reply, Span, bold, code, highlighted, italic, reference
from bot.search import CANDIDATE_FLOOR, HIT, MAX_QUERY_CHARS, Match, QuoteIndex
from bot.shelf import TERMS_WAIT, Shelf
from bot.summary import summarise
from bot.terms import TermIndex, content_words
from bot.text import fold, normalise, number, words
from bot.topics import literal_topic

EXCERPT_CHARS = 220
ARTICLES_PAGE = 10
TITLE = 85  # how close to an article's title a quotation must be to be taken for it
FEW_WORDS = 2  # content words of a /quote too few to name one passage
ARTICLE_ORDERS = ("catalog", "newest", "title")


@dataclass(frozen=True)
class CommandInfo:
    """A command as /help and Telegram's command menu describe it."""

    name: str
    summary: str
    example: str


COMMANDS = (
    CommandInfo(
        "quote", "find a passage from what you remember of it", "/quote any peace is only a truce"
    ),
    CommandInfo("summary", "what an article argues, in its own sentences", "/summary 2"),
    CommandInfo(
        "compare",
        "where the articles stand on a topic, or two articles side by side",
        "/compare imperialism",
    ),
    CommandInfo(
        "context", "a passage with the paragraphs around it", "/context putin-v-prigozhin ¶7"
    ),
    CommandInfo("discuss", "open a thread on a passage", "/discuss putin-v-prigozhin ¶7"),
    CommandInfo("quotes", "the group's most-pulled passages", "/quotes"),
    CommandInfo(
        "articles",
        "the library, a page at a time (newest, title: other orders)",
        "/articles newest",
    ),
    CommandInfo(
        "add",
        "admins: an article into the library from its link (or send me its file)",
        "/add https://www.marxists.org/archive/lenin/works/1916/imp-hsc/",
    ),
    CommandInfo("remove", "admins: take an article out of the library", "/remove 6"),
    CommandInfo(
        "daily",
        "admins: a reading every day at this time (or off, pause, resume, skip)",
        "/daily 07:30 Europe/London",
    ),
    CommandInfo(
        "meeting",
        "admins: the group's meetings; an hour before each, a reminder with the digest",
        "/meeting thursday 19:00 Europe/Paris",
    ),
    CommandInfo(
        "poll",
        "admins: a poll on the next reading (or name the articles); close counts it",
        "/poll",
    ),
    CommandInfo("plan", "the reading plan: its order, parts and progress", "/plan"),
    CommandInfo("next", "post the plan's next reading now (admins, in groups)", "/next"),
    CommandInfo("today", "the latest reading again", "/today"),
    CommandInfo(
        "thread", "sent as a reply: that thread's posts, people and latest lines", "/thread"
    ),
    CommandInfo("threads", "the group's recent threads", "/threads"),
    CommandInfo("search", "the group's own messages that say these words", "/search truce"),
    CommandInfo(
        "digest", "what the group read and discussed lately: threads, open questions", "/digest 7"
    ),
    CommandInfo("unclear", "mark a passage as unclear, for the group's digest", "/unclear 2:7"),
    CommandInfo(
        "export", "a thread (as a reply) or the last days as Markdown and HTML files", "/export 7"
    ),
    CommandInfo(
        "logging", "admins: keep this group's discussion or stop (on or off)", "/logging on"
    ),
    CommandInfo(
        "forgetme", "delete what you said here and stop keeping your messages", "/forgetme"
    ),
    CommandInfo("privacy", "what I keep, where, and for how long", "/privacy"),
    CommandInfo("help", "show every command with an example", "/help"),
    CommandInfo("start", "what this bot does", "/start"),
)
# Commands about a group's discussion: answered by the Telegram layer in groups.
GROUP_COMMANDS = frozenset(
    {
        "thread",
        "threads",
        "search",
        "digest",
        "unclear",
        "export",
        "logging",
        "forgetme",
        "privacy",
        "daily",
        "meeting",
        "poll",
        "plan",
        "next",
        "today",
        "quotes",
        "more",
        "add",
        "remove",
    }
)


def _excerpt(match: Match) -> list[Span]:
    """A candidate's text cut to about EXCERPT_CHARS around its first highlight."""
    text = match.passage.text
    if len(text) <= EXCERPT_CHARS:
        return highlighted(text, match.highlights)
    centre = match.highlights[0][0] if match.highlights else 0
    start = max(0, min(centre - EXCERPT_CHARS // 3, len(text) - EXCERPT_CHARS))
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = text.find(" ", start + EXCERPT_CHARS)
    end = len(text) if end == -1 else end
    spans = [
        (max(a, start) - start, min(b, end) - start)
        for a, b in match.highlights
        if b > start and a < end
    ]
    parts = highlighted(text[start:end], tuple(spans))
    return [Span("…" if start else ""), *parts, Span("…" if end < len(text) else "")]


def _added_on(article: Article) -> date:
    """The day (UTC) an article was added to the library."""
    return datetime.fromtimestamp(article.added, UTC).date()


def _newest_first(article: Article) -> tuple[int, int, float, int]:
    """Sort key for /articles newest: the publication date, else the day it was added; among
    the same day the one added last first; articles with neither date last, by number."""
    when = article.date or (_added_on(article) if article.added else None)
    if when is None:
        return (1, 0, 0.0, article.number)
    return (0, -when.toordinal(), -article.added, article.number)


_NUMBER_COLON_NUMBER = re.compile(r"\s*\d+\s*:\s*\d+(?:\.\d+(?:-\d+)?)?\s*")


class Commands:
    """Answers to every command, built from the library and a quote index."""

    def __init__(
        self,
        library: Library | Shelf,
        index: QuoteIndex | None = None,
        terms: TermIndex | None = None,
        *,
        defer_terms: bool = False,
    ) -> None:
        """The commands of a shelf (or of a library, put on a shelf of its own here);
        ``defer_terms``: count the library's terms later (:meth:`Shelf.warm_up`)."""
        self.shelf = (
            library
            if isinstance(library, Shelf)
            else Shelf(library, index, terms, defer_terms=defer_terms)
        )

    @property
    def library(self) -> Library:
        return self.shelf.library

    @property
    def index(self) -> QuoteIndex:
        return self.shelf.index

    @property
    def terms(self) -> TermIndex:
        """The term index for summaries and comparisons (counted now if not yet)."""
        return self.shelf.terms

    @property
    def terms_if_ready(self) -> TermIndex | None:
        return self.shelf.terms_if_ready

    async def wait_for_terms(self, seconds: float = TERMS_WAIT) -> TermIndex | None:
        """See :meth:`Shelf.wait_for_terms`."""
        return await self.shelf.wait_for_terms(seconds)

    def _not_ready(self) -> Reply | None:
        """While the terms are still being counted after a start: a short, honest answer
        (counting here would stall every chat)."""
        if self.shelf.terms_if_ready is None and self.shelf.deferred:
            return Reply().add(
                "I'm still reading the library for summaries and comparisons — it takes a "
                "minute or so after a restart. Please ask again shortly."
            )
        return None

    def handle(
        self,
        name: str,
        args: str,
        *,
        bot_username: str | None = None,
        replied_text: str | None = None,
    ) -> Reply | None:
        """The reply to ``/name args`` (sent as a reply to ``replied_text``, if it was); None
        for a command this bot does not have."""
        handler = {
            "start": lambda: self._opened(args) or self.start(bot_username),
            "help": lambda: self.help(bot_username),
            "articles": lambda: self.articles(args),
            "quote": lambda: self.quote(args, replied_text),
            "summary": lambda: self._not_ready() or self.summary(args),
            "compare": lambda: self._not_ready() or self.compare(args),
            "context": lambda: quotes.context_reply(self.library, args),
            "discuss": lambda: quotes.discuss_reply(self.library, args),
        }.get(name.casefold())
        if name.casefold() in ("add", "remove"):
            what = "FILE-OR-LINK" if name.casefold() == "add" else "ARTICLE"
            return Reply().add(
                code(f"/{name.casefold()}"),
                " works in Telegram, for the library's admins. On this machine: ",
                code(f"python -m bot {name.casefold()} {what}"),
                ".",
            )
        if handler is None and name.casefold() in GROUP_COMMANDS:
            return Reply().add(
                code(f"/{name.casefold()}"),
                " works in Telegram, in a group or a chat with me. There: ",
                code(_addressed("/help", bot_username)),
                ".",
            )
        return handler() if handler else None

    def unknown(self, name: str) -> Reply:
        """The answer to a command this bot does not have."""
        shown = name if len(name) <= 40 else name[:40] + "…"
        return Reply().add(
            "I don't know ", code(f"/{shown}"), ". ", code("/help"), " lists what I can do."
        )

    def _opened(self, payload: str) -> Reply | None:
        """``/start c_<id>_<n>``: a cited reference tapped in a post, as /context shows it."""
        ref = payload_ref(payload.strip())
        return quotes.context_reply(self.library, ref) if ref else None

    def start(self, bot_username: str | None = None) -> Reply:
        """What the bot does, for a new member or a new group."""
        reply = Reply().add(bold("Reading-group bot"))
        reply.add(
            f"I keep your group's library of {len(self.library)} articles at hand. Tell me the "
            "words you remember and I find the passage, with its exact source."
        )
        reply.add("Try ", code(_addressed("/quote any peace is only a truce", bot_username)))
        reply.add(
            code(_addressed("/articles", bot_username)),
            " lists the library; ",
            code(_addressed("/help", bot_username)),
            " shows every command.",
        )
        return reply

    def help(self, bot_username: str | None = None) -> Reply:
        """Every command with one example each."""
        reply = Reply().add(bold("Commands"))
        for info in COMMANDS:
            reply.add(
                code(f"/{info.name}"),
                f" — {info.summary}\n",
                Span("e.g. "),
                code(_addressed(info.example, bot_username)),
            )
        reply.add(
            "In /quote, name one article before a colon to search only it: by number, id or "
            "title, e.g. ",
            code(_addressed("/quote 2: stab in the back", bot_username)),
            ". References such as ",
            code("putin-v-prigozhin ¶7"),
            " name paragraph 7; ",
            code("¶1.3"),
            " is its third sentence.",
        )
        if bot_username:
            reply.add(
                f"In a group, address commands to me as /command@{bot_username}; with privacy "
                "mode on I only see commands and replies to my messages."
            )
        return reply

    def articles(self, args: str = "") -> Reply:
        """The library, a page at a time: in catalog order (numbered as /quote and /summary
        accept it), newest first, or by title. Newest is by publication date, or the date
        added where the text states none (by date added alone, the folder's articles, added on
        no day, never moved), and the answer says which date placed each article."""
        words_ = args.casefold().split()
        order = next((w for w in words_ if w in ARTICLE_ORDERS), "catalog")
        page = next((n for w in words_ if (n := number(w)) is not None), 1)
        articles = list(self.library.articles)
        if order == "newest":
            articles.sort(key=_newest_first)
        elif order == "title":
            articles.sort(key=lambda a: (normalise(a.title).lstrip("\"'“‘ "), a.number))
        pages = max(1, -(-len(articles) // ARTICLES_PAGE))
        asked, page = page, min(max(page, 1), pages)
        shown = articles[(page - 1) * ARTICLES_PAGE : page * ARTICLES_PAGE]
        heading = f"The library: {len(self.library)} articles"
        if pages > 1:
            heading += f" · page {page} of {pages}"
        if order != "catalog":
            heading += " · newest first" if order == "newest" else " · by title"
        reply = Reply().add(bold(heading))
        if asked != page:  # a page past the end: say so, rather than show another silently
            reply.add(
                f"There is no page {asked}: the list has {pages} page{'s' if pages > 1 else ''}."
            )
        if order == "newest":
            reply.add(
                "By publication date, or by the date added where the text states none; "
                "articles with neither come last."
            )
        # The language is named once the library has more than one: noise in a one-language one.
        several = len({a.language for a in self.library.articles if a.language}) > 1
        if not several and self.library.articles and self.library.articles[0].language:
            name = SUPPORTED.get(self.library.articles[0].language, ("", ""))[1]
            reply.add(f"All in {name}." if name else "")
        for article in shown:
            details = [v for v in (article.publication, format_date(article.date)) if v]
            if order == "newest" and not article.date and article.added:
                details.append(f"added {format_date(_added_on(article))}")
            if article.author:
                details.append(f"by {article.author}")
            if article.language and several:
                details.append(f"in {SUPPORTED.get(article.language, ('', article.language))[1]}")
            reply.add(
                f"{article.number}. ",
                bold(article.title),
                "\n" + ", ".join(details) + "\n" if details else "\n",
                code(article.id),
                f" · {article.words:,} words · {len(article.paragraphs)} ¶",
            )
        reply.add("Search one article with ", code("/quote <number>: <words>"), ".")
        if page > 1:
            reply.buttons.append(Button("‹ Previous", f"/articles {order} {page - 1}"))
        if page < pages:
            reply.buttons.append(Button("Next ›", f"/articles {order} {page + 1}"))
        for other in ARTICLE_ORDERS:
            if other != order:
                label = {"catalog": "By number", "newest": "Newest", "title": "By title"}[other]
                reply.buttons.append(Button(label, f"/articles {other}"))
        return reply

    def quote(self, args: str, replied_text: str | None = None) -> Reply:
        """The passage that best matches what the member remembers, with its citation; with no
        words, as a reply to a message: whether that message quotes the library exactly."""
        text = args.strip()
        if not text and replied_text:
            return quotes.check_quotation(self.index, self.library, replied_text)
        if not text:
            return (
                Reply()
                .add("Send me the words you remember, even roughly, and I find the passage:")
                .add(code("/quote any peace is only a truce between two wars"))
                .add("Or send /quote as a reply to a message that quotes an article: I check it.")
                .add(
                    "To search one article, name it first: ",
                    code("/quote 2: stab in the back"),
                    ". ",
                    code("/articles"),
                    " lists them.",
                )
            )
        if len(text) > MAX_QUERY_CHARS:
            return Reply().add(
                f"That is {len(text):,} characters; send at most {MAX_QUERY_CHARS:,} — a sentence "
                "or two you remember is enough."
            )
        if quotes.PARAGRAPH_ALONE.fullmatch(
            text
        ):  # "/quote ¶7": a paragraph, but of which article?
            return Reply().add(
                "Which article's paragraph? Name the article too: ", code("/context 2:7"),
                " or ", code("/context putin-v-prigozhin 7"), ". To find words you remember: ",
                code("/quote stab in the back"), ".",
            )  # fmt: skip
        if ("¶" in text or _NUMBER_COLON_NUMBER.fullmatch(text)) and (
            passage := self.library.find_passage(text)
        ):
            return quotes.context_reply(self.library, passage.ref)  # a reference, not words
        scope, query, note = self._scope(text)
        if isinstance(scope, Reply):
            return scope
        found = words(query)
        if not content_words(query) or (len(found) == 1 and len(found[0].norm) <= 3):
            reply = Reply().add(
                "That is too little to go on: give me a few of the words you remember, e.g. ",
                code("/quote stab in the back"), ".",
            )  # fmt: skip
            if literal_topic(query) is not None:  # "/quote 1917": a topic, though
                reply.add("To see where the articles take it up: ", code(f"/compare {query}"), ".")
            return reply
        matches = self.index.search(query, article_id=scope.id if scope else None, limit=4)
        reply = Reply()
        if note:
            reply.add(note)
        if not matches or not matches[0].is_hit:
            return self._no_match(reply, matches, scope, query)
        best = matches[0]
        reply = quotes.quote_reply(self.library, best.passage, best.highlights, reply)

        def elsewhere(words_: str) -> str | None:
            found = self.index.search(words_, limit=1)
            if not found or not found[0].is_hit or found[0].passage.ref == best.passage.ref:
                return None
            return quotes.cited(self.library, found[0].passage, found[0].highlights).ref

        if differs := quotes.not_quite(query, best.passage.text, elsewhere):
            reply.add(*differs)
        others = [m for m in matches[1:] if m.score >= HIT and m.score >= best.score - 10]
        if others:
            reply.add("Also close: ", *_join([reference(m.passage.ref) for m in others]))
        return reply

    def _scope(self, text: str) -> tuple[Article | Reply | None, str, str]:
        """Split ``<article>: <words>``; the article is None when the query has no scope."""
        m = re.match(r"^\s*([^:\n]{1,80}?)\s*:\s*(.*)$", text, re.DOTALL)
        if not m:
            return None, text, ""
        prefix, rest = m.group(1), m.group(2)
        found = self.library.find_article(prefix)
        if len(found) == 1:
            return found[0], rest, ""
        if prefix.strip().lstrip("#").isdecimal():
            return (
                Reply().add(
                    f"There is no article {prefix.strip()}; the library has {len(self.library)}. ",
                    code("/articles"),
                    " lists them.",
                ),
                rest,
                "",
            )
        if len(found) > 1:
            names = ", ".join(f"{a.number}. {a.title}" for a in found)
            return (
                None,
                rest,
                f"“{prefix}” could be several articles ({names}), so I searched them all.",
            )
        return None, text, ""  # the colon was part of the quotation

    def _no_match(
        self, reply: Reply, matches: list[Match], scope: Article | None, query: str
    ) -> Reply:
        where = f"“{scope.title}”" if scope else "the library"
        close = [m for m in matches if m.score >= CANDIDATE_FLOOR][:3]
        few = len(content_words(query)) <= FEW_WORDS
        shown = query if len(query) <= 60 else query[:59] + "…"
        if (titled := self._titled(query, scope)) is not None:
            n = titled.number
            return reply.add(
                f"That is the title of article {n}: ", italic(titled.title.rstrip(".")), ". ",
                code(f"/summary {n}"), " sums it up; ", code(f"/context {n}:1"), " opens it.",
            )  # fmt: skip
        if not close:
            reply.add(f"Nothing in {where} comes close to that.")
        elif few and len(query.split()) > FEW_WORDS + 1:  # a question, most of it small words
            telling = "”, “".join(content_words(query))
            reply.add(
                f"Passages with “{telling}”: your other words are too common to tell which"
                " one you mean:"
            )
        elif few:  # "/quote putin": many passages have it, none is *the* quote
            reply.add(f"Passages with “{shown}”, too few words to tell which one you mean:")
        else:
            reply.add(f"I can't find that in {where}. The closest passages, none a clear match:")
        for m in close:
            article = self.library.get(m.passage.article_id)
            assert article is not None
            reply.add(
                *_excerpt(m), "\n", Span("— "), italic(article.title), " · ",
                reference(m.passage.ref),
            )  # fmt: skip
        if close and few:
            topic = " ".join(content_words(query))
            if not compare_topic(self.terms, topic).positions:  # no /compare of a nonsense
                reply.add("Give me more of the words you remember to find the one you mean.")
                return reply  # topic ("sooner spectacle", no article's phrase)
            reply.add(
                "Give me more of the words you remember to find the one you mean, or ask ",
                code(f"/compare {topic}"),
                " for what each article says about it.",
            )  # fmt: skip
            return reply
        reply.add(
            "Try other words you remember, or fewer of them"
            + ("" if scope else ", or name the article: /quote 2: words")
            + "."
        )
        return reply

    def _titled(self, query: str, scope: Article | None) -> Article | None:
        """The article whose title a quotation is (typos allowed): titles are not passages,
        so /quote does not find them."""
        if len(content_words(query)) < 3:
            return None
        titles = {a.id: a.title for a in ([scope] if scope else self.library.articles)}
        best = process.extractOne(
            query, titles, scorer=fuzz.partial_ratio, processor=str.casefold, score_cutoff=TITLE
        )
        return self.library.get(best[2]) if best else None

    # --- choosing an article -------------------------------------------------------------

    def _article(self, query: str, command: str | None) -> Article | Reply:
        """The one article a member means, or a reply that helps them choose (with buttons
        that send ``/command <id>``, or a numbered list when there is no such command)."""
        found = self.library.find_article(query)
        if len(found) == 1:
            return found[0]
        shown = query if len(query) <= 60 else query[:60] + "…"
        if found:
            reply = Reply().add(f"“{shown}” could be several articles; which one?")
            candidates = found
        else:
            reply = Reply().add(f"No article matches “{shown}”.")
            titles = {a.id: f"{a.title} {a.id}" for a in self.library.articles}
            close = process.extract(query, titles, scorer=fuzz.WRatio, limit=3, score_cutoff=50)
            candidates = [a for _, _, key in close if (a := self.library.get(key))]
            reply.add(code("/articles"), " lists them all.")
            if candidates:  # a line of its own, just before the articles it names
                reply.add("The closest:")
        for article in candidates[:8]:
            if command:
                reply.buttons.append(Button(_short(article.title), f"/{command} {article.id}"))
            else:
                reply.add(f"{article.number}. {article.title}")
        return reply

    def _article_buttons(self, reply: Reply, command: str) -> Reply:
        for article in self.library.articles[:20]:
            reply.buttons.append(
                Button(f"{article.number}. {_short(article.title)}", f"/{command} {article.id}")
            )
        return reply

    # --- /summary ----------------------------------------------------------------------------

    def summary(self, args: str) -> Reply:
        """The 3 to 5 sentences that carry an article's argument (8 to 10 with ``long``)."""
        text, long = args.strip(), False
        first, _, rest = text.partition(" ")
        last = text.rpartition(" ")[2]
        for word, remainder in ((last, text[: -len(last)]), (first, rest)):
            if word.casefold() in ("long", "short"):  # "/summary 2 long", "/summary long 2"
                text, long = remainder.strip(), word.casefold() == "long"
                break
        if not text:
            reply = Reply().add(
                "Which article? Tap one, or name it: ",
                code("/summary 2"),
                ", ",
                code("/summary prigozhin long"),
                ".",
            )
            return self._article_buttons(reply, "summary")
        article = self._article(text, "summary")
        if isinstance(article, Reply):
            return article
        summary = summarise(self.terms, article.id, long=long)
        reply = Reply().add(bold(article.title))
        details = [v for v in (article.publication, format_date(article.date)) if v]
        if article.author:
            details.append(f"by {article.author}")
        if article.language:
            details.append(f"in {SUPPORTED.get(article.language, ('', article.language))[1]}")
        details.append(f"{summary.words:,} words, {summary.reading_minutes} min read")
        reply.add(" · ".join(details), "\n", code(article.id))
        sentences = sum(len(p.sentences) for p in article.paragraphs)
        reply.add(
            bold("Summary"),
            f" — {len(summary.passages)} of its {sentences} sentences, in the article's order:",
        )
        for passage in summary.passages:
            reply.add(passage.text, "\n", reference(passage.ref), quote=True)
        reply.opens_thread, reply.refs = True, [p.ref for p in summary.passages]
        reply.read = article.id
        if summary.key_terms:
            reply.add(bold("Key terms"), ": ", ", ".join(summary.key_terms))
        if not long:
            reply.add("Longer: ", code(f"/summary {article.id} long"))
        return reply

    # --- /compare ----------------------------------------------------------------------------

    def compare(self, args: str) -> Reply:
        """Where the articles stand on a topic, or what two articles share and do not."""
        text = args.strip()
        if text.count("|") > 1:
            return Reply().add(
                "Two articles at a time: ", code("/compare 1 | 5"), ". For more, a topic they take "
                "up: ", code("/compare imperialism"), ".",
            )  # fmt: skip
        if "|" in text:
            first, _, second = text.partition("|")
            return self._compare_pair(first.strip(), second.strip())
        versus = re.fullmatch(r"(.+?)\s+(?:vs\.?|versus)\s+(.+)", text, re.IGNORECASE)
        if versus and all(len(self.library.find_article(side)) == 1 for side in versus.groups()):
            return self._compare_pair(versus[1].strip(), versus[2].strip())  # "/compare 1 vs 5"
        if len(text) > 200:
            return Reply().add(
                "A topic is a word or a few, e.g. ", code("/compare peace deal"), "."
            )
        if not content_words(text) and literal_topic(text) is None:  # ("UN", "1917" are topics)
            reply = Reply().add(
                "Give me a topic and I show where each article stands on it: ",
                code("/compare imperialism"),
                ". Or two articles side by side: ",
                code("/compare 1 | 5"),
                ".",
            )
            topics = suggested_topics(self.terms)
            if topics:
                reply.add("Topics several articles take up:")
                reply.buttons += [Button(t, f"/compare {t}") for t in topics]
            return reply
        result = compare_topic(self.terms, text)
        shown = text if len(text) <= 60 else text[:60] + "…"
        once = len(result.in_passing)
        addressing = sum(1 for p in result.positions if p.mentions >= MIN_MENTIONS) + result.more
        if not result.positions:
            reply = Reply().add(f"No article in the library addresses “{shown}”.")
            if result.scattered:  # a phrase whose words some articles have, but never as it
                names = "; ".join(a.title.rstrip(".") for a in result.scattered[:10])
                reply.add(f"Its words are only apart, never as the phrase, in: {names}.")
                each = f"/compare {', '.join(content_words(text))}"
                reply.add("Each word as a topic of its own: ", code(each), ".")
                reply.buttons.append(Button(_short(each.removeprefix("/compare ")), each))
                return reply
            near = nearest_terms(self.terms, text)
            if near:
                reply.add("Words the library does use: ", ", ".join(near), ".")
                reply.buttons += [Button(w, f"/compare {w}") for w in near]
            return reply
        reply = Reply().add(bold(f"“{shown}” across the library"))
        named = f"; {once} more {'names' if once == 1 else 'name'} it once" if once else ""
        if addressing:
            reply.add(
                f"{addressing} of {len(self.library)} articles "
                f"{'addresses' if addressing == 1 else 'address'} it",
                f" (as {', '.join(result.wording)})" if result.wording else "",
                f"{named}. {result.order}"
                + (" Those that name it once come last." if once else ""),
            )
        else:
            reply.add(
                f"No article addresses it at length; {once} of {len(self.library)} "
                f"{'names' if once == 1 else 'name'} it once",
                f" (as {', '.join(result.wording)})." if result.wording else ".",
            )
        for n, position in enumerate(result.positions, start=1):
            self._add_position(reply, position, f"{n}. ")
        reply.opens_thread, reply.refs = True, [p.passage.ref for p in result.positions]
        if result.more:
            reply.add(f"…and {result.more:,} more articles address it.")
        if result.silent:
            # (a title's own full stop is left out: "…path forward., Trump's…" read badly)
            names = ", ".join(a.title.rstrip(".") for a in result.silent[:10])
            extra = len(result.silent) - 10
            reply.add("Not about it: ", names, f", and {extra:,} more." if extra > 0 else ".")
        return reply

    def _add_position(self, reply: Reply, position: Position, prefix: str = "") -> None:
        article = position.article
        mentions = f"{position.mentions} mentions" if position.mentions > 1 else "named once"
        counted = self.terms.articles.get(article.id)
        if position.mentions > 1 and counted is not None:  # what the order goes by, shown
            rate = position.mentions * 1000 / max(counted.words, 1)
            mentions += f", {rate:.1f} per thousand words"
        reply.add(prefix, bold(article.title), f" · {mentions}")
        reply.add(*highlighted(position.passage.text, position.highlights), expandable=True)
        reply.add(*citation(article, position.passage))
        if position.quoted:  # as /quote says of them
            reply.add(quotes.SOMEONE_ELSES)

    def _compare_pair(self, first_query: str, second_query: str) -> Reply:
        if not first_query or not second_query:
            return Reply().add(
                "Name two articles either side of |, e.g. ", code("/compare 1 | 5"), "."
            )
        first = self._article(first_query, None)
        second = self._article(second_query, None)
        for side in (first, second):
            if isinstance(side, Reply):
                if self._topics(first_query, second_query):
                    # "/compare peace | war": two topics, not two articles ("peace" is not
                    # article 3, whose title has it, nor article 3 the closest to "war")
                    both = f"/compare {first_query}, {second_query}"
                    reply = Reply().add(
                        f"“{_short(first_query)} | {_short(second_query)}” is not two "
                        "articles. A | B sets two articles side by side, e.g. ",
                        code("/compare 1 | 5"),
                        ". For two topics, join them with a comma: ",
                        code(both),
                        ".",
                    )
                    reply.buttons.append(Button(_short(f"{first_query}, {second_query}"), both))
                    return reply
                return side
        assert isinstance(first, Article)
        assert isinstance(second, Article)
        if first.id == second.id:
            return Reply().add(
                "That is the same article twice; name two different ones, e.g. ",
                code("/compare 1 | 5"),
                ".",
            )
        result = compare_articles(self.terms, first.id, second.id)
        reply = Reply().add(bold(first.title), "  and  ", bold(second.title))
        if result.shared:
            reply.add(bold("Both"), ": ", ", ".join(result.shared))
        for article, own in ((first, result.only_first), (second, result.only_second)):
            reply.add(bold(f"Only in {_short(article.title, 60)}"), ": ", ", ".join(own) or "—")
        if result.closest:
            reply.add(bold("Closest passages"))
            for article, passage in zip((first, second), result.closest, strict=True):
                reply.add(passage.text, expandable=True)
                reply.add(*citation(article, passage))
        if result.main_topic:
            reply.add(
                bold(f"On “{result.main_topic}”"),
                ", the topic both take up where what they say is least alike:",
            )
            for position in result.on_topic:
                if position:
                    self._add_position(reply, position)
        reply.opens_thread = True
        reply.refs = [p.ref for p in result.closest or ()] + [
            p.passage.ref for p in result.on_topic if p
        ]
        return reply

    def _topics(self, *sides: str) -> bool:
        """Whether each side of ``A | B`` reads as a topic rather than an article: not an
        article's number or id, and words the library uses."""
        library = self.library
        return all(
            not side.lstrip("#").isdecimal()
            and side.casefold() not in {a.id for a in library.articles}
            and any(fold(w) in self.terms.wordings for w in content_words(side))
            for side in sides
        )


def _short(title: str, limit: int = 40) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _addressed(example: str, bot_username: str | None) -> str:
    """An example command as a group member must type it: ``/quote@BotName ...``."""
    if not bot_username:
        return example
    command, _, rest = example.partition(" ")
    return f"{command}@{bot_username}" + (f" {rest}" if rest else "")


def _join(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for i, span in enumerate(spans):
        if i:
            out.append(Span(", "))
        out.append(span)
    return out
