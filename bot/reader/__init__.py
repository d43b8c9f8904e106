"""The reader: an article as a page inside Telegram (a Mini App), with the group's discussion
beside each paragraph. Free of Telegram's library: what a page shows, how a member's sign-in
is checked, and what a button's link carries. The server is :mod:`bot.telegram.reader`."""
