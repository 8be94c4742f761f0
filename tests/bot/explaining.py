"""The bot over the app's own explainer wiring, its LLM a scripted Messages API (for the explain,
translate and generation-quota tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.app import App
from tests.answers.messages_api import MockApi, explainer_over, scripted_llm
from tests.bot.harness import BotHarness, start_bot


@asynccontextmanager
async def bot_explaining_with(app: App, api: MockApi) -> AsyncIterator[BotHarness]:
    async with scripted_llm(api) as llm:
        app.explainer = explainer_over(app, llm)
        harness = await start_bot(app)
        try:
            yield harness
        finally:
            await harness.bot.close()
