"""The reader in a real browser: headless Chromium (Debian's, driven by Playwright) opens the page
the running bot serves, with initData signed by the test token in the address, as Telegram opens
a Mini App. telegram-web-app.js is refused, so the page's own fallback is what renders.

Needs /usr/bin/chromium (``scripts/test`` installs Debian's package where it can) and the
``playwright`` client (the test extra); without them these tests skip and say why. A screenshot
at phone size is saved as test-artifacts/reader-phone.png for a person to look at."""

from __future__ import annotations

import json
import shutil
from urllib.parse import quote

import pytest

from bot.reader.launch import start_param
from tests.auxil.botapi import parse_telegram_html
from tests.auxil.reader import ARTICLE, GROUP, discussed, init_data
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
# As the machine's notes advise: no background connections (the network is closed), no sandbox
# (the tests may run as root), a fresh profile each run.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
THEME = {"bg_color": "#1c1c1d", "text_color": "#f5f5f5", "hint_color": "#8d8e93",
         "link_color": "#6ab3f3", "button_color": "#3e88f7", "button_text_color": "#ffffff",
         "secondary_bg_color": "#2c2c2e"}  # fmt: skip

playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is not installed")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium here: install Debian's chromium (scripts/test does, as root)",
)


def address(base: str, data: str) -> str:
    """The page as Telegram opens a Mini App: the sign-in and theme after the '#'."""
    fragment = f"tgWebAppData={quote(data)}&tgWebAppVersion=8.0&tgWebAppPlatform=android"
    return f"{base}#{fragment}&tgWebAppThemeParams={quote(json.dumps(THEME))}"


@pytest.fixture
async def browser():
    async with playwright_api.async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        await chromium.close()


async def phone(browser):
    context = await browser.new_context(viewport={"width": 390, "height": 844},
                                        device_scale_factor=2, is_mobile=True, has_touch=True)  # fmt: skip
    page = await context.new_page()
    await page.route("https://telegram.org/**", lambda route: route.abort())  # the fallback
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return page, problems


async def test_the_reader_renders_the_text_and_counts_and_quotes_into_the_chat(
    botapi, reader, browser
):
    bot, _ = reader
    await discussed(botapi, bot)
    base = f"http://127.0.0.1:{bot.application.bot_data.reader.port}/reader/"
    page, problems = await phone(browser)
    await page.goto(address(base, init_data(param=start_param(GROUP, ARTICLE))))
    await page.wait_for_selector("body[data-ready=yes]")

    assert (await page.text_content("h1")).startswith("Putin v Prigozhin")
    paragraphs = await page.locator(".para").count()
    assert paragraphs == len(bot.application.bot_data.commands.library.get(ARTICLE).paragraphs)
    assert await page.text_content("#p7 .num") == "¶7"
    counts = await page.text_content("#p7 .counts")
    assert counts == "1 thread · 1 reply · 1 quote · 1 unclear"
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(28, 28, 29)"  # Telegram's theme, from the address

    await page.click("#p7 .counts")
    await page.wait_for_selector("#p7 .margin li")
    assert "Marked unclear by Rosa." in await page.text_content("#p7 .margin")

    await page.click("#p11 p")
    await page.click("nav#actions button[data-action=quote]")
    await page.wait_for_selector("#toast:not([hidden])")
    assert await page.text_content("#toast") == "Posted in the group."
    post = (await botapi.wait_for_messages(4, GROUP))[-1]
    assert f"{ARTICLE} ¶11" in parse_telegram_html(post.params["text"])
    assert parse_telegram_html(post.params["text"]).endswith("From the reader.")
    await page.wait_for_selector("#p11 .counts")  # the margin shows the quote just posted
    await page.wait_for_function(
        "document.querySelector('#p11 .counts').textContent.includes('2 quotes')"
    )  # the stab in the back, pulled by /quote during the week, and now from the reader

    # A sentence selected in another paragraph is what goes, cited to the sentence, and the
    # bar says which before the press.
    await page.evaluate(
        """() => { const text = document.querySelector('#p3 p').lastChild;
        const at = text.data.indexOf('Choosing');
        const range = document.createRange(); range.setStart(text, at);
        range.setEnd(text, at + 8);
        const selection = window.getSelection(); selection.removeAllRanges();
        selection.addRange(range); }"""
    )
    await page.wait_for_function("document.getElementById('chosen').textContent === '¶3.2'")
    await page.click("nav#actions button[data-action=quote]")
    post = (await botapi.wait_for_messages(5, GROUP))[-1]
    posted = parse_telegram_html(post.params["text"])
    assert f"{ARTICLE} ¶3.2" in posted
    assert "Choosing between Putin and Wagner’s Prigozhin" in posted
    assert "Despite the shallow similarity" not in posted

    await page.click("#p7 p")  # the phone-size picture, with a paragraph chosen
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "reader-phone.png"))
    assert not [p for p in problems if "Content Security Policy" in p]


async def test_a_tampered_sign_in_gets_nothing_in_the_browser(botapi, reader, browser):
    bot, _ = reader
    await discussed(botapi, bot)
    base = f"http://127.0.0.1:{bot.application.bot_data.reader.port}/reader/"
    tampered = init_data(param=start_param(GROUP, ARTICLE)).replace("Rosa", "Rosy")
    page, _ = await phone(browser)
    await page.goto(address(base, tampered))
    await page.wait_for_selector("body[data-ready=refused]")
    assert await page.text_content("#status") == "the sign-in's signature is wrong"
    assert await page.locator(".para").count() == 0
