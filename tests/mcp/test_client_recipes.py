"""The README's MCP client recipes, run as written through the real MCP Inspector CLI.

The Inspector (like Claude Desktop and Cursor) starts a stdio server with a minimal environment of
its own, not the caller's: these tests show the README's commands and JSON carry what the server
needs. The only things replaced are the README's placeholders (the course, the data directory, the
command's path) and, so that this checkout is the code under test, a PYTHONPATH."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli import runner
from tests.shared import REPO

INSPECTOR = "@modelcontextprotocol/inspector@2.12.0"  # the release these recipes were checked with
README = (REPO / "README.md").read_text(encoding="utf-8")
COURSE = "robotics-101"  # the README's example course

pytestmark = pytest.mark.skipif(
    shutil.which("npx") is None and not os.environ.get("CI"),
    reason="the MCP Inspector runs on Node.js (npx); CI has it",
)


def _inspector_commands() -> list[str]:
    prefix = "npx @modelcontextprotocol/inspector"
    return [line.strip() for line in README.splitlines() if line.startswith(prefix)]


def _desktop_settings() -> dict:
    block = re.search(r"```json\n(\s*\{\"mcpServers\".*?)```", README, re.S)
    assert block, "the README's mcpServers settings"
    return json.loads(block.group(1))


def _claude_code_command() -> list[str]:
    line = re.search(r"`(claude mcp add studyhall [^`]+)`", README)
    assert line, "the README's Claude Code command"
    return shlex.split(line.group(1))


@pytest.fixture(scope="module")
def data_home(tmp_path_factory) -> Path:
    """A data directory holding the README's example course with the sample book."""
    root = tmp_path_factory.mktemp("recipes")
    run = runner(root, f"sqlite:///{root / 'home' / 'studyhall.db'}")
    done = run("ingest", "--sample", "--course", COURSE, HF_HUB_OFFLINE="1")
    assert done.returncode == 0, done.stderr
    return root / "home"


def _inspect(argv: list[str], cwd: Path) -> dict:
    """Run the Inspector; its JSON answer. Its own notices (the keychain) go to stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYHALL_")} | {"HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        ["npx", "-y", INSPECTOR, *argv],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=cwd,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def _with_checkout(argv: list[str]) -> list[str]:
    """`--cli -e PYTHONPATH=<this checkout> …`: the Inspector's -e options come before the server."""
    assert argv[0] == "--cli"
    return ["--cli", "-e", f"PYTHONPATH={REPO}", *argv[1:]]


def test_the_readme_has_both_inspector_commands():
    commands = _inspector_commands()
    assert len(commands) == 2 and all("-e STUDYHALL_HOME=$HOME/.studyhall" in c for c in commands)


@pytest.mark.parametrize("number", [0, 1])
def test_the_inspector_commands_work_as_written(number: int, data_home: Path, tmp_path: Path):
    line = _inspector_commands()[number].replace("$HOME/.studyhall", str(data_home))
    argv = shlex.split(line)[2:]  # after `npx @modelcontextprotocol/inspector`
    result = _inspect(_with_checkout(argv), tmp_path)
    if "--tool-name" in argv:
        assert result.get("isError") is not True, result
        hits = result["structuredContent"]["hits"]
        assert hits and hits[0]["uri"].startswith(f"book://{COURSE}/") and "balance" in hits[0]["path"]
    else:
        names = {tool["name"] for tool in result["tools"]}
        assert {"search_book", "read_section", "table_of_contents", "ask_book"} <= names


def test_the_desktop_settings_work_as_written(data_home: Path, tmp_path: Path):
    settings = _desktop_settings()
    server = settings["mcpServers"]["studyhall"]
    assert server["command"].endswith("/bin/studyhall-mcp") and server["env"] == {
        "STUDYHALL_HOME": "/home/me/.studyhall"
    }
    server["command"] = shutil.which("studyhall-mcp")  # the full path the README asks for
    server["env"] = {"STUDYHALL_HOME": str(data_home), "PYTHONPATH": str(REPO)}
    config = tmp_path / "mcp.json"
    config.write_text(json.dumps(settings), encoding="utf-8")
    common = ["--cli", "--config", str(config), "--server", "studyhall"]
    result = _inspect(
        [*common, "--method", "tools/call", "--tool-name", "search_book", "--tool-arg", "query=balance"],
        tmp_path,
    )
    assert result["structuredContent"]["hits"][0]["uri"].startswith(f"book://{COURSE}/")


def test_the_claude_code_command_starts_the_server_it_names(data_home: Path, tmp_path: Path):
    argv = _claude_code_command()
    split = argv.index("--")
    env = [argv[i + 1] for i, a in enumerate(argv[:split]) if a == "-e"]
    assert env == ["STUDYHALL_HOME=$HOME/.studyhall"]
    server = argv[split + 1 :]
    assert server == ["studyhall-mcp", "--course", COURSE]
    given = [x for e in env for x in ("-e", e.replace("$HOME/.studyhall", str(data_home)))]
    result = _inspect(_with_checkout(["--cli", *given, *server, "--method", "tools/list"]), tmp_path)
    assert "search_book" in {tool["name"] for tool in result["tools"]}
