"""The search query the core builds for a question: never longer than the search accepts."""

from __future__ import annotations

from core.answers.service import MAX_QUESTION_CHARS, search_query
from core.books.search import MAX_QUERY_CHARS


def test_a_short_question_and_its_earlier_one_are_searched_together() -> None:
    assert search_query("And its limits?", "What is the zero moment point?") == (
        "What is the zero moment point? And its limits?"
    )


def test_a_question_longer_than_a_search_is_searched_by_its_start() -> None:
    question = ("the zero moment point " * 80).strip()
    assert len(question) <= MAX_QUESTION_CHARS
    query = search_query(question)
    assert len(query) <= MAX_QUERY_CHARS and question.startswith(query)
    assert question[len(query)] == " "  # cut between words


def test_the_earlier_question_fills_only_the_room_left() -> None:
    question = "x" * 990
    query = search_query(question, "support polygon " * 50)
    assert len(query) <= MAX_QUERY_CHARS and query.endswith(question)
    long_follow_up = "y " * 900
    assert search_query(long_follow_up, "support polygon " * 50) == search_query(long_follow_up)
