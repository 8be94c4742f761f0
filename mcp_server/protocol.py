"""The SDK's MCPServer, with the client's mistakes in prompts/get answered as the protocol asks.

The SDK reports an unknown prompt or a missing argument as a plain ValueError (JSON-RPC code 0,
logged as a server failure); the spec wants -32602 (invalid params) and words the client can act on."""

from __future__ import annotations

from typing import Any

from mcp.server import MCPServer
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS


class StudyhallMCPServer(MCPServer):
    async def get_prompt(self, name: str, arguments: dict[str, Any] | None = None, context=None):
        prompts = {p.name: p for p in await self.list_prompts()}
        prompt = prompts.get(name)
        if prompt is None:
            raise MCPError(INVALID_PARAMS, f"No prompt {name!r}. Prompts: {', '.join(sorted(prompts))}.")
        given = arguments or {}
        for argument in prompt.arguments or []:
            if argument.required and argument.name not in given:
                raise MCPError(
                    INVALID_PARAMS,
                    f"Missing argument {argument.name!r} for the prompt {name!r}: {argument.description}",
                )
        return await super().get_prompt(name, arguments, context)

    def prompt_arguments(self, name: str) -> set[str] | None:
        """The argument names of the prompt `name`; None when there is no such prompt."""
        prompt = self._prompt_manager.get_prompt(name)
        return None if prompt is None else {a.name for a in prompt.arguments or []}
