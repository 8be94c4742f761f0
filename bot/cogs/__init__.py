"""One extension per feature; each module's `setup` only adds its cog."""

EXTENSIONS = (
    "bot.cogs.ask",
    "bot.cogs.search",
    "bot.cogs.reading",
    "bot.cogs.progress",
    "bot.cogs.quiz",
    "bot.cogs.leaderboard",
    "bot.cogs.profile",
    "bot.cogs.recommend",
    "bot.cogs.history",
    "bot.cogs.explain",
    "bot.cogs.privacy",
    "bot.cogs.tokens",
    "bot.cogs.course",
    "bot.cogs.book",
    "bot.cogs.classroom",
    "bot.cogs.courses",
    "bot.cogs.help",
)
