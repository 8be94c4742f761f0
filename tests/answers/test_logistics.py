"""Questions about how the class is run (dates, rooms, deadlines…) are told apart from questions the
book answers, even when both use the book's words ("lab", "exam", "office hours", "extension")."""

from __future__ import annotations

import pytest

from core.answers.logistics import _PATTERNS, WHAT, logistics_kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When's the midterm, and is it open book?", "exams"),
        ("which room is the exam in?", "place"),
        ("what time does the lecture start tomorrow?", "schedule"),
        ("is the thursday lab cancelled?", "schedule"),
        ("is the report due at midnight or at 9am?", "deadline"),
        ("could I ask for a short extension on my capstone report?", "deadline"),
        ("what's the late penalty for the module 2 exercise?", "deadline"),
        ("how do I ask for a regrade?", "grades"),
        ("when will we get our marks back?", "grades"),
        ("what's the professor's email?", "contact"),
        ("did the TA say anything about the reading list?", "contact"),
        ("anyone have the zoom link for tonight?", "platform"),
        ("where do we upload the exercise write-ups?", "platform"),
        ("can I still enroll after the first week?", "enrolment"),
        ("can I switch into the other lab section?", "enrolment"),
        ("I missed Tuesday's lecture, was it recorded?", "attendance"),
        ("does the final exam cover module 4?", "exams"),
        ("does copying a launch file from a friend count as plagiarism?", "integrity"),
    ],
)
def test_class_logistics_are_recognised_by_the_kind_of_fact_asked(question: str, kind: str) -> None:
    assert logistics_kind(question) == kind


@pytest.mark.parametrize(
    "question",
    [
        # the book answers these, though they sound administrative
        "how long are lab sessions supposed to be?",
        "how many hours a week should instructors spend on office hours?",
        "what do I need to hand in for the module 1 assessment?",
        "what percent do I need on the module 3 assessment to get an A?",
        "how much of the final grade in module 1 comes from lab performance?",
        "what days of the week are for hands-on lab work in the 10 hour plan?",
        "are there extension activities for fast students in module 1?",
        # technical questions with a course word in them
        "when does the lab environment finish installing isaac sim?",
        "when is the class constructor called in rclpy?",
        "how do I get the extension manager in isaac sim?",
        "what does the deadline qos policy do in ros 2?",
        "which room does the robot go to first in the vla exercise?",
        "how do I zoom in rviz?",
        "what date format does the log use?",
        "how do I submit a goal to the nav2 action server?",
        "when is the final transform published?",
    ],
)
def test_book_questions_are_not_mistaken_for_logistics(question: str) -> None:
    assert logistics_kind(question) is None


def test_every_kind_has_words_for_the_answer() -> None:
    assert set(WHAT) == set(_PATTERNS)


def test_long_questions_stay_fast() -> None:
    import time

    question = ("how does the lab robot move its joints when the class runs the launch file " * 30)[:2000]
    started = time.perf_counter()
    logistics_kind(question)
    assert time.perf_counter() - started < 0.05
