"""Configuration: defaults, the file, the environment, and errors that name the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import DEFAULT_API_BASE_URL, ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_config_loads_and_documents_every_key(tmp_path):
    example = ROOT / "config.example.toml"
    config = load_config(example, env={})
    assert config.api_base_url == DEFAULT_API_BASE_URL
    assert not config.token
    text = example.read_text(encoding="utf-8")
    for key in ("token", "api_base_url", "admins", "database", "path", "timezone", "log_level"):
        assert f"\n{key} = " in text or f"\n# {key} = " in text, key
    copied = tmp_path / "elsewhere.toml"  # a copy in another folder still finds the seeds
    copied.write_text(text, encoding="utf-8")
    assert load_config(copied, env={}).library == config.library
    assert (config.library / "catalog.toml").is_file()


def test_file_values_and_relative_paths(tmp_path):
    path = write(
        tmp_path,
        '[telegram]\ntoken = "1:abc"\nadmins = [5, 6]\n[storage]\ndatabase = "db/bot.sqlite3"\n'
        '[library]\npath = "texts"\n[bot]\ntimezone = "Europe/Berlin"\nlog_level = "debug"\n',
    )
    config = load_config(path, env={})
    assert config.token.get() == "1:abc"
    assert config.admins == [5, 6]
    assert config.database == tmp_path / "db/bot.sqlite3"
    assert config.library == tmp_path / "texts"
    assert (config.timezone, config.log_level) == ("Europe/Berlin", "DEBUG")


def test_environment_overrides_the_file(tmp_path):
    path = write(tmp_path, '[telegram]\ntoken = "1:file"\n')
    env = {"TELEGRAM_BOT_TOKEN": "2:env", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot"}
    config = load_config(path, env=env)
    assert config.token.get() == "2:env"
    assert config.api_base_url == "http://127.0.0.1:8081/bot"


def test_config_path_from_bot_config(tmp_path):
    path = write(tmp_path, '[bot]\ntimezone = "Asia/Tokyo"\n')
    assert load_config(env={"BOT_CONFIG": str(path)}).timezone == "Asia/Tokyo"


def test_the_token_never_shows_in_reprs(tmp_path):
    config = load_config(write(tmp_path, '[telegram]\ntoken = "123:SECRET"\n'), env={})
    assert "SECRET" not in repr(config)
    assert "SECRET" not in str(config.token)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[telegram]\ntokn = "x"\n', "unknown key 'telegram.tokn'; [telegram] takes token"),
        ('[telgram]\ntoken = "x"\n', "unknown section [telgram]"),
        ("[telegram]\ntoken = 12345\n", "key 'telegram.token' = 12345 should be a string"),
        ('[telegram]\nadmins = "me"\n', "key 'telegram.admins' = 'me' should be a list"),
        (
            '[telegram]\nadmins = ["me"]\n',
            "key 'telegram.admins' should be a list of Telegram user ids",
        ),
        ("[bot]\nlog_level = true\n", "key 'bot.log_level' = True should be one of DEBUG"),
        ('[bot]\nlog_level = "loud"\n', "key 'bot.log_level' = 'LOUD' should be one of DEBUG"),
        (
            '[bot]\ntimezone = "Mars/Olympus"\n',
            "key 'bot.timezone' = 'Mars/Olympus' is not a known IANA",
        ),
        ('[telegram]\napi_base_url = "ftp://x"\n', "key 'telegram.api_base_url'"),
        ('[telegram]\ntoken = "not a token"\n', "key 'telegram.token'"),
        ("[telegram\n", "not valid TOML"),
    ],
)
def test_bad_configuration_names_the_key_and_what_was_expected(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert str(caught.value).startswith(str(path))
    assert expected in str(caught.value)


def test_missing_config_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"nowhere\.toml: config file not found"):
        load_config(tmp_path / "nowhere.toml", env={})


def refused(tmp_path: Path, body: str, message: str) -> None:
    """A config file of ``body`` is refused, and the error says ``message``."""
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(write(tmp_path, body), env={})


def test_webhook_and_log_settings_are_checked_with_their_key(tmp_path):
    for body, message in [
        ("[webhook]\nport = 70000\n", "key 'webhook.port' = 70000 should be 1 to 65535"),
        ('[webhook]\nsecret = "has spaces"\n', "key 'webhook.secret'"),
        ('[webhook]\nurl = "ftp://x"\n', "key 'webhook.url' = 'ftp://x'"),
        ('[bot]\nlog_format = "xml"\n', "key 'bot.log_format' = 'xml' should be one of text, json"),
    ]:
        refused(tmp_path, body, message)
    config = load_config(None, env={"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/u",
                                    "TELEGRAM_WEBHOOK_SECRET": "abc_DEF-123"})  # fmt: skip
    assert config.webhook_url == "https://bot.example.org/u"
    assert config.webhook_secret.get() == "abc_DEF-123"
    assert "abc_DEF" not in repr(config)


def test_reader_settings_are_checked_with_their_key(tmp_path):
    for body, message in [
        ('[reader]\nurl = "http://bot.example.org/reader/"\n', "key 'reader.url' = 'http://bot"),
        ('[reader]\nurl = "https://bot.example.org/"\n', "should be the reader's public https://"),
        ('[reader]\napp_name = "my app!"\n', "key 'reader.app_name' = 'my app!' should be the"),
        ("[reader]\nport = 0\n", "key 'reader.port' = 0 should be 1 to 65535"),
        ("[reader]\nmax_age = 5\n", "key 'reader.max_age' = 5 should be 60 seconds or more"),
        ('[reader]\nport = "8081"\n', "key 'reader.port' = '8081' should be a port number"),
    ]:
        refused(tmp_path, body, message)
    path = tmp_path / "c.toml"
    path.write_text('[reader]\nurl = "https://bot.example.org/reader/"\napp_name = "read"\n')
    config = load_config(path, env={})
    assert (config.reader_url, config.reader_app, config.reader_port) == (
        "https://bot.example.org/reader/",
        "read",
        8081,
    )
