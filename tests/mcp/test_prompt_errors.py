"""A mistake in prompts/get is the client's: JSON-RPC -32602 with words it can act on, no traceback."""

from __future__ import annotations

import logging

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS


@pytest.fixture(params=["auto", "legacy"])
def mode(request) -> str:
    return request.param


@pytest.mark.parametrize(
    "name, arguments, says",
    [
        ("quiz_me", {"chapter": "nope.md"}, "No chapter 'nope.md'. Chapters like it:"),
        ("quiz_me", {}, "Missing argument 'chapter'"),
        (
            "no_such_prompt",
            {},
            "No prompt 'no_such_prompt'. Prompts: explain_at_my_level, quiz_me, study_plan.",
        ),
    ],
)
async def test_prompt_mistakes_are_invalid_params_in_the_projects_words(
    server, mode, name, arguments, says, caplog
):
    caplog.set_level(logging.INFO)
    async with Client(server, mode=mode) as client:
        with pytest.raises(MCPError) as raised:
            await client.get_prompt(name, arguments)
    assert raised.value.code == INVALID_PARAMS
    assert says in raised.value.error.message
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
