"""Configuration: a TOML file (see config.example.toml), overridden by environment variables.

Every problem is reported with the key's name and what was expected, before anything starts.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.links import Network, parse_networks

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
CONFIG_ENV = "BOT_CONFIG"
TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
API_BASE_URL_ENV = "TELEGRAM_API_BASE_URL"
WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
WEBHOOK_URL_ENV = "TELEGRAM_WEBHOOK_URL"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _seeds() -> Path:
    """The seed library: seeds/ in a checkout, bot/seeds in an installed package."""
    checkout = PROJECT_ROOT / "seeds"
    return checkout if checkout.is_dir() else Path(__file__).resolve().parent / "seeds"


class ConfigError(Exception):
    """The configuration is unusable; the message names the file and key."""


class Secret:
    """A string that never shows itself in logs, reprs or tracebacks."""

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('********')" if self._value else "Secret('')"

    __str__ = __repr__


@dataclass
class Config:
    """The bot's settings, with the defaults config.example.toml documents."""

    token: Secret = field(default_factory=lambda: Secret(""))
    api_base_url: str = DEFAULT_API_BASE_URL
    admins: list[int] = field(default_factory=list)
    database: Path = Path("data/bot.sqlite3")
    library: Path = field(default_factory=_seeds)
    timezone: str = "UTC"
    log_level: str = "INFO"
    log_format: str = "text"
    logging_default: bool = True
    retention_days: int = 365
    webhook_url: str = ""  # the public HTTPS address Telegram posts updates to
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8080
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    # Networks links may lead to besides the public internet (none: see bot/links.py).
    allow_networks: list[Network] = field(default_factory=list)
    # The reader, a Telegram Mini App the bot serves (bot/telegram/reader.py); off without a url.
    reader_url: str = ""  # its public https address, e.g. https://bot.example.org/reader/
    reader_app: str = ""  # the Mini App's short name from @BotFather's /newapp (group buttons)
    reader_listen: str = "127.0.0.1"  # where it listens in polling mode (webhook mode: the
    reader_port: int = 8081  # webhook's own server serves it too)
    reader_max_age: int = 86_400  # seconds a Mini App's initData stays good
    source: str = "defaults"  # where the settings came from, for messages

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# section -> key -> (attribute, expected type, description for errors)
_SCHEMA: dict[str, dict[str, tuple[str, type, str]]] = {
    "telegram": {
        "token": ("token", str, "a string: the token @BotFather gave you"),
        "api_base_url": (
            "api_base_url",
            str,
            "a URL string such as 'https://api.telegram.org/bot'",
        ),
        "admins": ("admins", list, "a list of Telegram user ids (integers)"),
    },
    "storage": {"database": ("database", str, "a file path string")},
    "discussion": {
        "logging_default": (
            "logging_default",
            bool,
            "true or false: whether groups are logged until an admin says otherwise",
        ),
        "retention_days": (
            "retention_days",
            int,
            "a whole number of days (0 keeps messages until deleted by hand)",
        ),
    },
    "library": {"path": ("library", str, "a folder path string")},
    "links": {
        "allow_networks": (
            "allow_networks",
            list,
            "a list of IP networks links may lead to besides the public internet, such as "
            "['10.1.0.0/16']",
        ),
    },
    "bot": {
        "timezone": ("timezone", str, "an IANA time zone name such as 'Europe/London'"),
        "log_level": ("log_level", str, f"one of {', '.join(LOG_LEVELS)}"),
        "log_format": ("log_format", str, f"one of {', '.join(LOG_FORMATS)}"),
    },
    "webhook": {
        "url": ("webhook_url", str, "the public https:// URL Telegram should post updates to"),
        "listen": ("webhook_listen", str, "the address to listen on, such as '127.0.0.1'"),
        "port": ("webhook_port", int, "a port number, 1 to 65535"),
        "secret": ("webhook_secret", str, "1 to 256 characters: letters, digits, _ and -"),
    },
    "reader": {
        "url": ("reader_url", str, "the reader's public https:// address, ending in /reader/"),
        "app_name": ("reader_app", str, "the Mini App's short name from @BotFather's /newapp"),
        "listen": ("reader_listen", str, "the address to listen on, such as '127.0.0.1'"),
        "port": ("reader_port", int, "a port number, 1 to 65535"),
        "max_age": ("reader_max_age", int, "seconds a Mini App's sign-in stays good (60 or more)"),
    },
}


def _find_config(path: str | Path | None, env: dict[str, str]) -> Path | None:
    if path:
        return Path(path)
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    local = Path("config.toml")
    return local if local.is_file() else None


def load_config(path: str | Path | None = None, *, env: dict[str, str] | None = None) -> Config:
    """Read the config file (``path``, else $BOT_CONFIG, else ./config.toml if present).

    Environment variables TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL override the file.
    """
    env = dict(os.environ) if env is None else env
    config = Config()
    file = _find_config(path, env)
    if file is not None:
        config.source = str(file)
        _apply_file(config, file)
    if env.get(TOKEN_ENV):
        config.token = Secret(env[TOKEN_ENV].strip())
    if env.get(API_BASE_URL_ENV):
        config.api_base_url = env[API_BASE_URL_ENV].strip()
    if env.get(WEBHOOK_URL_ENV):
        config.webhook_url = env[WEBHOOK_URL_ENV].strip()
    if env.get(WEBHOOK_SECRET_ENV):
        config.webhook_secret = Secret(env[WEBHOOK_SECRET_ENV].strip())
    _validate(config, file)
    return config


def _apply_file(config: Config, file: Path) -> None:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: config file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{file}: not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    base = file.resolve().parent
    for section, values in data.items():
        if section not in _SCHEMA:
            raise ConfigError(
                f"{file}: unknown section [{section}]; expected one of "
                + ", ".join(f"[{s}]" for s in _SCHEMA)
            )
        if not isinstance(values, dict):
            raise ConfigError(f"{file}: '{section}' must be a [{section}] table")
        for key, value in values.items():
            spec = _SCHEMA[section].get(key)
            if spec is None:
                raise ConfigError(
                    f"{file}: unknown key '{section}.{key}'; [{section}] takes "
                    + ", ".join(_SCHEMA[section])
                )
            attribute, expected, description = spec
            if not isinstance(value, expected) or (
                isinstance(value, bool) and expected is not bool
            ):
                raise ConfigError(
                    f"{file}: key '{section}.{key}' = {_show(value)} should be {description}"
                )
            setattr(config, attribute, _convert(attribute, value, base, file, f"{section}.{key}"))


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _convert(attribute: str, value: Any, base: Path, file: Path, key: str) -> Any:
    if attribute in ("token", "webhook_secret"):
        return Secret(value.strip())
    if attribute in ("database", "library"):
        path = Path(value).expanduser()
        return path if path.is_absolute() else base / path
    if attribute == "admins":
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ConfigError(
                f"{file}: key '{key}' should be a list of Telegram user ids (integers)"
            )
        return list(value)
    if attribute == "allow_networks":
        if not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{file}: key '{key}' should be a list of strings like '10.1.0.0/16'")
        try:
            return parse_networks(value)
        except ValueError as exc:
            raise ConfigError(f"{file}: key '{key}': {exc}") from None
    if attribute == "log_level":
        return value.upper()
    if attribute == "log_format":
        return value.lower()
    return value


def _validate(config: Config, file: Path | None) -> None:
    where = f"{file}: " if file else ""
    if config.retention_days < 0:
        raise ConfigError(
            f"{where}key 'discussion.retention_days' = {config.retention_days} should be 0 or more"
        )
    if config.log_level not in LOG_LEVELS:
        raise ConfigError(
            f"{where}key 'bot.log_level' = {config.log_level!r} should be one of "
            + ", ".join(LOG_LEVELS)
        )
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{where}key 'bot.timezone' = {config.timezone!r} is not a known IANA time zone; "
            "use a name such as 'Europe/London' or 'UTC'"
        ) from None
    if not config.api_base_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"{where}key 'telegram.api_base_url' (or ${API_BASE_URL_ENV}) = "
            f"{config.api_base_url!r} should be an http:// or https:// URL"
        )
    if config.log_format not in LOG_FORMATS:
        raise ConfigError(
            f"{where}key 'bot.log_format' = {config.log_format!r} should be one of "
            + ", ".join(LOG_FORMATS)
        )
    if config.webhook_url and not config.webhook_url.startswith(("https://", "http://")):
        raise ConfigError(
            f"{where}key 'webhook.url' = {config.webhook_url!r} should be the public https:// "
            "URL Telegram posts updates to"
        )
    if not 1 <= config.webhook_port <= 65535:
        raise ConfigError(f"{where}key 'webhook.port' = {config.webhook_port} should be 1 to 65535")
    secret = config.webhook_secret.get()
    if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise ConfigError(
            f"{where}key 'webhook.secret' (or ${WEBHOOK_SECRET_ENV}) should be 1 to 256 "
            "characters: letters, digits, _ and - (Telegram's rule for secret tokens)"
        )
    _validate_reader(config, where)
    token = config.token.get()
    if token and (":" not in token or any(c.isspace() for c in token)):
        raise ConfigError(
            f"{where}key 'telegram.token' (or ${TOKEN_ENV}) does not look like a bot token; "
            "expected the form 123456789:AA... that @BotFather gives"
        )


def _validate_reader(config: Config, where: str) -> None:
    url = urlsplit(config.reader_url)
    if config.reader_url and not (
        url.scheme == "https"
        and url.hostname
        and url.path.endswith("/reader/")
        and not url.query
        and not url.fragment
    ):
        raise ConfigError(
            f"{where}key 'reader.url' = {config.reader_url!r} should be the reader's public "
            "https:// address ending in /reader/, such as 'https://bot.example.org/reader/' "
            "(Telegram opens Mini Apps over https only)"
        )
    if config.reader_app and not re.fullmatch(r"[A-Za-z0-9_]{3,30}", config.reader_app):
        raise ConfigError(
            f"{where}key 'reader.app_name' = {config.reader_app!r} should be the short name "
            "@BotFather's /newapp gave: 3 to 30 letters, digits and _"
        )
    if not 1 <= config.reader_port <= 65535:
        raise ConfigError(f"{where}key 'reader.port' = {config.reader_port} should be 1 to 65535")
    if config.reader_max_age < 60:
        raise ConfigError(
            f"{where}key 'reader.max_age' = {config.reader_max_age} should be 60 seconds or more"
        )


TOKEN_HELP = f"""\
No Telegram bot token is configured (key 'telegram.token' or ${TOKEN_ENV}).

To run the bot in Telegram:
  1. Open Telegram, message @BotFather and send /newbot; choose a name and a username.
  2. BotFather answers with a token like 123456789:AAE...; keep it secret.
  3. Start the bot with it:  {TOKEN_ENV}=123456789:AAE... ./scripts/run
     (or put it in config.toml under [telegram] token = "...", see config.example.toml)
"""
