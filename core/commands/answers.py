"""`studyhall ask | chat | maintain | usage`: answers from the book."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from core.app import App
from core.commands.common import print_json
from core.errors import InvalidInput, StudyhallError
from core.models.accounts import Course, User
from core.models.conversations import Answer

LOCAL_SUBJECT = "cli"  # the person at this terminal, as a local identity


def register(sub: argparse._SubParsersAction) -> None:
    ask = sub.add_parser("ask", help="ask the book a question")
    ask.add_argument("question", nargs="?", help="the question")
    ask.add_argument("--course", required=True)
    ask.add_argument("--module", help="only this module (folder name, label or number)")
    ask.add_argument("--selected", help="a passage quoted from the book, to ask about")
    ask.add_argument("--conversation", help="continue this conversation (its id)")
    ask.add_argument("--batch", type=Path, help="a file with one question per line (JSON lines out)")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.set_defaults(handler=ask_book)

    chat = sub.add_parser("chat", help="an interactive conversation with the book")
    chat.add_argument("--course", required=True)
    chat.add_argument("--module")
    chat.set_defaults(handler=chat_with_book)

    maintain = sub.add_parser("maintain", help="archive old conversations, purge what expired")
    maintain.set_defaults(handler=run_maintenance)

    usage = sub.add_parser("usage", help="what the class asked, and what the book lacks")
    usage.add_argument("--course", required=True)
    usage.add_argument("--days", type=int, default=30)
    usage.add_argument("--json", action="store_true")
    usage.set_defaults(handler=show_usage)


async def local_user(app: App, course: Course) -> User:
    """The person at this terminal (the operator), made a member of the course they ask, hidden
    from its leaderboard: asking from the CLI is the operator's explicit act, not a student's."""
    user = await app.accounts.resolve("local", LOCAL_SUBJECT, "Local user")
    await app.accounts.enroll(user.id, course.id, leaderboard_visible=False)
    return user


def answer_json(answer: Answer) -> dict:
    return {
        "answer": answer.text,
        "citations": [
            {"path": c.path, "heading": c.heading, "anchor": c.anchor, "quote": c.quote}
            for c in answer.citations
        ],
        "covered": answer.covered,
        "mode": answer.mode,
        "conversation_id": answer.conversation_id,
        "latency_ms": answer.latency_ms,
    }


def print_answer(answer: Answer) -> None:
    print(answer.text)
    if answer.citations:
        print("\nSources:")
        for number, c in enumerate(answer.citations, start=1):
            link = f"{c.path}#{c.anchor}" if c.anchor else c.path
            print(f"  [{number}] {' › '.join(c.headings) or c.heading} — {link}")
    if answer.notice:
        print(f"\n({answer.notice})")


async def ask_book(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course)
    user = await local_user(app, course)
    if args.batch:
        return await _batch(app, course, user, args)
    if not args.question:
        raise InvalidInput("question", "Give a question, or --batch FILE.")
    if args.json:
        answer = await app.answers.ask(
            course,
            user,
            args.question,
            module=args.module,
            selected_text=args.selected,
            conversation_id=args.conversation,
        )
        print_json(answer_json(answer))
        return 0
    await _stream(
        app,
        course,
        user,
        args.question,
        module=args.module,
        selected=args.selected,
        conversation_id=args.conversation,
    )
    return 0


async def _stream(
    app: App,
    course: Course,
    user: User,
    question: str,
    *,
    module: str | None,
    selected: str | None,
    conversation_id: str | None,
) -> Answer:
    streamed = False
    final: Answer | None = None
    async for item in app.answers.stream(
        course, user, question, module=module, selected_text=selected, conversation_id=conversation_id
    ):
        if isinstance(item, str):
            sys.stdout.write(item)
            sys.stdout.flush()
            streamed = True
        else:
            final = item
    assert final is not None
    if streamed and final.mode == "llm":
        print()
        final = final.model_copy(update={"text": ""})
    print_answer(final)
    return final


async def _batch(app: App, course: Course, user: User, args: argparse.Namespace) -> int:
    questions = [q.strip() for q in args.batch.read_text(encoding="utf-8").splitlines() if q.strip()]
    for question in questions:
        try:
            answer = await app.answers.ask(course, user, question, module=args.module)
            line = answer_json(answer)
        except StudyhallError as err:  # one bad line does not stop the batch
            line = {"question": question, "error": str(err)}
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


async def chat_with_book(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course)
    user = await local_user(app, course)
    if not app.answers.llm_available:
        print("(No ANTHROPIC_API_KEY: answers are the book's own sentences.)")
    print(f"Ask {course.name} anything; an empty line or Ctrl-D ends the chat.")
    conversation_id = None
    while True:
        try:
            question = await asyncio.to_thread(input, "\nyou> ")
        except EOFError:
            break
        if not question.strip():
            break
        try:
            print("book> ", end="")
            answer = await _stream(
                app,
                course,
                user,
                question,
                module=args.module,
                selected=None,
                conversation_id=conversation_id,
            )
            conversation_id = answer.conversation_id
        except StudyhallError as err:
            print(f"\n{err}")
    return 0


async def run_maintenance(app: App, args: argparse.Namespace) -> int:
    done = await app.maintenance.run()
    print(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in done.items()))
    return 0


async def show_usage(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course)
    report = await app.usage.report(course, days=args.days)
    if args.json:
        print_json(report.model_dump())
        return 0
    print(
        f"{course.name}, last {report.days} days: {report.questions} questions, "
        f"{report.not_covered} not covered by the book, {report.llm_fallbacks} LLM fallbacks, "
        f"{report.input_tokens + report.output_tokens} tokens; feedback +{report.helpful} "
        f"/ -{report.unhelpful}."
    )
    if report.retrievals_by_document:
        print("\nMost used chapters:")
        for path, count in report.retrievals_by_document[:10]:
            print(f"  {count:>5}  {path}")
    if report.unanswered:
        print("\nWhat the book does not cover (most recent first):")
        for item in report.unanswered:
            print(f"  - {item.question}")
    return 0
