"""Updates are handled in order within a chat, and one busy group never holds up another chat."""

from __future__ import annotations

GROUP = -100777


async def test_a_group_at_its_rate_limit_does_not_hold_up_a_private_chat(botapi, running_bot):
    botapi.chat(GROUP, "supergroup")
    for n in range(21):  # one over Telegram's ~20 messages a minute into a group
        botapi.send_text(f"/quote@ReadingGroupBot stab in the back {n}", chat_id=GROUP)
    await botapi.wait_for_messages(20, GROUP)
    botapi.send_text("/help")  # a private chat, while the group's 21st reply waits its turn
    await botapi.wait_for_messages(1, 42)
    assert len(botapi.sent(GROUP)) == 20  # answered before the group's delayed 21st reply
    await botapi.wait_for_messages(21, GROUP)  # the group's last reply still arrives
    group_replies = botapi.sent(GROUP)
    asked = [c.params["reply_parameters"]["message_id"] for c in group_replies]
    assert asked == sorted(asked)  # and in the order the group asked
