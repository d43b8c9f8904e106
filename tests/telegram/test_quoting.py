"""Pulling quotes: inline mode, the misquote check, quote buttons, the quote board."""

from __future__ import annotations

import asyncio

from tests.auxil.botapi import parse_telegram_html
from tests.conftest import start_bot, stop_bot

GROUP = -100444
ADMIN = 900


async def settle(running_bot) -> None:
    await asyncio.sleep(0.3)
    await running_bot.intake.drain()


async def test_inline_results_page_by_page_with_valid_ids_and_texts(botapi, running_bot):
    botapi.inline_query("war")
    await asyncio.sleep(0.5)
    [first] = botapi.inline_answers()
    assert first.ok, first.error
    results = first.params["results"]
    assert len(results) == 20
    assert first.params["next_offset"] == "20"
    ids = [r["id"] for r in results]
    assert len(set(ids)) == len(ids)
    assert all(len(i.encode()) <= 64 for i in ids)
    top = results[0]
    assert top["description"].endswith(top["id"])  # "title · reference"
    text = parse_telegram_html(top["input_message_content"]["message_text"])
    assert text.endswith(top["id"])  # the posted quote ends with its citation
    botapi.inline_query("war", offset="20")
    await asyncio.sleep(0.5)
    second = botapi.inline_answers()[1]
    assert second.ok
    assert not {r["id"] for r in second.params["results"]} & set(ids)  # a new page
    botapi.inline_query("zzzz qqqq")
    await asyncio.sleep(0.5)
    assert botapi.inline_answers()[2].params["results"] == []


async def test_empty_inline_query_offers_the_groups_reading_and_top_quotes(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    botapi.admins.add(600)
    botapi.send_text("/next@ReadingGroupBot", chat_id=GROUP, user_id=600)  # an admin
    botapi.send_text("/quote@ReadingGroupBot stab in the back", chat_id=GROUP)
    await botapi.wait_for_messages(2, GROUP)
    await settle(running_bot)
    botapi.inline_query("")
    await asyncio.sleep(0.5)
    [answer] = botapi.inline_answers()
    assert answer.ok, answer.error
    assert [r["id"] for r in answer.params["results"]][:2] == [
        "pro-putin-left ¶1",  # the current reading
        "putin-v-prigozhin ¶11.1",  # the most-pulled quote: the sentence the words are in
    ]
    assert answer.params["is_personal"] in (True, "true")


async def test_a_message_posted_inline_goes_on_the_board(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    message = botapi.send_text("Any “peace” is only a truce between two wars.\n— Trump’s World Order—and Putin’s?, The Spark, 17 March 2025 · trumps-world-order ¶6", chat_id=GROUP)  # fmt: skip
    await settle(running_bot)
    assert await running_bot.store.board(GROUP) == []  # typed by hand: not a pull
    botapi.push_update({"message": {**message, "message_id": message["message_id"] + 500, "via_bot": {"id": botapi.bot_id, "is_bot": True, "first_name": "Reading Group", "username": "ReadingGroupBot"}}})  # fmt: skip
    await settle(running_bot)
    assert await running_bot.store.board(GROUP) == [("trumps-world-order ¶6", 1, 1)]


async def test_quote_as_a_reply_checks_the_quotation(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    exact = botapi.send_text("As Dreyfus put it: “Capitalist barbarism doesn’t come to an end by palace coups”", chat_id=GROUP)  # fmt: skip
    wrong = botapi.send_text("They wrote \"every peace is just a truce between two wars\"", chat_id=GROUP)  # fmt: skip
    invented = botapi.send_text("“Comrades, the bananas of Peru are ripe”", chat_id=GROUP)
    for target in (exact, wrong, invented):
        botapi.send_text("/quote@ReadingGroupBot", chat_id=GROUP, user_id=502, reply_to=target)
    answers = await botapi.wait_for_messages(3, GROUP)
    first, second, third = (c.params["text"] for c in answers)
    assert first.startswith("<b>Exact.</b>")
    assert "putin-v-prigozhin ¶9" in first
    assert second.startswith("<b>Not quite.</b>")
    assert "<b>Any</b>" in second
    assert "<b>only</b>" in second
    assert "<s>every</s>" in second
    assert "<s>just</s>" in second
    assert "trumps-world-order ¶6" in second
    assert parse_telegram_html(third).startswith("Not in the library")


async def test_more_pages_only_for_the_asker_and_survives_a_restart(botapi, commands, tmp_path):
    database = tmp_path / "db.sqlite3"
    bot = await start_bot(botapi, commands, database)
    try:
        botapi.chat(GROUP, "supergroup")
        botapi.send_text("/quote@ReadingGroupBot no war but the class war", chat_id=GROUP, user_id=501)  # fmt: skip
        [quote] = await botapi.wait_for_messages(1, GROUP)
        buttons = [b["callback_data"] for row in quote.params["reply_markup"]["inline_keyboard"] for b in row]  # fmt: skip
        more, context_button, discuss, unclear = buttons
        assert more.startswith("/more ")
        assert context_button == "/context putin-v-prigozhin ¶19"
        assert discuss == "/discuss putin-v-prigozhin ¶19"
        assert unclear == "/unclear putin-v-prigozhin ¶19"  # in a group: for its digest
        assert all(len(b.encode()) <= 64 for b in buttons)
        botapi.press(quote, more, user_id=502)  # someone else
        await asyncio.sleep(0.4)
        [refusal] = botapi.answers()
        assert refusal.params["text"].startswith("Only the member who asked can page")
        assert refusal.params["show_alert"] in (True, "true")
    finally:
        await stop_bot(bot)
    bot = await start_bot(botapi, commands, database)  # a restart: the same database
    try:
        botapi.press(quote, more, user_id=501)
        botapi.press(quote, context_button, user_id=502)
        botapi.press(quote, discuss, user_id=502)
        page, context_reply, discussion = (await botapi.wait_for_messages(4, GROUP))[1:]
        assert parse_telegram_html(page.params["text"]).startswith("More for “no war but the class war” (page 1)")  # fmt: skip
        assert "¶18" in parse_telegram_html(context_reply.params["text"])
        assert parse_telegram_html(discussion.params["text"]).startswith("Discussion: putin-v-prigozhin ¶19")  # fmt: skip
        await asyncio.sleep(0.3)
        await bot.intake.drain()
        board = await bot.store.board(GROUP)
        assert board == [("putin-v-prigozhin ¶19", 2, 2)]  # the /quote and the discussion post
    finally:
        await stop_bot(bot)


async def test_the_board_and_its_admins(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    botapi.admins.add(ADMIN)
    for user in (501, 502, 501):
        botapi.send_text("/quote@ReadingGroupBot stab in the back", chat_id=GROUP, user_id=user)
    botapi.send_text("/quote@ReadingGroupBot banana republic", chat_id=GROUP, user_id=503)
    await botapi.wait_for_messages(4, GROUP)
    botapi.send_text("/quotes@ReadingGroupBot", chat_id=GROUP)
    botapi.send_text("/quotes@ReadingGroupBot remove putin-v-prigozhin ¶11.1", chat_id=GROUP, user_id=501)  # fmt: skip
    botapi.send_text("/quotes@ReadingGroupBot remove prigozhin 11.1", chat_id=GROUP, user_id=ADMIN)  # fmt: skip
    botapi.send_text("/quotes@ReadingGroupBot", chat_id=GROUP)
    board, refused, removed, after = (parse_telegram_html(c.params["text"]) for c in (await botapi.wait_for_messages(8, GROUP))[4:])  # fmt: skip
    # The sentence the words were found in, in its own quotation marks (not doubled).
    assert "1. “This is a stab in the back of our country and our people.\n" in board
    assert "putin-v-prigozhin ¶11.1 · pulled 3× by 2 members" in board
    assert "Only this group's admins" in refused
    assert "Taken off the board: putin-v-prigozhin ¶11.1." in removed
    assert "¶11" not in after
    assert "putin-v-prigozhin ¶1 · pulled 1× by 1 member" in after


async def test_a_cited_reference_is_one_tap_from_its_context(botapi, running_bot):
    botapi.send_text("/quote@ReadingGroupBot stab in the back", chat_id=GROUP, kind="supergroup")
    [quote] = await botapi.wait_for_messages(1, GROUP)
    html = quote.params["text"]
    link = '<a href="https://t.me/ReadingGroupBot?start=c_putin-v-prigozhin_11_1"><code>putin-v-prigozhin ¶11.1</code></a>'
    assert link in html  # the paragraph is shown, the sentence the words are in is cited
    # Tapping it opens the bot's private chat with that /start: the passage in context.
    botapi.send_text("/start c_putin-v-prigozhin_11_1", chat_id=501, user_id=501)
    [context] = await botapi.wait_for_messages(1, 501)
    shown = parse_telegram_html(context.params["text"])
    assert shown.startswith(
        "Putin v Prigozhin – Moscowpades on Ice · putin-v-prigozhin ¶11.1 in context"
    )
    botapi.send_text("/start c_no-such-article_3", chat_id=502, user_id=502)
    [welcome] = await botapi.wait_for_messages(1, 502)
    assert "I don't know the passage" in parse_telegram_html(welcome.params["text"])
