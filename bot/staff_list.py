"""What /course staff list shows: the course's staff by the names the server knows, and the
Discord roles that make people staff."""

from __future__ import annotations

import discord

from bot.limits import clip, fit_embed
from core.course_staff import MAPPED, StaffMember
from core.models.accounts import Course, RoleMapping

ROLE_WORDS = {"instructor": "instructor", "ta": "TA", "student": "student"}


def staff_embed(course: Course, members: list[StaffMember], mappings: list[RoleMapping]) -> discord.Embed:
    embed = discord.Embed(title=f"👩‍🏫 Staff of {clip(course.name, 200)}", colour=discord.Colour.blurple())
    for role, title in (("instructor", "Instructors"), ("ta", "TAs")):
        names = [_line(m) for m in members if m.enrollment.role == role]
        embed.add_field(name=title, value=clip("\n".join(names), 1000) or "none", inline=False)
    if mappings:
        lines = [f"<@&{m.discord_role_id}> → {ROLE_WORDS[m.role]}" for m in mappings]
        embed.add_field(name="Discord roles", value=clip("\n".join(lines), 1000), inline=False)
    return fit_embed(embed)


def _line(member: StaffMember) -> str:
    through = " (through a Discord role)" if member.enrollment.role_source == MAPPED else ""
    return f"{discord.utils.escape_markdown(member.name)}{through}"
