"""The discussion's reading of messages: the passages they name, links to them, search."""

from __future__ import annotations

from bot.discussion import _ranked, message_link, refs_of
from bot.storage import StoredMessage


def said(text: str, message_id: int = 1) -> StoredMessage:
    return StoredMessage(-1001, message_id, 0, 5, "Rosa", False, text, None, None, None, None, ())


def test_a_message_names_a_passage_only_where_there_is_one(library):
    message = said("that's the point of ¶9, and see putin-v-prigozhin ¶7 and nosuch ¶2")
    assert refs_of(message, library) == ["putin-v-prigozhin ¶7"]


def test_messages_link_where_telegram_has_links():
    assert message_link(-1001234567890, 42) == "https://t.me/c/1234567890/42"
    assert message_link(-4321, 42) == ""  # a basic group's messages have no links


def test_search_allows_typos_and_leaves_out_what_does_not_say_it():
    found = _ranked(
        "truse in alaska", [said("the truce in Alaska is a setup", 1), said("weather", 2)]
    )
    assert [m.message_id for m in found] == [1]


def test_search_finds_words_said_apart_with_a_typo_in_either():
    from bot.discussion import _ranked
    from bot.storage import StoredMessage

    def said(text: str, n: int) -> StoredMessage:
        return StoredMessage(chat_id=-1, message_id=n, date=n, sender_id=1, sender_name="a",
                             is_bot=False, text=text, reply_to=None, topic_id=None,
                             forward_from=None, thread_root=None, refs=())  # fmt: skip

    messages = [said("any peace is only a truce", 1), said("the war is over now", 2)]
    for query in ("peace truse", "pease truce", "truse", "peace truce"):
        assert [m.message_id for m in _ranked(query, messages)] == [1], query
    assert _ranked("class war", messages) == []  # one word of two is not the search
