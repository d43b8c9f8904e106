"""The schema, built and upgraded by numbered migrations at start-up."""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "intake, chats and messages",
        """
        CREATE TABLE inbox (
            update_id INTEGER PRIMARY KEY,
            payload TEXT NOT NULL,
            received_at REAL NOT NULL,
            done INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX inbox_pending ON inbox (update_id) WHERE done = 0;
        CREATE TABLE chats (
            chat_id INTEGER PRIMARY KEY,
            type TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            logging INTEGER,
            active INTEGER NOT NULL DEFAULT 1,
            migrated_to INTEGER
        );
        CREATE TABLE messages (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            date INTEGER NOT NULL,
            sender_id INTEGER,
            sender_name TEXT NOT NULL DEFAULT '',
            is_bot INTEGER NOT NULL DEFAULT 0,
            text TEXT NOT NULL DEFAULT '',
            reply_to INTEGER,
            topic_id INTEGER,
            forward_from TEXT,
            thread_root INTEGER,
            refs TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (chat_id, message_id)
        );
        CREATE INDEX messages_thread ON messages (chat_id, thread_root);
        CREATE INDEX messages_date ON messages (chat_id, date)
        """,
    ),
    (
        2,
        "edit history: every version of a message kept",
        """
        CREATE TABLE message_versions (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            edit_date INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (chat_id, message_id, version),
            UNIQUE (chat_id, message_id, edit_date)
        );
        INSERT INTO message_versions (chat_id, message_id, version, edit_date, text)
            SELECT chat_id, message_id, 1, 0, text FROM messages
        """,
    ),
    (
        3,
        "members who asked to be forgotten",
        """
        CREATE TABLE forgotten (
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY (chat_id, user_id)
        );
        CREATE INDEX messages_sender ON messages (chat_id, sender_id)
        """,
    ),
    (
        4,
        "handled updates leave the inbox; the offset is kept on its own",
        """
        CREATE TABLE state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO state (key, value)
            SELECT 'last_update_id', max(update_id) FROM inbox HAVING count(*) > 0;
        DELETE FROM inbox WHERE done = 1
        """,
    ),
    (
        5,
        "reading plans and daily schedules",
        """
        CREATE TABLE plans (
            chat_id INTEGER PRIMARY KEY,
            article_order TEXT NOT NULL DEFAULT '',
            minutes INTEGER NOT NULL DEFAULT 5,
            position INTEGER NOT NULL DEFAULT 0,
            last_reading INTEGER,
            daily_time TEXT,
            timezone TEXT NOT NULL DEFAULT 'UTC',
            topic_id INTEGER,
            paused INTEGER NOT NULL DEFAULT 0,
            last_date TEXT
        )
        """,
    ),
    (
        6,
        "quote requests, the quote board",
        """
        CREATE TABLE quote_requests (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            query TEXT NOT NULL,
            at INTEGER NOT NULL
        );
        CREATE TABLE pulls (
            chat_id INTEGER NOT NULL,
            ref TEXT NOT NULL,
            user_id INTEGER NOT NULL,
            user_name TEXT NOT NULL DEFAULT '',
            at INTEGER NOT NULL,
            source TEXT NOT NULL,
            message_id INTEGER NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        );
        CREATE INDEX pulls_ref ON pulls (chat_id, ref);
        CREATE TABLE board_hidden (
            chat_id INTEGER NOT NULL,
            ref TEXT NOT NULL,
            PRIMARY KEY (chat_id, ref)
        )
        """,
    ),
    (
        7,
        "articles added by members, and removed ones",
        """
        CREATE TABLE library_articles (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            text TEXT NOT NULL,
            fingerprint TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            publication TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL DEFAULT '',
            added_at REAL NOT NULL,
            added_by INTEGER
        );
        CREATE TABLE library_removed (id TEXT PRIMARY KEY, removed_at REAL NOT NULL)
        """,
    ),
    (
        8,
        "added articles kept parsed, for a quick start",
        """
        ALTER TABLE library_articles ADD COLUMN parsed TEXT NOT NULL DEFAULT ''
        """,
    ),
    (
        9,
        "replies Telegram would not take, with the reason",
        """
        CREATE TABLE undelivered (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            reply_to INTEGER,
            at INTEGER NOT NULL,
            reason TEXT NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX undelivered_by_chat ON undelivered (chat_id, at)
        """,
    ),
    (
        10,
        "two edits in the same second are two versions",
        """
        CREATE TABLE message_versions_new (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            edit_date INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (chat_id, message_id, version)
        );
        INSERT INTO message_versions_new SELECT chat_id, message_id, version, edit_date, text
            FROM message_versions;
        DROP TABLE message_versions;
        ALTER TABLE message_versions_new RENAME TO message_versions
        """,
    ),
    (
        11,
        "whose words the bot's posts carry; the posts the bot sends, for replay and pacing",
        """
        CREATE TABLE carried (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            PRIMARY KEY (chat_id, user_id, message_id)
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            update_id INTEGER,
            seq INTEGER,
            chat_id INTEGER,
            at REAL NOT NULL,
            result TEXT,
            UNIQUE (update_id, seq)
        );
        CREATE INDEX outbox_at ON outbox (at);
        ALTER TABLE undelivered ADD COLUMN uncertain INTEGER NOT NULL DEFAULT 0
        """,
    ),
    (
        12,
        "what each post said, to replay only the same post; whose words a failed reply showed",
        """
        ALTER TABLE outbox ADD COLUMN digest TEXT NOT NULL DEFAULT '';
        ALTER TABLE undelivered ADD COLUMN carries TEXT NOT NULL DEFAULT ''
        """,
    ),
    (
        13,
        "periodic work served by indexes; a counter of library changes, so a sync reads nothing "
        "when nothing changed",
        """
        CREATE INDEX messages_by_sender ON messages (sender_id, date);
        CREATE INDEX messages_by_age ON messages (date);
        CREATE INDEX pulls_by_user ON pulls (user_id, at);
        CREATE INDEX inbox_done_by_age ON inbox (received_at) WHERE done > 0;
        CREATE INDEX undelivered_by_age ON undelivered (at);
        CREATE TABLE library_changes (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            changes INTEGER NOT NULL
        );
        INSERT INTO library_changes (id, changes) VALUES (1, 0);
        CREATE TRIGGER library_added AFTER INSERT ON library_articles
            BEGIN UPDATE library_changes SET changes = changes + 1; END;
        CREATE TRIGGER library_deleted AFTER DELETE ON library_articles
            BEGIN UPDATE library_changes SET changes = changes + 1; END;
        CREATE TRIGGER library_changed AFTER UPDATE ON library_articles
            BEGIN UPDATE library_changes SET changes = changes + 1; END;
        CREATE TRIGGER library_hidden AFTER INSERT ON library_removed
            BEGIN UPDATE library_changes SET changes = changes + 1; END;
        CREATE TRIGGER library_unhidden AFTER DELETE ON library_removed
            BEGIN UPDATE library_changes SET changes = changes + 1; END
        """,
    ),
    (
        14,
        "readings on chosen weekdays",
        """
        ALTER TABLE plans ADD COLUMN weekdays TEXT NOT NULL DEFAULT ''
        """,
    ),
    (
        15,
        "a group's meetings: their days and time, and the last reminder sent",
        """
        ALTER TABLE plans ADD COLUMN meeting_time TEXT;
        ALTER TABLE plans ADD COLUMN meeting_days TEXT NOT NULL DEFAULT '';
        ALTER TABLE plans ADD COLUMN meeting_last TEXT
        """,
    ),
    (
        16,
        "passages members marked as unclear",
        """
        CREATE TABLE unclear (
            chat_id INTEGER NOT NULL,
            ref TEXT NOT NULL,
            user_id INTEGER NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY (chat_id, ref, user_id)
        );
        CREATE INDEX unclear_by_user ON unclear (user_id)
        """,
    ),
    (
        17,
        "polls on the next reading: their articles, when they close, whether they have",
        """
        CREATE TABLE polls (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            articles TEXT NOT NULL,
            closes_at INTEGER NOT NULL,
            closed INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (chat_id, message_id)
        );
        CREATE INDEX polls_open ON polls (closes_at) WHERE closed = 0
        """,
    ),
    (
        18,
        "the reader: the passages each thread-opening post cites, kept by triggers, and the "
        "reader's requests already carried out",
        """
        CREATE TABLE post_refs (
            chat_id INTEGER NOT NULL,
            ref TEXT NOT NULL,
            message_id INTEGER NOT NULL,
            PRIMARY KEY (chat_id, ref, message_id)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO post_refs (chat_id, ref, message_id)
            SELECT m.chat_id, j.value, m.message_id FROM messages m,
                json_each('["' || replace(m.refs, char(10), '","') || '"]') j
            WHERE m.is_bot = 1 AND m.thread_root = m.message_id AND m.refs != ''
                AND j.value != '';
        CREATE TRIGGER post_refs_insert AFTER INSERT ON messages
            WHEN NEW.is_bot = 1 AND NEW.thread_root = NEW.message_id AND NEW.refs != ''
        BEGIN
            INSERT OR IGNORE INTO post_refs (chat_id, ref, message_id)
                SELECT NEW.chat_id, value, NEW.message_id
                FROM json_each('["' || replace(NEW.refs, char(10), '","') || '"]')
                WHERE value != '';
        END;
        CREATE TRIGGER post_refs_update AFTER UPDATE OF refs ON messages WHEN OLD.is_bot = 1
        BEGIN
            DELETE FROM post_refs WHERE chat_id = OLD.chat_id AND message_id = OLD.message_id;
            INSERT OR IGNORE INTO post_refs (chat_id, ref, message_id)
                SELECT NEW.chat_id, value, NEW.message_id
                FROM json_each('["' || replace(NEW.refs, char(10), '","') || '"]')
                WHERE value != '' AND NEW.thread_root = NEW.message_id;
        END;
        CREATE TRIGGER post_refs_delete AFTER DELETE ON messages WHEN OLD.is_bot = 1
        BEGIN
            DELETE FROM post_refs WHERE chat_id = OLD.chat_id AND message_id = OLD.message_id;
        END;
        CREATE TABLE reader_requests (
            request TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL,
            at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX reader_requests_by_age ON reader_requests (at)
        """,
    ),
]


def _statements(sql: str) -> list[str]:
    """A migration's statements, one by one (a trigger's body keeps its own semicolons)."""
    statements, pending = [], ""
    for piece in sql.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending.strip().rstrip(";"))
    return statements
