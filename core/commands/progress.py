"""`studyhall units | progress | leaderboard | report | quiz results | recommend`: the class's progress."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from core.app import App
from core.commands.common import print_json, user_by_discord_id, user_for_discord_id
from core.progress.reports import KINDS


def register(sub: argparse._SubParsersAction) -> None:
    units = sub.add_parser("units", help="a course's units (weeks or modules) and their chapters")
    units.add_argument("--course", required=True)
    units.add_argument("--json", action="store_true")
    units.set_defaults(handler=show_units)

    progress = sub.add_parser("progress", help="a student's progress")
    actions = progress.add_subparsers(dest="action", required=True, metavar="ACTION")
    complete = actions.add_parser("complete", help="mark a unit complete (or --undo)")
    complete.add_argument("unit", help="unit id, e.g. week-3 or module1-ros2")
    complete.add_argument("--discord-id", required=True)
    complete.add_argument("--course", required=True)
    complete.add_argument("--undo", action="store_true", help="mark it not complete")
    complete.set_defaults(handler=complete_unit)
    show = actions.add_parser("show", help="show a student's progress")
    show.add_argument("--discord-id", required=True)
    show.add_argument("--course", required=True)
    show.add_argument("--json", action="store_true")
    show.add_argument("--png", type=Path, help="also draw it to this PNG file")
    show.set_defaults(handler=show_progress)

    board = sub.add_parser("leaderboard", help="the course's leaderboard (live, or a frozen week)")
    board.add_argument("--course", required=True)
    board.add_argument("--week", help="a frozen week: a date in it (2026-11-16) or an ISO week (2026-W47)")
    board.add_argument("--limit", type=int, default=10)
    board.add_argument("--json", action="store_true")
    board.add_argument("--png", type=Path, help="draw the board to this PNG file")
    board.set_defaults(handler=show_leaderboard)

    report = sub.add_parser("report", help="instructor reports as CSV")
    report.add_argument("kind", choices=KINDS)
    report.add_argument("--course", required=True)
    report.add_argument("--csv", type=Path, required=True, help="file to write")
    report.set_defaults(handler=write_report)

    quiz = sub.add_parser("quiz", help="a unit's quiz: per-question results")
    quiz_actions = quiz.add_subparsers(dest="action", required=True, metavar="ACTION")
    results = quiz_actions.add_parser(
        "results", help="attempts, %% right per question, the wrong choice chosen most, scores"
    )
    results.add_argument("unit", help="unit id, e.g. week-3 or module1-ros2")
    results.add_argument("--course", required=True)
    results.add_argument("--json", action="store_true")
    results.set_defaults(handler=show_quiz_results)

    recommend = sub.add_parser("recommend", help="what a student could read next, and why")
    recommend.add_argument("--discord-id", required=True)
    recommend.add_argument("--course", required=True)
    recommend.add_argument("--json", action="store_true")
    recommend.set_defaults(handler=show_recommendations)


async def show_units(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course)
    units = await app.tracking.units(course)
    if args.json:
        print_json([{"id": u.id, "title": u.title, "chapters": u.chapters} for u in units])
    elif not units:
        print(f"No units: ingest the book first (studyhall ingest PATH --course {course.slug}).")
    for unit in [] if args.json else units:
        print(f"{unit.id:<20} {unit.title}")
        for chapter in unit.chapters:
            print(f"{'':<20}   {chapter}")
    return 0


async def complete_unit(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course)
    user = await user_for_discord_id(app, args.discord_id)
    # The operator names the course: marking a student's unit there is enrolling them explicitly.
    await app.accounts.enroll(user.id, course.id)
    unit = await app.tracking.mark(user, course, args.unit, completed=not args.undo)
    print(
        f"{unit.title}: {'completed' if unit.completed else 'not completed'} ({unit.completion_pct}% read)."
    )
    return 0


async def show_progress(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course)
    user = await user_by_discord_id(app, args.discord_id)
    progress = await app.tracking.show(user, course)
    if args.png:
        from core.progress import charts  # matplotlib loads only when a chart is asked for

        png = charts.student_progress_chart(
            [
                charts.StudentUnit(
                    unit_id=u.unit_id,
                    title=u.title,
                    completion=100 if u.completed else u.completion_pct,
                    completed=u.completed,
                    best_quiz=u.best_quiz_score,
                )
                for u in progress.units
            ],
            title=f"{user.display_name} — {course.name}",
        )
        args.png.write_bytes(png)
    if args.json:
        print_json(progress.model_dump(mode="json"))
        return 0
    average = "—" if progress.quiz_average is None else f"{progress.quiz_average:.0f}"
    print(f"{course.name}: {progress.completion:.0f}% complete, quiz average {average}")
    for u in progress.units:
        mark = "✓" if u.completed else " "
        quiz = "" if u.best_quiz_score is None else f"  best quiz {u.best_quiz_score:.0f}"
        print(f"  [{mark}] {u.unit_id:<20} {u.completion_pct:>3}% read{quiz}")
    return 0


async def show_leaderboard(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course)
    board = await app.leaderboards.board(course, week=args.week, limit=args.limit)
    if args.png:
        from core.progress import charts

        title = f"{course.name} — " + (f"week of {board.week_start}" if board.week_start else "leaderboard")
        args.png.write_bytes(
            charts.leaderboard_chart(
                [
                    charts.BoardRow(
                        rank=r.rank, name=r.display_name, completion=r.completion, quiz_average=r.quiz_average
                    )
                    for r in board.rows
                ],
                title=title,
            )
        )
    if args.json:
        print_json(
            [
                {
                    "rank": r.rank,
                    "discord_id": r.discord_id,
                    "display_name": r.display_name,
                    "completion": r.completion,
                    "quiz_average": r.quiz_average,
                }
                for r in board.rows
            ]
        )
        return 0
    when = f"week of {board.week_start}" if board.week_start else "now"
    print(f"{course.name} — leaderboard ({when}, {board.students} students)")
    if not board.rows:
        print("  Nobody on the board yet.")
    for r in board.rows:
        print(f"  {r.rank:>3}. {r.display_name:<28} {r.completion:>5.1f}%  quiz {r.quiz_average:>5.1f}")
    return 0


async def write_report(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course)
    text = await app.reports.csv(course, args.kind)
    args.csv.write_text(text, encoding="utf-8")
    print(f"Wrote the {args.kind} report of {course.slug!r} to {args.csv} ({text.count(chr(10)) - 1} rows).")
    return 0


async def show_quiz_results(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course)
    results = await app.quizzes.results(course, args.unit)
    if args.json:
        print_json(
            {
                **dataclasses.asdict(results),
                "questions": [
                    {**dataclasses.asdict(q), "pct_correct": q.pct_correct} for q in results.questions
                ],
            }
        )
        return 0
    print(f"{results.title} ({results.unit_id})")
    if results.earlier_attempts:
        print(f"  {results.earlier_attempts} attempt(s) on an earlier version of the quiz are not counted.")
    if not results.attempts:
        print("  No student has taken this version of the quiz yet.")
        return 0
    print(
        f"  {results.attempts} attempt(s) by {len(results.students)} student(s), "
        f"average score {results.average_score:g}%"
    )
    for q in results.questions:
        print(f"  {q.number:>2}. {q.pct_correct:>5.1f}% right ({q.correct}/{q.answered})  {q.question}")
        if q.common_wrong is not None:
            print(f"      most chosen wrong: {q.common_wrong!r} ({q.common_wrong_count})")
    print("Best score per student:")
    for s in results.students:
        print(f"  {s.name:<28} best {s.best:>5.1f}%  last {s.last:>5.1f}%  attempts {s.attempts}")
    return 0


async def show_recommendations(app: App, args: argparse.Namespace) -> int:
    course = await app.courses.get(args.course)
    user = await user_by_discord_id(app, args.discord_id)
    picks = await app.recommendations.next_for(user, course)
    if args.json:
        print_json([{"path": r.path, "title": r.title, "score": r.score, "reason": r.reason} for r in picks])
        return 0
    if not picks:
        print("Nothing left to recommend: every chapter is read.")
    for r in picks:
        print(f"{r.score:.2f}  {r.title} — {r.path}\n      {r.reason}")
    return 0
