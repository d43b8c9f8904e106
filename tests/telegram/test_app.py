"""The real Application against the Bot API stand-in: what members see in Telegram."""

from __future__ import annotations

import asyncio

from tests.auxil.botapi import BotAPIStandIn, parse_telegram_html

GROUP = -100123


async def test_quote_in_private_chat_answers_with_bold_words_and_citation(botapi, running_bot):
    botapi.send_text("/quote capitalist barbarism doesnt come to an end by palace coups")
    [reply] = await botapi.wait_for_messages(1)
    assert reply.params["parse_mode"] == "HTML"
    assert int(reply.params["chat_id"]) == 42
    text = reply.params["text"]
    assert "<b>Capitalist barbarism doesn’t come to an end by palace coups</b>" in text
    assert "putin-v-prigozhin ¶9" in text
    assert "Putin v Prigozhin – Moscowpades on Ice" in text
    assert "reply_parameters" not in reply.params  # no quoting in a private chat


async def test_group_command_addressed_to_the_bot_is_answered_as_a_reply(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    asked = botapi.send_text("/quote@ReadingGroupBot no war but the class war", chat_id=GROUP)
    [reply] = await botapi.wait_for_messages(1, GROUP)
    assert reply.params["reply_parameters"]["message_id"] == asked["message_id"]
    assert "<b>No War but the Class War</b>" in reply.params["text"]
    assert "putin-v-prigozhin ¶19" in reply.params["text"]


async def test_commands_for_another_bot_are_left_alone(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    botapi.send_text("/quote@SomeOtherBot no war but the class war", chat_id=GROUP)
    botapi.send_text("/weather", chat_id=GROUP)  # a bare unknown command may be another bot's
    botapi.send_text("/help@ReadingGroupBot", chat_id=GROUP)
    [reply] = await botapi.wait_for_messages(1, GROUP)
    await asyncio.sleep(0.3)
    assert len(botapi.sent(GROUP)) == 1
    assert "Commands" in reply.params["text"]


async def test_help_in_a_group_shows_every_command_addressed_to_the_bot(botapi, running_bot):
    botapi.chat(GROUP, "group")
    botapi.send_text("/help@ReadingGroupBot", chat_id=GROUP)
    [reply] = await botapi.wait_for_messages(1, GROUP)
    visible = parse_telegram_html(reply.params["text"])
    for name in ("quote", "summary", "compare", "articles", "thread", "export", "help", "start"):
        assert f"/{name}@ReadingGroupBot" in visible


async def test_command_menu_is_registered_at_start_up(botapi, running_bot):
    menus = [c for c in botapi.calls if c.method == "setMyCommands" and c.ok]
    assert menus, "setMyCommands was not called"
    names = [c["command"] for c in menus[0].params["commands"]]
    assert names == [
        "quote", "summary", "compare", "context", "discuss", "quotes", "articles", "add", "remove", "daily", "meeting", "poll", "plan",
        "next", "today", "thread", "threads", "search", "digest", "unclear", "export", "logging", "forgetme", "privacy", "help",
        "start",
    ]  # fmt: skip


async def test_start_articles_and_unknown_command_in_private(botapi, running_bot):
    botapi.send_text("/start")
    botapi.send_text("/articles")
    botapi.send_text("/frobnicate")
    start, articles, unknown = await botapi.wait_for_messages(3)
    assert "5 articles" in start.params["text"]
    assert "putin-v-prigozhin" in articles.params["text"]
    assert "Socialist Worker, 19 June 2012" in articles.params["text"]
    assert "I don't know <code>/frobnicate</code>" in unknown.params["text"]


async def test_hostile_arguments_are_escaped_and_answered(botapi, running_bot):
    botapi.send_text("/quote 1: <b>bold</b> & <script>alert(1)</script>")
    botapi.send_text("/quote " + "x" * 4000)
    botapi.send_text("/quote")
    replies = await botapi.wait_for_messages(3)
    assert not botapi.refused()
    assert "comes close" in replies[0].params["text"] or "can't find" in replies[0].params["text"]
    assert "at most 1,500" in replies[1].params["text"]
    assert "/quote any peace is only a truce" in replies[2].params["text"]


async def test_edited_command_is_not_answered_twice(botapi: BotAPIStandIn, running_bot):
    message = botapi.send_text("/quote stab in the back")
    await botapi.wait_for_messages(1)
    botapi.push_update({"edited_message": {**message, "edit_date": message["date"] + 5}})
    botapi.send_text("/help")
    await botapi.wait_for_messages(2)
    await asyncio.sleep(0.2)
    assert len(botapi.sent()) == 2


async def test_a_long_answer_is_split_into_messages_telegram_accepts(botapi, tmp_path):
    from bot.commands import Commands
    from bot.library import load_library
    from bot.search import FuzzyIndex
    from tests.conftest import start_bot, stop_bot

    for n in range(90):
        (tmp_path / f"{n:03}.txt").write_text(
            f"Pamphlet {n} on the <national> question & the state\n\n"
            "The working class has no country, and what it has not got cannot be taken from it.\n",
            encoding="utf-8",
        )
    library = load_library(tmp_path)
    bot = await start_bot(botapi, Commands(library, FuzzyIndex(library)), tmp_path / "db.sqlite3")
    try:
        botapi.send_text("/plan")  # every reading of a 90-article plan: over 4096 characters
        botapi.send_text("/articles")
        await botapi.wait_for_messages(3)
        await asyncio.sleep(0.3)
    finally:
        await stop_bot(bot)
    assert not botapi.refused()
    calls = botapi.sent()
    texts = [parse_telegram_html(c.params["text"]) for c in calls]
    plan = "\n".join(texts[:-1])
    assert len(texts) >= 3
    lines = [line.strip() for line in plan.splitlines()]
    for n in range(90):
        assert lines.count(f"{'→ ' if n == 0 else ''}{n + 1}. Pamphlet {n} on the <national> question & the state") == 1  # fmt: skip
    page = texts[-1]
    assert page.startswith("The library: 90 articles · page 1 of 9")
    buttons = [b["callback_data"] for row in calls[-1].params["reply_markup"]["inline_keyboard"] for b in row]  # fmt: skip
    assert "/articles catalog 2" in buttons


async def test_summary_alone_offers_buttons_and_a_press_sends_that_summary(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    botapi.send_text("/summary@ReadingGroupBot", chat_id=GROUP)
    [offer] = await botapi.wait_for_messages(1, GROUP)
    rows = offer.params["reply_markup"]["inline_keyboard"]
    data = [button["callback_data"] for row in rows for button in row]
    assert data == [
        "/summary pro-putin-left",
        "/summary putin-v-prigozhin",
        "/summary no-peace-with-empire",
        "/summary trumps-world-order",
        "/summary progressive-bloc",
    ]
    botapi.press(offer, data[1])
    _, summary = await botapi.wait_for_messages(2, GROUP)
    assert summary.params["reply_parameters"]["message_id"] == offer.result["message_id"]
    text = summary.params["text"]
    assert text.startswith("<b>Putin v Prigozhin – Moscowpades on Ice</b>")
    assert "<code>putin-v-prigozhin ¶" in text
    assert len(botapi.answers()) == 1


async def test_a_stale_or_forged_button_gets_a_short_answer(botapi, running_bot):
    botapi.send_text("/summary")
    [offer] = await botapi.wait_for_messages(1)
    botapi.press(offer, "/summary no-such-article")
    botapi.press(offer, "DROP TABLE")
    await asyncio.sleep(0.5)
    answers = [c.params.get("text", "") for c in botapi.answers()]
    assert "This button no longer works; send the command again." in answers
    replies = botapi.sent()
    assert "No article matches “no-such-article”." in replies[-1].params["text"]
    assert not botapi.refused()


async def test_compare_fits_telegram_with_an_expandable_quote_per_article(botapi, running_bot):
    botapi.send_text("/compare imperialism")
    replies = await botapi.wait_for_messages(1)
    await asyncio.sleep(0.2)
    assert not botapi.refused()
    html_text = "".join(c.params["text"] for c in botapi.sent())
    assert html_text.count("<blockquote expandable>") == 4
    assert "Not about it: Putin v Prigozhin – Moscowpades on Ice." in html_text
    assert all(len(parse_telegram_html(c.params["text"])) <= 4096 for c in replies)
