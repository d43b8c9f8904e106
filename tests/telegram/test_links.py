"""Adding an article from its link in Telegram: /add <link> in any chat, and a bare link sent
in private, which the bot offers to add. Pages come from a real HTTP server on 127.0.0.1, which
the bot reaches only because these tests allow that network (links.allow_networks)."""

from __future__ import annotations

import pytest

from bot.commands import Commands
from bot.library import load_library
from tests.auxil.botapi import parse_telegram_html
from tests.auxil.web import LOCAL, Site
from tests.conftest import SEEDS, start_bot, stop_bot
from tests.test_links import ARTICLE

CURATOR, MEMBER = 777, 501
GROUP = -100555


def text_of(call) -> str:
    return parse_telegram_html(call.params["text"])


@pytest.fixture
async def site():
    site = await Site().start()
    site.page("/war-and-workers", ARTICLE)
    site.page("/gone", "Not here", status=404)
    yield site
    await site.stop()


async def start(botapi, tmp_path, **settings):
    commands = Commands(load_library(SEEDS))  # its own library: adding changes it
    return await start_bot(botapi, commands, tmp_path / "bot.sqlite3", admins=[CURATOR], **settings)


async def test_add_a_link_then_quote_it_with_its_source_linked(botapi, tmp_path, site):
    bot = await start(botapi, tmp_path, allow_networks=LOCAL)
    try:
        botapi.send_text(f"/add {site.url('/war-and-workers')}", user_id=CURATOR)
        [added] = await botapi.wait_for_messages(1)
        shown = text_of(added)
        assert shown.startswith("Added: The war and the workers")
        assert "Publication: Workers News" in shown
        assert "Author: Ann Other" in shown
        link = site.url("/war-and-workers")
        assert f"From {link}" in shown  # the page's canonical address is another site's: not it
        botapi.send_text("/quote the socialsts who voted the war credits betrayed the internatonal")
        quote = (await botapi.wait_for_messages(2))[1]
        html = quote.params["text"]
        assert f'<a href="{link}"><i>The war and the workers</i></a>' in html
        assert "Workers News" in text_of(quote)
        botapi.send_text(f"/add {site.url('/war-and-workers')}", user_id=CURATOR)
        again = (await botapi.wait_for_messages(3))[2]
        assert text_of(again).startswith("Already in the library: The war and the workers")
    finally:
        await stop_bot(bot)


async def test_a_bare_link_in_private_is_offered_to_admins_and_explained_to_others(
    botapi, tmp_path, site
):
    bot = await start(botapi, tmp_path, allow_networks=LOCAL)
    try:
        link = site.url("/war-and-workers")
        botapi.send_text(link, user_id=CURATOR, chat_id=CURATOR)
        [offer] = await botapi.wait_for_messages(1, CURATOR)
        assert text_of(offer) == f"Add this page to the library? {link}"
        [[button]] = offer.params["reply_markup"]["inline_keyboard"]
        assert button["text"] == "Add to the library"
        assert len(button["callback_data"].encode()) <= 64
        assert site.requests == []  # nothing fetched before the admin says so
        botapi.press(offer, button["callback_data"], user_id=CURATOR)
        added = (await botapi.wait_for_messages(2, CURATOR))[1]
        assert text_of(added).startswith("Added: The war and the workers")
        botapi.press(offer, button["callback_data"], user_id=CURATOR)  # pressed again
        pressed = await botapi.wait_for_calls("answerCallbackQuery", 2)
        assert "no longer works" in pressed[-1].params["text"]
        botapi.send_text(link, user_id=MEMBER, chat_id=MEMBER)
        [explained] = await botapi.wait_for_messages(1, MEMBER)
        assert "by a group's admins in their group with /add <link>" in text_of(explained)
        botapi.send_text("any peace is only a truce", user_id=MEMBER, chat_id=MEMBER)
        searched = (await botapi.wait_for_messages(2, MEMBER))[1]
        assert "trumps-world-order" in text_of(searched)  # plain text in private: a quote search
    finally:
        await stop_bot(bot)


async def test_bad_links_get_one_clear_answer_and_nothing_is_added(botapi, tmp_path, site):
    bot = await start(botapi, tmp_path)  # the default: only the public internet
    try:
        for text in (
            f"/add {site.url('/war-and-workers')}",
            "/add",
            "/add war and workers",
            "/add ftp://example.org/war.txt",
            "/add www.example.org/war",
        ):
            botapi.send_text(text, user_id=CURATOR)
        local, usage, not_link, scheme, bare = map(text_of, await botapi.wait_for_messages(5))
        assert "127.0.0.1 is not on the public internet; I only fetch public web pages." in local
        assert (
            usage == "Send me the article as a file, or its link: /add https://example.org/article."
        )
        assert not_link.startswith("That is not a link. Send me the article")
        assert "I only fetch http:// and https:// links" in scheme
        assert bare == "www.example.org/war: a link starts with https:// (or http://)."
        assert site.requests == []
    finally:
        await stop_bot(bot)
    bot = await start(botapi, tmp_path, allow_networks=LOCAL)
    try:
        botapi.send_text(f"/add {site.url('/gone')}", user_id=CURATOR)
        gone = text_of((await botapi.wait_for_messages(6))[5])
        assert gone == f"There is no page at {site.url('/gone')} (404 Not Found): check the link."
        assert len(bot.application.bot_data.commands.library) == 5
        assert await bot.store.added_articles() == []
    finally:
        await stop_bot(bot)


async def test_in_a_group_admins_add_links_and_members_are_refused(botapi, tmp_path, site):
    botapi.chat(GROUP, "supergroup")
    botapi.admins.add(900)
    bot = await start(botapi, tmp_path, allow_networks=LOCAL)
    try:
        command = f"/add@ReadingGroupBot {site.url('/war-and-workers')}"
        botapi.send_text(command, chat_id=GROUP, kind="supergroup", user_id=901)
        botapi.send_text(command, chat_id=GROUP, kind="supergroup", user_id=900)
        refused, added = map(text_of, await botapi.wait_for_messages(2, GROUP))
        assert (
            refused
            == "Only the bot's admins, or a group's admins in their group, can change the library."
        )
        assert added.startswith("Added: The war and the workers")
        assert len(site.requests) == 1
    finally:
        await stop_bot(bot)
