"""(to be written)"""

from discord.ext import commands


class Placeholder(commands.Cog):
    pass


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Placeholder(), override=True)
