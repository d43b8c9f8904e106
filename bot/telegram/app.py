"""Building and running the Telegram application."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeAllGroupChats, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.commands import COMMANDS, Commands
from bot.config import Config
from bot.telegram.handlers import BotData, on_button, on_command, on_error, on_unknown_command
from bot.telegram.updates import PerChatUpdateProcessor

log = logging.getLogger(__name__)


def build_application(config: Config, commands: Commands) -> Application:
    """The bot, with every handler registered here and nowhere else."""
    application = (
        ApplicationBuilder()
        .token(config.token.get())
        .base_url(config.api_base_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=config.tz,
                allow_sending_without_reply=True,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        # Telegram's flood limits: ~20 messages a minute into one group, 30 a second overall.
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(PerChatUpdateProcessor())
        .context_types(ContextTypes(bot_data=BotData))
        .post_init(_post_init)
        .build()
    )
    application.bot_data.commands = commands

    # Group 0: our commands first, then a catch-all for commands we do not have. Only new
    # messages: an edited command is not answered twice.
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(
        CommandHandler([c.name for c in COMMANDS], on_command, filters=new_messages)
    )
    application.add_handler(MessageHandler(filters.COMMAND & new_messages, on_unknown_command))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_error_handler(on_error)
    return application


async def _post_init(application: Application) -> None:
    """Register the command menu and say how the bot sees groups."""
    menu = [BotCommand(c.name, c.summary) for c in COMMANDS]
    await application.bot.set_my_commands(menu)
    await application.bot.set_my_commands(menu, scope=BotCommandScopeAllGroupChats())
    me = application.bot.bot
    log.info(
        "Started as @%s (id %s); sees all group messages: %s",
        me.username,
        me.id,
        "yes" if me.can_read_all_group_messages else "no (privacy mode: commands and replies only)",
    )


def run_polling(application: Application) -> None:
    """Run with long polling until interrupted; updates not yet fetched stay with Telegram."""
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
