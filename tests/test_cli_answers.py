"""`studyhall ask | chat | usage | maintain`, run as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.store import Database
from tests.cli import runner
from tests.shared import needs_model

pytestmark = needs_model


@pytest.fixture
def run(tmp_path: Path, database_url: str, db: Database):
    studyhall = runner(tmp_path, database_url, model=True)
    assert studyhall("ingest", "--sample", "--course", "demo").returncode == 0
    return studyhall


def test_ask_json_batch_chat_usage_maintain(run, tmp_path: Path) -> None:
    asked = run("ask", "what stops a walking robot from falling over?", "--course", "demo", "--json")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert set(answer) == {"answer", "citations", "covered", "mode", "conversation_id", "latency_ms"}
    assert answer["covered"] and answer["mode"] == "extractive" and answer["answer"]
    assert set(answer["citations"][0]) == {"path", "heading", "anchor", "quote"}
    assert answer["citations"][0]["path"] == "01-foundations/balance-and-zmp.md"

    follow = json.loads(
        run(
            "ask",
            "and what is the support polygon?",
            "--course",
            "demo",
            "--conversation",
            answer["conversation_id"],
            "--json",
        ).stdout
    )
    assert follow["conversation_id"] == answer["conversation_id"]

    plain = run("ask", "max_rotation_attempts", "--course", "demo")
    assert plain.returncode == 0 and "Sources:" in plain.stdout and "recovery-behaviours.mdx" in plain.stdout

    batch = tmp_path / "questions.txt"
    batch.write_text("what is a ros 2 topic?\nhow do I knead sourdough bread?\n" + "x" * 2001 + "\n")
    lines = [
        json.loads(line)
        for line in run("ask", "--course", "demo", "--batch", str(batch), "--json").stdout.splitlines()
    ]
    assert lines[0]["covered"] and not lines[1]["covered"]
    assert "too long" in lines[2]["error"]

    chat = run("chat", "--course", "demo", stdin="what is a ros 2 topic?\n\n")
    assert chat.returncode == 0 and "book>" in chat.stdout and "Sources:" in chat.stdout

    usage = json.loads(run("usage", "--course", "demo", "--json").stdout)
    assert usage["questions"] == 6 and usage["not_covered"] == 1
    assert [u["question"] for u in usage["unanswered"]] == ["how do I knead sourdough bread?"]

    maintained = run("maintain")
    assert maintained.returncode == 0 and "conversations archived: 0" in maintained.stdout


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_ask_mistakes(run) -> None:
    empty = run("ask", "--course", "demo")
    assert empty.returncode == 1 and "Give a question" in empty.stderr
    other = run("ask", "hi", "--course", "demo", "--conversation", "not-a-real-id")
    assert other.returncode == 1 and "No conversation" in other.stderr
    assert "Traceback" not in empty.stderr + other.stderr
