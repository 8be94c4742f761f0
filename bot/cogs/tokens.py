"""/token create|list|revoke: API tokens for the MCP server, the secret shown once and only to its owner."""

from __future__ import annotations

import logging
from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot import respond
from bot.cogs.base import FeatureCog
from bot.context import app_of, existing_account, who
from bot.limits import MAX_CHOICES, clip, fit_embed
from core.models.accounts import ALL_SCOPES, ApiToken

log = logging.getLogger(__name__)

SCOPE_CHOICES = {
    "read": ("read",),
    "read+progress": ALL_SCOPES,
}
HOW_TO_USE = (
    "**Use it in an MCP client** (`studyhall-mcp`):\n"
    "• stdio: set the environment variable `STUDYHALL_TOKEN` to it in the client's server settings.\n"
    "• HTTP: send the header `Authorization: Bearer <token>` to the server's `/mcp` address.\n"
    "Keep it secret like a password; `/token revoke` stops it working at once."
)


def _when(moment: datetime | None, never: str = "never") -> str:
    return discord.utils.format_dt(moment, "R") if moment else never


EVERY_COURSE = "every course you are in"


def _where(course_name: str | None) -> str:
    return f"only for **{discord.utils.escape_markdown(course_name)}**" if course_name else EVERY_COURSE


def _line(token: ApiToken, now: datetime, course_name: str | None = None) -> str:
    state = token.state(now)
    mark = {"active": "🟢", "expired": "⌛", "revoked": "⛔"}[state]
    return (
        f"{mark} **{discord.utils.escape_markdown(token.name)}** `…{token.hint}` · id `{token.id[:8]}` · "
        f"{', '.join(token.scopes)} · {_where(course_name)} · {state} · made {_when(token.created_at)} · "
        f"expires {_when(token.expires_at)} · last used {_when(token.last_used_at)}"
    )


class TokensCog(FeatureCog, name="Tokens"):
    token = app_commands.Group(name="token", description="Tokens that let an AI assistant act as you")

    @token.command(name="create")
    @app_commands.describe(
        name="A name to recognise it by, e.g. 'laptop' or 'Claude Desktop'",
        days="Days until it expires (default: never)",
        scope="What it may do (default: read and record progress)",
        all_courses="Make it work in every course you are in (default: only this server's course)",
    )
    @app_commands.choices(
        scope=[
            app_commands.Choice(name="read the book and my progress", value="read"),
            app_commands.Choice(name="read, and record my progress", value="read+progress"),
        ]
    )
    async def create(
        self,
        interaction: discord.Interaction,
        name: str,
        days: app_commands.Range[int, 1, 3650] | None = None,
        scope: str = "read+progress",
        all_courses: bool = False,
    ) -> None:
        """Create a token for the MCP server (shown once, only to you)."""
        # Made in the class's server (or, in a DM, your latest course): you use Studyhall there.
        found = await who(interaction)
        made = await app_of(interaction).tokens.create(
            found.user.id,
            name,
            scopes=SCOPE_CHOICES.get(scope, (scope,)),
            expires_days=days,
            surface="discord",
            course_id=None if all_courses else found.course.id,
        )
        log.info("token %s created from Discord", made.record.id)
        expires = f"expires {_when(made.record.expires_at)}" if made.record.expires_at else "never expires"
        await respond.reply(
            interaction,
            f"🔑 Token **{discord.utils.escape_markdown(made.record.name)}** "
            f"({', '.join(made.record.scopes)}; {expires}; "
            f"{_where(None if all_courses else found.course.name)}). "
            f"Copy it now — it is shown **only this once**:\n```\n{made.token}\n```\n{HOW_TO_USE}",
            ephemeral=True,
        )

    @token.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """List your tokens (never their secrets)."""
        app = app_of(interaction)
        user = await existing_account(interaction)
        tokens = await app.tokens.list(user.id) if user else []
        if not tokens:
            await respond.reply(
                interaction, "You have no tokens yet. Make one with `/token create`.", ephemeral=True
            )
            return
        now = app.clock()
        order = {"active": 0, "expired": 1, "revoked": 2}
        tokens.sort(key=lambda t: (order[t.state(now)], -t.created_at.timestamp()))
        names = {c.id: c.name for c in await app.courses.list()}
        embed = discord.Embed(
            title="Your API tokens",
            description="\n".join(_line(t, now, names.get(t.course_id or "")) for t in tokens),
        )
        embed.set_footer(text="Revoke one with /token revoke.")
        await respond.reply(interaction, embed=fit_embed(embed), ephemeral=True)

    @token.command(name="revoke")
    @app_commands.describe(token="The token to revoke (pick one, or type the start of its id)")
    async def revoke(self, interaction: discord.Interaction, token: str) -> None:
        """Revoke one of your tokens: it stops working at once."""
        user = await existing_account(interaction)
        if user is None:
            await respond.reply(interaction, "You have no tokens to revoke.", ephemeral=True)
            return
        revoked = await app_of(interaction).tokens.revoke(user.id, token, surface="discord")
        await respond.reply(
            interaction,
            f"⛔ Revoked **{discord.utils.escape_markdown(revoked.name)}** (`…{revoked.hint}`).",
            ephemeral=True,
        )

    @revoke.autocomplete("token")
    async def _active_tokens(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        app = app_of(interaction)
        user = await existing_account(interaction)
        if user is None:
            return []
        now = app.clock()
        typed = current.strip().lower()
        found = [
            app_commands.Choice(name=clip(f"{t.name} (…{t.hint}, id {t.id[:8]})", 100), value=t.id)
            for t in await app.tokens.list(user.id)
            if t.state(now) == "active" and (typed in t.name.lower() or t.id.startswith(typed))
        ]
        return found[:MAX_CHOICES]


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(TokensCog(bot))
