"""The stand-in refuses what Telegram refuses, so a test passing against it means something."""

from __future__ import annotations

import httpx
import pytest

from tests.auxil.botapi import TelegramHTMLError, parse_telegram_html


@pytest.mark.parametrize(
    "text",
    [
        "a < b",  # unescaped <
        "fish & chips",  # unescaped &
        "<b>unclosed",
        "<b><i>crossed</b></i>",
        "<div>block</div>",  # a tag Telegram does not support
        '<b class="x">attr</b>',
        "<blockquote><blockquote>nested</blockquote></blockquote>",
        "<code><b>inside code</b></code>",
    ],
)
def test_html_that_telegram_rejects_is_rejected(text):
    with pytest.raises(TelegramHTMLError):
        parse_telegram_html(text)


def test_html_that_telegram_accepts_gives_its_visible_text():
    text = '<b>bold</b> &lt;tag&gt; &amp; &#8212; <a href="https://x.org/?a=1">link</a><blockquote expandable>q</blockquote>'
    assert parse_telegram_html(text) == "bold <tag> & — linkq"


async def send(botapi, **params):
    botapi.chat(42)
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{botapi.base_url}1:x/sendMessage", data=params)
    return response.status_code, response.json()


async def test_over_long_text_is_refused(botapi):
    status, body = await send(botapi, chat_id="42", text="x" * 4097)
    assert (status, body["description"]) == (400, "Bad Request: message is too long")
    status, _ = await send(
        botapi, chat_id="42", text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML"
    )
    assert status == 200  # the limit counts text after entity parsing


async def test_unparseable_html_is_refused(botapi):
    status, body = await send(botapi, chat_id="42", text="a < b", parse_mode="HTML")
    assert status == 400
    assert body["description"].startswith("Bad Request: can't parse entities")


async def test_callback_data_over_64_bytes_is_refused(botapi):
    markup = '{"inline_keyboard": [[{"text": "more", "callback_data": "%s"}]]}' % ("é" * 33)
    status, body = await send(botapi, chat_id="42", text="hi", reply_markup=markup)
    assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")


async def test_empty_text_is_refused(botapi):
    status, _ = await send(botapi, chat_id="42", text="<b></b>", parse_mode="HTML")
    assert status == 400
