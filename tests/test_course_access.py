"""The core's course access, on both databases: membership decides, nothing enrols by itself, and
each course keeps the name a member goes by there."""

from __future__ import annotations

import pytest

from core.app import App
from core.errors import NotFound, NotMember, TokenNotForCourse


async def test_a_non_member_records_nothing_and_is_not_enrolled(book_app: App, course) -> None:
    stranger = await book_app.accounts.resolve("discord", "300000000000000001", "Stranger")
    with pytest.raises(NotMember, match="not in the course Sample Book"):
        await book_app.tracking.mark(stranger, course, "week-1")
    with pytest.raises(NotMember):
        await book_app.tracking.record_reading(stranger, course, "01-foundations/sensors.md", 50)
    with pytest.raises(NotMember):
        await book_app.answers.ask(course, stranger, "What is a sensor?")
    assert await book_app.accounts.enrollment(stranger.id, course.id) is None
    assert (await book_app.leaderboards.board(course)).students == 0


async def test_access_needs_membership_and_a_token_for_this_course(book_app: App, course) -> None:
    other = await book_app.courses.create("other", "Other Class")
    ada = await book_app.accounts.resolve("discord", "300000000000000002", "Ada")
    with pytest.raises(NotMember):
        await book_app.access.require(ada, course)
    await book_app.accounts.enroll(ada.id, course.id)
    assert (await book_app.access.require(ada, course)).role == "student"
    assert (await book_app.access.require(ada, course, token_course_id=course.id)).role == "student"
    with pytest.raises(TokenNotForCourse, match="only for the course 'other'"):
        await book_app.access.require(ada, course, token_course_id=other.id)
    bound = await book_app.tokens.create(ada.id, "laptop", course_id=other.id)
    assert (await book_app.tokens.verify(bound.token))[1].course_id == other.id
    with pytest.raises(NotFound):
        await book_app.tokens.create(ada.id, "nowhere", course_id="00000000-0000-0000-0000-000000000000")


async def test_each_course_shows_the_name_used_there(book_app: App, course, clock) -> None:
    second = await book_app.courses.create("robotics-2", "Robotics II")
    ada = await book_app.accounts.resolve("discord", "300000000000000003", "xX_ada_Xx")
    await book_app.accounts.enter_course(ada.id, course.id, display_name="Ada Lovelace (Section 2)")
    await book_app.accounts.enter_course(ada.id, second.id, display_name="Ada L.")
    quiz = await book_app.quizzes.quiz(course, "week-1")
    await book_app.quizzes.submit(ada, course, "week-1", [q.answer for q in quiz.questions])
    assert [r.display_name for r in (await book_app.leaderboards.board(course)).rows] == [
        "Ada Lovelace (Section 2)"
    ]
    assert [r.display_name for r in (await book_app.leaderboards.board(second)).rows] == ["Ada L."]
    assert "Ada Lovelace (Section 2)" in await book_app.reports.csv(course, "quizzes")
    assert (await book_app.accounts.get(ada.id)).display_name == "xX_ada_Xx"
    clock.advance(minutes=1)  # a new nickname shows at once, however recent the last visit
    await book_app.accounts.enter_course(ada.id, course.id, display_name="Ada")
    assert [r.display_name for r in (await book_app.leaderboards.board(course)).rows] == ["Ada"]


async def test_a_placeholder_name_holding_the_discord_id_is_never_shown(book_app: App, course) -> None:
    added = await book_app.accounts.resolve("discord", "300000000000000004", "discord:300000000000000004")
    await book_app.accounts.enroll(added.id, course.id)
    assert [r.display_name for r in (await book_app.leaderboards.board(course)).rows] == ["Unnamed student"]
