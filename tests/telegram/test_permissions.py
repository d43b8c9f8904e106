"""Admin-only commands, each checked against the group's real administrators (getChatMember,
cached briefly): members get a clear refusal, admins and anonymous admins are obeyed."""

from __future__ import annotations

import pytest

from bot.telegram import admins
from tests.auxil.botapi import BotAPIStandIn, parse_telegram_html

GROUP = -100777
ADMIN, MEMBER = 900, 901

# (what is sent, what a member is told, what shows an admin was obeyed)
ADMIN_ONLY = [
    ("/logging@ReadingGroupBot off", "Only this group's admins can switch logging",
     "Logging is off for this group."),
    ("/quotes@ReadingGroupBot remove nosuch ¶1", "Only this group's admins can take a quote",
     "is not on this group's board."),
    ("/daily@ReadingGroupBot 08:00 UTC", "Only this group's admins can change its daily reading",
     "08:00"),
    ("/plan@ReadingGroupBot minutes 10", "Only this group's admins can change its reading plan",
     "about 10 min a reading"),
    ("/next@ReadingGroupBot", "Only this group's admins can move the reading plan on",
     "Reading "),
    ("/remove@ReadingGroupBot no-such-article", "Only a group's admins can change the library",
     "Which article?"),
    ("/add@ReadingGroupBot", "Only a group's admins can change the library",
     "Send me the article as a file, or its link"),
]  # fmt: skip
IDS = ["logging", "quotes remove", "daily", "plan", "next", "remove", "add"]


def text_of(call) -> str:
    return parse_telegram_html(call.params["text"])


@pytest.mark.parametrize(("command", "refusal", "obeyed"), ADMIN_ONLY, ids=IDS)
async def test_members_are_refused_and_admins_obeyed(
    botapi: BotAPIStandIn, running_bot, command, refusal, obeyed
):
    botapi.chat(GROUP, "supergroup")
    botapi.admins.add(ADMIN)
    botapi.send_text(command, chat_id=GROUP, user_id=MEMBER)
    botapi.send_text(command, chat_id=GROUP, user_id=ADMIN)
    botapi.send_text(command, chat_id=GROUP, anonymous=True)
    member, admin, anonymous = map(text_of, await botapi.wait_for_messages(3, GROUP))
    assert member.startswith(refusal)
    assert obeyed in admin
    assert refusal not in admin
    assert obeyed in anonymous  # an anonymous admin posts as the group itself
    asked = [int(c.params["user_id"]) for c in botapi.calls if c.method == "getChatMember"]
    assert sorted(asked) == [ADMIN, MEMBER]  # checked with Telegram; the anonymous one needn't be


async def test_a_file_for_the_library_needs_an_admin_in_a_group(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    botapi.admins.add(ADMIN)
    botapi.send_file("empty.txt", b"", chat_id=GROUP, caption="/add", user_id=MEMBER)
    botapi.send_file("empty.txt", b"", chat_id=GROUP, caption="/add", user_id=ADMIN)
    member, admin = map(text_of, await botapi.wait_for_messages(2, GROUP))
    assert member.startswith("Only a group's admins can change the library")
    assert "empty" in admin  # past the check: the file itself is what is wrong


async def test_posting_as_a_linked_channel_is_not_being_an_admin(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    message = botapi.send_text("/logging@ReadingGroupBot off", chat_id=GROUP)
    # Rewrite it as Telegram shows a post made on behalf of a channel, not of the group.
    message["from"] = {"id": 136817688, "is_bot": True, "first_name": "Channel",
                       "username": "Channel_Bot"}  # fmt: skip
    message["sender_chat"] = {"id": -1009999, "type": "channel", "title": "Some channel"}
    [reply] = await botapi.wait_for_messages(1, GROUP)
    assert text_of(reply).startswith("Only this group's admins can switch logging")


async def test_admin_status_is_cached_briefly_then_checked_again(botapi, running_bot, monkeypatch):
    botapi.chat(GROUP, "supergroup")
    botapi.admins.add(ADMIN)
    for _ in range(3):
        botapi.send_text("/logging@ReadingGroupBot on", chat_id=GROUP, user_id=ADMIN)
    await botapi.wait_for_messages(3, GROUP)
    assert len([c for c in botapi.calls if c.method == "getChatMember"]) == 1
    botapi.admins.discard(ADMIN)  # demoted...
    monkeypatch.setattr(admins, "ADMIN_CACHE_SECONDS", 0.0)  # ...and the cache has run out
    botapi.send_text("/logging@ReadingGroupBot off", chat_id=GROUP, user_id=ADMIN)
    replies = await botapi.wait_for_messages(4, GROUP)
    assert text_of(replies[-1]).startswith("Only this group's admins")
    assert len([c for c in botapi.calls if c.method == "getChatMember"]) == 2


async def test_a_private_chat_needs_no_admin_check(botapi, running_bot):
    botapi.send_text("/daily 08:00 UTC", user_id=MEMBER, chat_id=MEMBER)
    [reply] = await botapi.wait_for_messages(1, MEMBER)
    assert "08:00" in text_of(reply)
    assert not [c for c in botapi.calls if c.method == "getChatMember"]
