"""Leaderboards: rank by course completion, then quiz average; equals share a rank and are listed
by who got there first. Students who opted out are left off the board but still see their own
rank. Each week's board is frozen when the course's leaderboard day begins, and stays viewable."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from core import validation
from core.clock import Clock, utcnow
from core.errors import InvalidInput, NotFound
from core.models.accounts import Course
from core.models.progress import Board, BoardRow
from core.progress.tracking import standing_from_rows
from core.store.session import Store

SNAPSHOT_ROWS = 1000  # frozen boards keep this many visible students
MAX_LIMIT = 100
UNNAMED = "Unnamed student"
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2999  # the weeks a board can have been frozen in


def week_start(moment: datetime, day: int) -> date:
    """The start (00:00 UTC on the course's leaderboard day) of the week `moment` falls in."""
    today = moment.date()
    return today - timedelta(days=(today.weekday() - day) % 7)


class Leaderboards:
    def __init__(self, store: Store, clock: Clock = utcnow):
        self._store = store
        self._clock = clock

    async def board(
        self, course: Course, *, week: str | None = None, viewer_id: str | None = None, limit: int = 10
    ) -> Board:
        validation.whole_number("limit", limit, 1, MAX_LIMIT)
        await self.freeze_due(course)
        if week is not None:
            return await self._frozen(course, _week_key(week, course.leaderboard_day), viewer_id, limit)
        async with self._store.read() as s:
            rows = await self._visible_top(s, course.id, limit)
            students = await s.leaderboards.students(course.id)
            viewer, hidden, quizzed = None, False, True
            if viewer_id is not None:
                own = await s.leaderboards.standing(course.id, viewer_id)
                if own is not None:
                    ahead = await s.leaderboards.better_than(
                        course.id, own["completion"], own["quiz_average"]
                    )
                    viewer, hidden = _row(own, ahead + 1), not own["leaderboard_visible"]
                    quizzed = await s.leaderboards.took_a_quiz(course.id, viewer_id)
        return Board(
            course=course.slug,
            week_start=None,
            rows=rows,
            viewer=viewer,
            viewer_hidden=hidden,
            viewer_took_a_quiz=quizzed,
            students=students,
        )

    async def freeze_due(self, course: Course) -> str | None:
        """Freeze last week's board if its week has ended and nobody froze it yet: the standings as
        they were when the week ended, as far as the stored progress tells (see _standings_at).
        A week that ended before the course existed, or before anyone enrolled, has no board."""
        ended = week_start(self._clock(), course.leaderboard_day) - timedelta(days=7)
        key = ended.isoformat()
        end = datetime(ended.year, ended.month, ended.day, tzinfo=UTC) + timedelta(days=7)
        if course.created_at >= end:
            return None
        async with self._store.read() as s:
            if await s.leaderboards.snapshot(course.id, key) is not None:
                return None
            rows = await self._standings_at(s, course, end)
        if not rows:
            return None
        async with self._store.transaction() as s:
            saved = await s.leaderboards.save_snapshot(
                course.id, key, [r.model_dump(mode="json") for r in rows], self._clock()
            )
        return key if saved else None

    async def _standings_at(self, s, course: Course, end: datetime) -> list[BoardRow]:
        """The visible students enrolled by `end`, ranked by their standing at `end`. A standing
        unchanged since then is exact; one that changed is counted again from the unit rows
        last changed by `end` (marked `estimated`: what changed later is not counted)."""
        records = await s.leaderboards.standings_at(course.id, end)
        if not records:
            return []
        rows = [_row(r, 0) for r in records]
        if any(r["changed_since"] for r in records):
            units = await s.progress.units(course.id)
            kept: dict[str, dict[str, dict]] = {}
            for unit_row in await s.progress.unit_rows_until(course.id, end):
                kept.setdefault(unit_row["user_id"], {})[unit_row["unit_key"]] = dict(unit_row)
            for i, record in enumerate(records):
                if record["changed_since"]:
                    mine = kept.get(record["user_id"], {})
                    completion, quiz = standing_from_rows(units, mine, course.self_marked_counts)
                    reached = max((u["updated_at"] for u in mine.values()), default=None)
                    rows[i] = rows[i].model_copy(
                        update={
                            "completion": completion,
                            "quiz_average": quiz,
                            "reached_at": _moment(reached),
                            "took_a_quiz": any(u["best_quiz_score"] is not None for u in mine.values()),
                            "estimated": True,
                        }
                    )
        far = datetime.max.replace(tzinfo=UTC)
        rows.sort(key=lambda r: (-r.completion, -r.quiz_average, r.reached_at or far, r.user_id))
        visible = {r["user_id"] for r in records if r["leaderboard_visible"]}
        ranked: list[BoardRow] = []
        rank, previous = 0, None
        for seen, row in enumerate(rows, start=1):
            if (row.completion, row.quiz_average) != previous:
                rank, previous = seen, (row.completion, row.quiz_average)
            if row.user_id in visible:
                ranked.append(row.model_copy(update={"rank": rank}))
                if len(ranked) == SNAPSHOT_ROWS:
                    break
        return ranked

    async def last_week(self, course: Course, *, limit: int = 10) -> Board | None:
        """The frozen board of the week that just ended (frozen now if due); None when it has none,
        as when nobody was enrolled yet. The weekly post shows this."""
        await self.freeze_due(course)
        key = (week_start(self._clock(), course.leaderboard_day) - timedelta(days=7)).isoformat()
        async with self._store.read() as s:
            if await s.leaderboards.snapshot(course.id, key) is None:
                return None
        return await self._frozen(course, key, None, limit)

    async def weeks(self, course: Course) -> list[str]:
        async with self._store.read() as s:
            return await s.leaderboards.weeks(course.id)

    async def _frozen(self, course: Course, key: str, viewer_id: str | None, limit: int) -> Board:
        async with self._store.read() as s:
            stored = await s.leaderboards.snapshot(course.id, key)
            weeks = await s.leaderboards.weeks(course.id)
        if stored is None:
            hint = f"Frozen weeks: {', '.join(weeks[:8])}." if weeks else "No week has been frozen yet."
            raise NotFound("leaderboard for the week of", key, hint)
        every = [BoardRow.model_validate(r) for r in stored]
        # Hiding reaches back: who is hidden now is left off past boards too (and back on when
        # they show themselves again); the others keep the rank they were posted with.
        async with self._store.read() as s:
            hidden = await s.leaderboards.hidden_students(course.id)
        rows = [r for r in every if r.user_id not in hidden]
        viewer = next((r for r in every if r.user_id == viewer_id), None) if viewer_id else None
        return Board(
            course=course.slug,
            week_start=key,
            rows=rows[:limit],
            viewer=viewer,
            viewer_hidden=viewer_id in hidden,
            students=len(every),
            frozen_late=any(r.estimated for r in every),
        )

    async def _visible_top(self, s, course_id: str, limit: int) -> list[BoardRow]:
        """The first `limit` visible students, ranked among all students (hidden ones included)."""
        rows: list[BoardRow] = []
        offset, page = 0, max(limit * 2, 50)
        rank, previous, seen = 0, None, 0
        while len(rows) < limit:
            batch = await s.leaderboards.page(course_id, page, offset)
            for record in batch:
                seen += 1
                key = (record["completion"], record["quiz_average"])
                if key != previous:
                    rank, previous = seen, key
                if record["leaderboard_visible"]:
                    rows.append(_row(record, rank))
                    if len(rows) == limit:
                        break
            if len(batch) < page:
                break
            offset += page
        return rows


def _row(record: dict, rank: int) -> BoardRow:
    return BoardRow(
        rank=rank,
        user_id=record["user_id"],
        display_name=_public_name(record["display_name"], record["discord_id"]),
        discord_id=record["discord_id"],
        completion=round(float(record["completion"]), 2),
        quiz_average=round(float(record["quiz_average"]), 2),
        reached_at=record["reached_at"],
        took_a_quiz=bool(record["took_a_quiz"]),
    )


def _moment(value: datetime | str | None) -> datetime | None:
    """A stored timestamp (SQLite keeps ISO text) as an aware datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _public_name(name: str, discord_id: str | None) -> str:
    """Boards are public: a name that is only a placeholder holding the Discord id (a student the
    CLI added before they ever used Discord) is shown as no name, never as the id."""
    return UNNAMED if discord_id and discord_id in name else name


def _week_key(week: str, day: int) -> str:
    """A week named by a date inside it (YYYY-MM-DD) or an ISO week (YYYY-Www)."""
    text = week.strip()
    iso = _WEEK.match(text)
    try:
        moment = date.fromisocalendar(int(iso[1]), int(iso[2]), 1) if iso else date.fromisoformat(text)
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # no board so far off; 0001-01-01 overflowed
            raise ValueError(moment.year)
        start = datetime(moment.year, moment.month, moment.day)
        return week_start(start, day).isoformat()
    except (ValueError, OverflowError) as err:
        raise InvalidInput(
            "week",
            f"{week!r} is not a week: give a date (2026-11-16) or an ISO week (2026-W47), "
            f"from {FIRST_YEAR} to {LAST_YEAR}.",
        ) from err
