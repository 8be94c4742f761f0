"""Where Discord offers the bot's commands (`contexts` in the registered payload, which replaced the
deprecated `dm_permission`): in servers and in DMs with the bot; staff commands in servers only."""

from __future__ import annotations

from discord import app_commands

EVERYWHERE = app_commands.AppCommandContext(guild=True, dm_channel=True)  # the tree's default
# Every context named, so the tree's default cannot add DMs back.
SERVER_ONLY = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)
