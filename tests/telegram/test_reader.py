"""The reader (a Mini App) through the running bot: its page, the group's discussion beside the
text, Quote / Discuss / Unclear from it, and every way in that must be refused."""

from __future__ import annotations

import asyncio
import re
import uuid
from html.parser import HTMLParser

import aiohttp
import pytest

from bot.reader.launch import start_param
from tests.auxil.botapi import parse_telegram_html
from tests.auxil.reader import (
    ARTICLE,
    ELSEWHERE,
    GROUP,
    KARL,
    READER_URL,
    ROSA,
    call,
    discussed,
    init_data,
)


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))


async def test_the_page_allows_only_our_scripts_and_telegrams(reader):
    _, http = reader
    async with http.get("/reader/") as response:
        assert response.status == 200
        csp = response.headers["Content-Security-Policy"]
        page = await response.text()
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self' https://telegram.org"  # no inline script
    assert directives["default-src"] == "'none'"
    assert "connect-src 'self'" in csp
    parser = _Scripts()
    parser.feed(page)
    sources = [s.get("src") for s in parser.scripts]
    assert sources == ["https://telegram.org/js/telegram-web-app.js", "static/reader.js"]
    async with http.get("/reader/static/reader.js") as response:
        assert response.headers["Content-Type"].startswith("text/javascript")
    async with http.get("/reader/static/../../config.py") as response:
        assert response.status == 404


async def test_a_member_reads_the_text_with_the_groups_discussion_beside_it(botapi, reader):
    bot, http = reader
    await discussed(botapi, bot)
    status, opened = await call(http, "open", init_data(param=start_param(GROUP, ARTICLE, 7)))
    assert status == 200
    article = opened["article"]
    assert article["title"].startswith("Putin v Prigozhin")
    assert opened["group"] is True
    assert opened["paragraph"] == 7
    assert [p["n"] for p in article["paragraphs"]] == list(range(1, len(article["paragraphs"]) + 1))
    by_number = {p["n"]: p for p in article["paragraphs"]}
    assert by_number[7]["ref"] == f"{ARTICLE} ¶7"
    assert by_number[7]["counts"] == {"threads": 1, "messages": 1, "quotes": 1, "unclear": 1}
    assert by_number[11]["counts"]["quotes"] == 1  # the stab in the back
    assert "counts" not in by_number[1]

    status, margin = await call(http, "margin", init_data(param=start_param(GROUP, ARTICLE)),
                                {"ref": f"{ARTICLE} ¶7"})  # fmt: skip
    assert status == 200
    (opening,) = margin["openings"]
    assert opening["replies"] == 1
    assert re.fullmatch(r"https://t\.me/c/777/\d+", opening["link"])
    assert margin["unclear_by"] == ["Rosa"]


async def test_quote_in_chat_posts_the_cited_passage_once(botapi, reader):
    bot, http = reader
    data = init_data(param=start_param(GROUP, ARTICLE))
    request = uuid.uuid4().hex
    text = bot.application.bot_data.commands.library.get(ARTICLE).paragraphs[10].text
    start = text.index("stab in the back")  # selected in its first sentence
    body = {"action": "quote", "ref": f"{ARTICLE} ¶11", "start": start,
            "end": start + len("stab in the back"), "request": request}  # fmt: skip
    status, done = await call(http, "act", data, body)
    assert status == 200
    assert done["said"] == "Posted in the group."
    (post,) = await botapi.wait_for_messages(1, GROUP)
    text = parse_telegram_html(post.params["text"])
    assert "stab in the back" in text
    assert f"{ARTICLE} ¶11.1" in text  # the sentence selected, cited exactly
    assert text.endswith("From the reader.")  # no name: the thread outlives a /forgetme

    status, again = await call(http, "act", data, body)  # replayed
    assert (status, again["error"]) == (409, "Already done.")
    body["request"] = uuid.uuid4().hex  # pressed again
    status, again = await call(http, "act", data, body)
    assert (status, again["error"]) == (409, "You posted that a moment ago: it is in the chat.")
    botapi.send_text("/quotes@ReadingGroupBot", chat_id=GROUP)
    *_, board = await botapi.wait_for_messages(2, GROUP)
    assert f"{ARTICLE} ¶11.1" in parse_telegram_html(board.params["text"])
    assert "pulled 1× by 1 member" in parse_telegram_html(board.params["text"])


async def test_discuss_and_unclear_from_the_reader_count_as_the_commands_do(botapi, reader):
    bot, http = reader
    data = init_data(param=start_param(GROUP, ARTICLE))
    for action in ("discuss", "unclear"):
        body = {"action": action, "ref": f"{ARTICLE} ¶3", "request": uuid.uuid4().hex}
        status, _ = await call(http, "act", data, body)
        assert status == 200
    (thread,) = await botapi.wait_for_messages(1, GROUP)
    assert parse_telegram_html(thread.params["text"]).startswith(f"Discussion: {ARTICLE} ¶3")
    _, opened = await call(http, "open", data)
    assert opened["article"]["paragraphs"][2]["counts"]["threads"] == 0  # no reply yet
    botapi.send_text("A first reply", chat_id=GROUP, user_id=KARL, reply_to=thread.result)
    await bot.intake.drain()
    botapi.send_text("/digest@ReadingGroupBot", chat_id=GROUP)
    *_, digest = await botapi.wait_for_messages(2, GROUP)
    assert f"Marked unclear: {ARTICLE} ¶3" in parse_telegram_html(digest.params["text"])
    status, opened = await call(http, "open", data)
    assert opened["article"]["paragraphs"][2]["counts"]["threads"] == 1


async def test_forged_expired_or_missing_sign_ins_get_nothing(reader):
    _, http = reader
    param = start_param(GROUP, ARTICLE)
    forged = init_data(param=param).replace("Rosa", "Rosy")
    cases = {
        "forged": forged,
        "another bot's token": init_data(param=param, token="987654321:ANOTHER-token"),
        "expired": init_data(param=param, age=86_400 + 60),
        "missing": "",
    }
    for case, data in cases.items():
        for what in ("open", "margin", "act"):
            status, answer = await call(http, what, data, {"ref": f"{ARTICLE} ¶7"})
            assert status == 401, (case, what)
            assert "article" not in answer
            assert "openings" not in answer
    async with http.post("/reader/api/open", json={}) as response:
        assert response.status == 401
    status, answer = await call(http, "open", cases["expired"])
    assert "expired" in answer["error"]


async def test_only_the_groups_members_see_its_discussion(botapi, reader):
    bot, http = reader
    await discussed(botapi, bot)
    # Karl is not in the group any more; Rosa is, but not in the other group.
    botapi.outsiders |= {(GROUP, KARL), (ELSEWHERE, ROSA)}
    for data in (
        init_data(KARL, start_param(GROUP, ARTICLE)),
        init_data(ROSA, start_param(ELSEWHERE, ARTICLE)),
        init_data(ROSA, start_param(-100999, ARTICLE)),  # a group the bot is not in
    ):
        for what in ("open", "margin", "act"):
            body = {"ref": f"{ARTICLE} ¶7", "action": "quote", "request": uuid.uuid4().hex}
            status, answer = await call(http, what, data, body)
            assert status == 403, what
            assert answer == {"error": "Only the group's members see its discussion."}
    assert botapi.sent(ELSEWHERE) == []
    assert len(botapi.sent(GROUP)) == 3  # the week's posts, nothing more


async def test_a_member_who_asked_to_be_forgotten_appears_nowhere(botapi, reader):
    bot, http = reader
    await discussed(botapi, bot)
    data = init_data(ROSA, start_param(GROUP, ARTICLE))
    karl = init_data(KARL, start_param(GROUP, ARTICLE))
    body = {"action": "unclear", "ref": f"{ARTICLE} ¶7", "request": uuid.uuid4().hex}
    assert (await call(http, "act", karl, body))[0] == 200
    _, margin = await call(http, "margin", data, {"ref": f"{ARTICLE} ¶7"})
    assert margin["unclear_by"] == ["Rosa", "Karl"]

    botapi.send_text("/forgetme@ReadingGroupBot", chat_id=GROUP, user_id=KARL, first_name="Karl")
    await botapi.wait_for_messages(4, GROUP)
    await bot.intake.drain()
    _, opened = await call(http, "open", data)
    counts = opened["article"]["paragraphs"][6]["counts"]
    assert counts == {"threads": 0, "messages": 0, "quotes": 1, "unclear": 1}  # no reply left
    _status, margin = await call(http, "margin", data, {"ref": f"{ARTICLE} ¶7"})
    assert margin["unclear_by"] == ["Rosa"]
    assert margin["openings"][0]["replies"] == 0
    async with (
        bot.store._read() as db,
        db.execute("SELECT count(*) FROM reader_requests WHERE user_id = ?", (KARL,)) as cursor,
    ):
        assert (await cursor.fetchone())[0] == 0  # the record of Karl's press went too


async def test_read_buttons_open_the_reader_where_telegram_allows_them(botapi, reader):
    _, _http = reader
    assert botapi.menu_button == {"type": "web_app", "text": "Read",
                                  "web_app": {"url": READER_URL}}  # fmt: skip
    botapi.send_text("/summary@ReadingGroupBot 2", chat_id=GROUP)
    botapi.send_text(f"/context {ARTICLE} 7", chat_id=42)
    (summary,) = await botapi.wait_for_messages(1, GROUP)
    (context,) = await botapi.wait_for_messages(1, 42)
    (group_button,) = summary.params["reply_markup"]["inline_keyboard"][-1][-1:]
    assert group_button == {
        "text": "Read",
        "url": f"https://t.me/ReadingGroupBot/read?startapp={start_param(GROUP, ARTICLE)}",
    }
    buttons = [b for row in context.params["reply_markup"]["inline_keyboard"] for b in row]
    assert {"text": "Read", "web_app": {"url": f"{READER_URL}?a={ARTICLE}&p=7"}} in buttons


async def test_opened_from_the_menu_it_shows_the_library_and_texts_without_a_group(reader):
    _, http = reader
    status, opened = await call(http, "open", init_data())
    assert status == 200
    assert len(opened["library"]) == 5
    assert opened["group"] is False
    status, opened = await call(http, "open", init_data(), {"article": ARTICLE, "paragraph": 7})
    assert opened["paragraph"] == 7
    assert all("counts" not in p for p in opened["article"]["paragraphs"])
    status, _refused = await call(http, "margin", init_data(), {"ref": f"{ARTICLE} ¶7"})
    assert status == 400


async def test_bad_requests_get_a_short_answer_and_post_nothing(botapi, reader):
    _, http = reader
    data = init_data(param=start_param(GROUP, ARTICLE))
    cases = [
        {"action": "quote", "ref": "nosuch ¶1", "request": uuid.uuid4().hex},
        {"action": "quote", "ref": f"{ARTICLE} ¶999", "request": uuid.uuid4().hex},
        {"action": "shout", "ref": f"{ARTICLE} ¶1", "request": uuid.uuid4().hex},
        {"action": "quote", "ref": f"{ARTICLE} ¶1"},  # no request id
        {"action": "quote", "ref": ["<b>"], "request": "x" * 65},
    ]
    for body in cases:
        status, answer = await call(http, "act", data, body)
        assert status == 400, body
        assert 0 < len(answer["error"]) <= 80
    async with http.post(
        "/reader/api/act", data=b"\xff{", headers={"Authorization": f"tma {data}"}
    ) as response:
        assert response.status == 400
    async with http.post(
        "/reader/api/act", data=b"x" * 20_000, headers={"Authorization": f"tma {data}"}
    ) as response:
        assert response.status in (400, 413)
    await asyncio.sleep(0)
    assert botapi.sent(GROUP) == []


async def test_in_webhook_mode_the_webhooks_server_serves_the_reader(botapi, commands, tmp_path):
    from bot.config import Config, Secret
    from bot.storage import Store
    from bot.telegram.app import build_application
    from bot.telegram.intake import Intake
    from bot.telegram.record import LogPolicy
    from bot.telegram.webhook import Webhook
    from tests.auxil.reader import free_port
    from tests.conftest import TOKEN

    port, reader_port = free_port(), free_port()
    config = Config(token=Secret(TOKEN), api_base_url=botapi.base_url,
                    database=tmp_path / "bot.sqlite3", webhook_port=port,
                    webhook_url=f"https://bot.example.org:{port}/telegram-updates",
                    reader_url=READER_URL, reader_port=reader_port)  # fmt: skip
    store = await Store.open(config.database)
    application = build_application(config, commands, store)
    intake = Intake(application, store, LogPolicy(True))
    webhook = Webhook(application, intake, config)  # as `run --webhook` makes it, before start
    await application.initialize()
    await application.post_init(application)
    await application.start()
    await webhook.start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/reader/") as response:
                assert response.status == 200
                assert "static/reader.js" in await response.text()
            with pytest.raises(aiohttp.ClientConnectorError):
                await http.get(f"http://127.0.0.1:{reader_port}/reader/")
    finally:
        await webhook.stop()
        await application.stop()
        await application.post_shutdown(application)
        await application.shutdown()
        await store.close()


async def test_a_sentence_selected_is_quoted_exactly_where_it_was_selected(botapi, reader):
    _, http = reader
    data = init_data(param=start_param(GROUP, ARTICLE, 7))
    text = "But Putin’s victory may prove pyrrhic.  Where was his army’s emphatic response?  Where were the masses in the streets to protest the outrage?  Where were his chosen elite?"
    start = text.index("Where were his")  # the second "Where were": sentence 4
    body = {"action": "quote", "ref": f"{ARTICLE} ¶7", "request": uuid.uuid4().hex,
            "start": start, "end": start + len("Where were")}  # fmt: skip
    status, _ = await call(http, "act", data, body)
    assert status == 200
    (post,) = await botapi.wait_for_messages(1, GROUP)
    posted = parse_telegram_html(post.params["text"])
    assert f"{ARTICLE} ¶7.4" in posted
    assert "Where were his chosen elite?" in posted
    assert "pyrrhic" not in posted


async def test_the_margin_lists_what_its_count_promises(botapi, reader):
    _, http = reader
    data = init_data(param=start_param(GROUP, ARTICLE))
    body = {
        "action": "unclear",
        "ref": f"{ARTICLE} ¶9",
        "request": uuid.uuid4().hex,
        "start": 0,
        "end": 5,
    }
    assert (await call(http, "act", data, body))[0] == 200
    body = {"action": "quote", "ref": f"{ARTICLE} ¶9", "request": uuid.uuid4().hex}
    assert (await call(http, "act", data, body))[0] == 200
    await botapi.wait_for_messages(1, GROUP)
    _, opened = await call(http, "open", data)
    assert opened["article"]["paragraphs"][8]["counts"]["unclear"] == 1
    _, margin = await call(http, "margin", data, {"ref": f"{ARTICLE} ¶9"})
    assert margin["unclear_by"] == ["a member"]  # Rosa has written nothing in the group
    assert margin["quoted"] == 1, margin


async def test_a_thread_opened_from_the_reader_outlives_its_openers_forgetme(botapi, reader):
    bot, http = reader
    data = init_data(param=start_param(GROUP, ARTICLE))
    body = {"action": "discuss", "ref": f"{ARTICLE} ¶5", "request": uuid.uuid4().hex}
    assert (await call(http, "act", data, body))[0] == 200
    (opening,) = await botapi.wait_for_messages(1, GROUP)
    botapi.send_text("Karl's reply", chat_id=GROUP, user_id=KARL, first_name="Karl",
                     reply_to=opening.result)  # fmt: skip
    botapi.send_text("/forgetme@ReadingGroupBot", chat_id=GROUP)
    await botapi.wait_for_messages(2, GROUP)
    await bot.intake.drain()
    _, opened = await call(http, "open", init_data(KARL, start_param(GROUP, ARTICLE)))
    assert opened["article"]["paragraphs"][4]["counts"] == {
        "threads": 1,
        "messages": 1,
        "quotes": 0,
        "unclear": 0,
    }


async def test_a_muted_member_reads_but_posts_nothing(botapi, reader):
    _, http = reader
    botapi.muted.add((GROUP, KARL))
    data = init_data(KARL, start_param(GROUP, ARTICLE))
    assert (await call(http, "open", data))[0] == 200
    body = {"action": "quote", "ref": f"{ARTICLE} ¶2", "request": uuid.uuid4().hex}
    status, answer = await call(http, "act", data, body)
    assert status == 403
    assert "muted" in answer["error"]
    assert botapi.sent(GROUP) == []


async def test_another_members_private_chat_and_odd_bodies_are_refused(botapi, reader):
    _, http = reader
    status, _ = await call(http, "open", init_data(ROSA, start_param(KARL, ARTICLE)))
    assert status == 403
    data = init_data(param=start_param(GROUP, ARTICLE))
    headers = {"Authorization": f"tma {data}"}
    async with http.post("/reader/api/open", data=b"[" * 10_000, headers=headers) as response:
        assert response.status == 400
    assert botapi.sent(KARL) == []


async def test_a_forgotten_member_is_told_their_marks_are_not_kept(botapi, reader):
    bot, http = reader
    botapi.send_text("/forgetme@ReadingGroupBot", chat_id=GROUP, user_id=KARL, first_name="Karl")
    await botapi.wait_for_messages(1, GROUP)
    await bot.intake.drain()
    data = init_data(KARL, start_param(GROUP, ARTICLE))
    body = {"action": "unclear", "ref": f"{ARTICLE} ¶2", "request": uuid.uuid4().hex}
    status, answer = await call(http, "act", data, body)
    assert status == 200
    assert answer["said"].startswith("You asked me to forget you in this group")
    _, opened = await call(http, "open", data)
    assert "counts" not in opened["article"]["paragraphs"][1]


async def test_any_body_gets_an_answer_never_an_error(botapi, reader):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    _, http = reader
    data = init_data(param=start_param(GROUP, ARTICLE))
    values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=300),
                       st.lists(st.integers(), max_size=3), st.sampled_from([
                           f"{ARTICLE} ¶7", f"{ARTICLE} ¶7.2-3", f"{ARTICLE} ¶0", "2:7", "<b>",
                           "quote", "discuss", "unclear"]))  # fmt: skip
    bodies = st.dictionaries(
        st.sampled_from(["action", "ref", "text", "start", "end", "request", "article",
                         "paragraph"]), values, max_size=8)  # fmt: skip
    answers: list[tuple[str, dict]] = []

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(what=st.sampled_from(["open", "margin", "act"]), body=bodies)
    def check(what, body):
        answers.append((what, body))

    check()
    for what, body in answers:
        body = dict(body)
        if what == "act" and isinstance(body.get("request"), str):
            body["request"] = uuid.uuid4().hex  # a fresh request, so it is weighed, not refused
        status, answer = await call(http, what, data, body)
        assert status in (200, 400, 409, 429), (what, body, answer)
        assert ("error" in answer) == (status != 200)


async def test_quoting_to_a_member_who_never_started_the_bot_says_what_to_do(botapi, reader):
    _, http = reader
    data = init_data(KARL)  # opened from the menu; Karl never wrote to the bot
    body = {"action": "quote", "ref": f"{ARTICLE} ¶2", "request": uuid.uuid4().hex}
    status, answer = await call(http, "act", data, body)
    assert status == 403
    assert answer["error"].startswith("I can't write to you yet: send me /start")
    body["request"] = uuid.uuid4().hex
    assert (await call(http, "act", data, body))[1]["error"].startswith("I can't write")


async def test_a_member_who_marks_a_paragraph_and_its_sentence_counts_once(botapi, reader):
    bot, http = reader
    await discussed(botapi, bot)  # Rosa marked ¶7 unclear
    data = init_data(param=start_param(GROUP, ARTICLE))
    body = {"action": "unclear", "ref": f"{ARTICLE} ¶7", "start": 0, "end": 5,
            "request": uuid.uuid4().hex}  # fmt: skip
    assert (await call(http, "act", data, body))[0] == 200  # and now its first sentence
    _, opened = await call(http, "open", data)
    assert opened["article"]["paragraphs"][6]["counts"]["unclear"] == 1


async def test_a_link_naming_the_members_own_chat_opens_no_group(botapi, reader):
    _, http = reader
    data = init_data(ROSA, start_param(ROSA, ARTICLE, 2))
    _, opened = await call(http, "open", data, {"paragraph": True})
    assert opened["group"] is False
    assert opened["paragraph"] == 2
    _, opened = await call(http, "open", init_data(), {"article": ARTICLE, "paragraph": -3})
    assert opened["paragraph"] is None
    body = {"action": "unclear", "ref": f"{ARTICLE} ¶2", "request": uuid.uuid4().hex}
    status, _ = await call(http, "act", data, body)
    assert status == 400  # unclear marks are a group's
