"""After forget, no table holds the person: every table the migrations made is searched for their
id, Discord id, name, token name and question (security review, finding 7)."""

from __future__ import annotations

import json

from core.app import App
from tests.traces import all_tables, traces

DISCORD_ID = "800000000000004242"
NAME = "Zelda Secretname"
TOKEN_NAME = "zelda-laptop-7f3"
QUESTION = "How does a humanoid robot keep its balance, wonders zq9931?"


async def a_student_who_did_everything(app: App, course, clock):
    teacher = await app.accounts.resolve("discord", "800000000000000009", "Prof. Lin")
    await app.accounts.set_role(teacher.id, course.id, "instructor", surface="cli")
    bob = await app.accounts.resolve("discord", "800000000000000007", "Bob Bystander")
    await app.accounts.enter_course(bob.id, course.id)
    zelda = await app.accounts.resolve("discord", DISCORD_ID, NAME)
    await app.accounts.enter_course(zelda.id, course.id)
    await app.accounts.update_profile(zelda.id, experience_level="Advanced", interests=["balance"])

    answer = await app.answers.ask(course, zelda, QUESTION, surface="discord", channel_ref="discord:1:2")
    await app.conversations.feedback(zelda.id, answer.message_id, 1, "helpful, says zq9931")
    await app.public_posts.remember(
        zelda.id, answer.conversation_id, guild_id="700000000000000001", channel_id="71", message_id="72"
    )
    quiz = await app.quizzes.quiz(course, "week-1")
    await app.quizzes.submit(zelda, course, "week-1", [q.answer for q in quiz.questions])
    units = await app.tracking.units(course)
    await app.tracking.record_reading(zelda, course, units[1].chapters[0], 60, seconds=120)
    await app.tracking.mark(zelda, course, "week-2")
    await app.tracking.mark(bob, course, "week-1")
    kept = await app.tokens.create(zelda.id, TOKEN_NAME)
    gone = await app.tokens.create(zelda.id, TOKEN_NAME + "-old")
    await app.tokens.revoke(zelda.id, gone.record.id)
    await app.recommendations.next_for(zelda, course)
    await app.privacy.export(zelda.id)

    # Others write about her; she writes about others.
    await app.accounts.set_role(zelda.id, course.id, "ta", surface="discord", actor_id=teacher.id)
    await app.accounts.set_role(zelda.id, course.id, "student", surface="discord", actor_id=teacher.id)
    await app.accounts.set_role(bob.id, course.id, "ta", surface="discord", actor_id=zelda.id)
    await app.accounts.set_role(bob.id, course.id, "student", surface="discord", actor_id=zelda.id)

    clock.advance(days=7)  # the week ends: the next look freezes it with her on it
    board = await app.leaderboards.board(course)
    assert NAME in [r.display_name for r in board.rows]
    week = (await app.leaderboards.weeks(course))[0]
    frozen = await app.leaderboards.board(course, week=week)
    assert DISCORD_ID in [r.discord_id for r in frozen.rows]
    return zelda, bob, kept, week


def needles(zelda) -> dict[str, str]:
    return {
        "user id": zelda.id,
        "Discord id": DISCORD_ID,
        "name": "Secretname",
        "token name": TOKEN_NAME,
        "question": "zq9931",
    }


async def test_the_scan_sees_every_table_and_finds_her_before(book_app: App, course, clock) -> None:
    zelda, *_ = await a_student_who_did_everything(book_app, course, clock)
    tables = await all_tables(book_app.db)
    assert {"users", "audit_log", "leaderboard_snapshots", "messages"} <= set(tables)
    found = " ".join(await traces(book_app.db, needles(zelda)))
    for table in (
        "users",
        "identities",
        "api_tokens",
        "messages",
        "audit_log",
        "leaderboard_snapshots",
        "public_posts",
    ):
        assert f"{table}." in found


async def test_forget_leaves_no_trace_in_any_table(book_app: App, course, clock) -> None:
    zelda, bob, _, week = await a_student_who_did_everything(book_app, course, clock)
    async with book_app.store.read() as s:
        events = await s.conn.fetchval("SELECT COUNT(*) FROM audit_log WHERE event = 'role_changed'")

    await book_app.privacy.forget(zelda.id)

    assert await traces(book_app.db, needles(zelda)) == []
    # Her public answer waits, nobody's, for the bot to delete it.
    assert [p.message_id for p in await book_app.public_posts.orphaned()] == ["72"]
    # The audit keeps every event, without the person.
    async with book_app.store.read() as s:
        assert await s.conn.fetchval("SELECT COUNT(*) FROM audit_log WHERE event = 'role_changed'") == events
    # Bob is untouched: still on the frozen board, his role change still names him.
    frozen = await book_app.leaderboards.board(course, week=week)
    assert [r.display_name for r in frozen.rows] == ["Bob Bystander"]
    assert await traces(book_app.db, {"Bob": "Bystander"})


async def test_the_frozen_board_keeps_the_others_ranks(book_app: App, course, clock) -> None:
    zelda, bob, _, week = await a_student_who_did_everything(book_app, course, clock)
    before = await book_app.leaderboards.board(course, week=week)
    assert [(r.display_name, r.rank) for r in before.rows] == [(NAME, 1), ("Bob Bystander", 2)]
    await book_app.privacy.forget(zelda.id)
    after = await book_app.leaderboards.board(course, week=week)
    # Bob's rank is the one posted that week: nobody is promoted in the past.
    assert [(r.display_name, r.rank) for r in after.rows] == [("Bob Bystander", 2)]
    assert after.students == 1


async def test_export_includes_the_frozen_boards_she_is_on(book_app: App, course, clock) -> None:
    zelda, _, _, week = await a_student_who_did_everything(book_app, course, clock)
    data = await book_app.privacy.export(zelda.id)
    boards = data["leaderboard_snapshots"]
    assert [(b["course"], b["week_start"], b["row"]["rank"]) for b in boards] == [("sample", week, 1)]
    assert boards[0]["row"]["display_name"] == NAME
    assert "Bob Bystander" not in json.dumps(data)


async def test_hiding_hides_her_on_past_boards_too_and_showing_brings_her_back(
    book_app: App, course, clock
) -> None:
    zelda, _, _, week = await a_student_who_did_everything(book_app, course, clock)
    await book_app.accounts.set_leaderboard_visibility(zelda.id, False, surface="discord")
    hidden = await book_app.leaderboards.board(course, week=week, viewer_id=zelda.id)
    assert [(r.display_name, r.rank) for r in hidden.rows] == [("Bob Bystander", 2)]
    assert hidden.viewer is not None and hidden.viewer.rank == 1  # she still sees her own standing
    await book_app.accounts.set_leaderboard_visibility(zelda.id, True, surface="discord")
    shown = await book_app.leaderboards.board(course, week=week)
    assert [r.display_name for r in shown.rows] == [NAME, "Bob Bystander"]


def test_audit_details_lose_the_person_and_keep_the_event() -> None:
    from core.privacy import _without

    ids = {"181c562f-aaaa-bbbb-cccc-1234567890ab", DISCORD_ID, "pat"}
    about_someone_else = {"to": "ta", "by": "181c562f-aaaa-bbbb-cccc-1234567890ab", "note": "pat the dog"}
    assert _without(about_someone_else, ids, set(), dropping=False) == {
        "to": "ta",
        "by": None,
        "note": "pat the dog",  # a short login is blanked only as a whole value
    }
    own = {"name": "laptop", "scopes": ["read"], "where": f"discord:{DISCORD_ID}", "who": "pat"}
    assert _without(own, ids, {"laptop"}, dropping=True) == {"scopes": ["read"], "where": None, "who": None}
