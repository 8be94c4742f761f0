"""The SDK's MCPServer, with the client's mistakes in prompts/get answered as the protocol asks.

The SDK reports an unknown prompt or a missing argument as a plain ValueError (JSON-RPC code 0,
logged as a server failure); the spec wants -32602 (invalid params) and words the client can act on.
Tool descriptions go out as one paragraph, without the docstring's indentation; tool results as
compact JSON text."""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, CallToolResult, TextContent
from pydantic import ValidationError


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

    async def call_tool(self, name: str, arguments: dict[str, Any], context=None):
        """As MCPServer.call_tool, with the text content compact JSON (the SDK indents it, which
        costs the model tokens for nothing), and arguments refused in a line per field (not
        pydantic's dump with its links)."""
        try:
            result = await super().call_tool(name, arguments, context)
        except ToolError as err:
            if isinstance(err, UnexpectedToolError) or not isinstance(err.__cause__, ValidationError):
                raise
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}"
                for e in err.__cause__.errors()
            )
            raise ToolError(f"Invalid arguments for {name}: {problems}.") from err.__cause__
        if isinstance(result, CallToolResult) and result.structured_content is not None and result.content:
            first = result.content[0]
            if isinstance(first, TextContent) and first.text.startswith("{\n"):
                compact = json.dumps(result.structured_content, separators=(",", ":"), ensure_ascii=False)
                result.content[0] = TextContent(type="text", text=compact)
        return result

    def tool(self, *args: Any, description: str | None = None, **options: Any):
        """As MCPServer.tool, the description (the docstring by default) as one plain paragraph:
        a docstring's line breaks and indentation are noise the model reads on every tools/list."""
        register = super().tool

        def decorate(fn):
            return register(*args, description=one_paragraph(description or fn.__doc__ or ""), **options)(fn)

        return decorate


def one_paragraph(text: str) -> str:
    return " ".join(text.split())


def package_version() -> str:
    try:
        return version("studyhall")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0.0.0"
