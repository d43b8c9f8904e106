"""The library and its two indexes, owned together.

A :class:`Shelf` holds the articles (:class:`~bot.library.Library`), the quote index that finds
passages (:mod:`bot.search`) and the term index behind summaries and comparisons
(:mod:`bot.terms`), and is the only thing that changes them: an article is added to or removed
from all three at once. The commands read it, the librarian changes it, and in the running bot
every change goes through the reading worker (:mod:`bot.worker`), so no answer reads it in the
middle of one. After a start the term index may be counted later (``defer_terms``) while /quote
already answers; :meth:`wait_for_terms` lets a command wait for it a bounded time. No Telegram
imports.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable

from bot import argument
from bot.library import Article, Library
from bot.search import FuzzyIndex, QuoteIndex
from bot.terms import TermIndex
from bot.worker import Worker

log = logging.getLogger(__name__)

# How long a command waits for the term index after a start before saying it is not ready.
TERMS_WAIT = 30.0


class Shelf:
    """The library, its quote index and its term index; changed only as one."""

    def __init__(
        self,
        library: Library,
        index: QuoteIndex | None = None,
        terms: TermIndex | None = None,
        *,
        defer_terms: bool = False,
    ) -> None:
        """``defer_terms``: count the library's terms later (:meth:`warm_up`), so a large
        library starts answering /quote at once."""
        self.library = library
        self.index = index if index is not None else FuzzyIndex(library)
        self._terms = terms if terms is not None or defer_terms else TermIndex(library)
        self.deferred = defer_terms
        self._counted = threading.Event()  # set once the term index exists
        if self._terms is not None:
            self._counted.set()
        # The running bot's worker: changes wait for the answers reading the shelf.
        self.worker: Worker | None = None

    @property
    def terms(self) -> TermIndex:
        """The term index (counted now if not yet)."""
        if self._terms is None:
            self._terms = TermIndex(self.library)
            self._counted.set()
        return self._terms

    @property
    def terms_if_ready(self) -> TermIndex | None:
        return self._terms

    async def wait_for_terms(self, seconds: float = TERMS_WAIT) -> TermIndex | None:
        """The term index, waiting up to ``seconds`` while it is still being counted after a
        start; None if it is not ready by then."""
        if self._terms is None and self.deferred:
            # Looked at now and then, not waited on in a thread: a few chats waiting after a
            # restart must not fill the pool that DNS lookups and file reading use.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    while not self._counted.is_set():  # noqa: ASYNC110 - set by a thread
                        await asyncio.sleep(0.1)
        return self._terms

    async def warm_up(self) -> None:
        """Count the library's terms in a thread, off the event loop; articles added or removed
        meanwhile are brought in as a change."""
        if self._terms is not None:
            return
        snapshot = Library(list(self.library.articles), self.library.folder)
        try:
            built = await asyncio.to_thread(TermIndex, snapshot)
        except Exception:
            # Said once; commands then count the terms themselves (slowly) rather than wait.
            log.exception("Counting the library's terms failed")
            self.deferred = False
            self._counted.set()
            return

        def merge() -> None:
            built.library = self.library
            for article in self.library.articles:  # added (or added again) while it counted
                counted = built.articles.get(article.id)
                if counted is not None and counted.article is not article:
                    built.remove_article(article.id)
                if article.id not in built.articles:
                    built.add_article(article)
            for article_id in list(built.articles):  # removed while it counted
                if self.library.get(article_id) is None:
                    built.remove_article(article_id)
            if self._terms is None:
                self._terms = built
            self._counted.set()

        await self._change(merge)
        # The summaries' sentence embeddings, loaded now rather than by the first /summary
        # (0.3 s of imports and weights); a failure is logged there, once, and costs nothing.
        await asyncio.to_thread(argument.embed, [])

    async def add(self, article: Article) -> None:
        """An article into the library and both indexes, quotable at once."""
        await self._change(self._add, article)

    async def remove(self, article_id: str) -> None:
        """An article out of the library and both indexes."""
        await self._change(self._remove, article_id)

    def _add(self, article: Article) -> None:
        if self.library.get(article.id) is not None:
            return  # there already: the sync and the librarian may both bring it
        self.library.add(article)
        self.index.add_article(article)
        if self._terms is not None:  # else it is still being counted, and will include it
            self._terms.add_article(article)

    def _remove(self, article_id: str) -> None:
        if self.library.get(article_id) is None:
            return
        self.library.remove(article_id)
        self.index.remove_article(article_id)
        if self._terms is not None:
            self._terms.remove_article(article_id)

    async def _change(self, change: Callable[..., None], *args: object) -> None:
        if self.worker is None:
            change(*args)
        else:
            await self.worker.change(change, *args)
