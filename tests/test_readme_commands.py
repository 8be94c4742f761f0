"""The README's two commands are the ones that work: its first runs the demo, its second is what CI
runs, character for character."""

from __future__ import annotations

import re

from tests.shared import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _first_command_under(heading: str) -> str:
    section = README.split(f"## {heading}\n", 1)[1]
    block = re.search(r"```bash\n(.*?)\n```", section, re.S)
    assert block, f"a command block under {heading!r}"
    return block.group(1)


def test_the_first_command_installs_and_runs_the_demo_in_one_line():
    assert _first_command_under("Install and run") == "pip install -e . && studyhall demo"


def test_ci_runs_the_readmes_test_command_exactly():
    command = _first_command_under("Run the tests")
    assert command == 'pip install -e ".[test]" && python -m pytest'
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci.splitlines()  # a line of its own, as written
    assert ci.rstrip().splitlines()[-1] == command  # and the last thing CI does
