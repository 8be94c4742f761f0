"""Personalised explanations and translations of a section, cached until the section changes.

An explanation is made for one student's level and kept 7 days; a translation is shared by
everyone and kept until the section's text changes. Code blocks are never translated.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from core import languages, validation
from core.accounts import Accounts
from core.answers.generate import complete_text, require_llm
from core.answers.llm import GroundedLlm
from core.books.reading import BookReader
from core.clock import Clock, utcnow
from core.models.accounts import Course, User
from core.quotas import Quotas
from core.staff import sees_staff_material
from core.store.session import Store

PERSONAL_TTL = timedelta(days=7)
_FENCE = re.compile(r"^(```+|~~~+)[^\n]*\n.*?^\1[ \t]*$", re.S | re.M)
_PLACEHOLDER = "[[CODE-{}]]"
WRITING = "Explaining or translating a section"


@dataclass(frozen=True)
class GeneratedText:
    text: str
    path: str
    anchor: str
    cached: bool
    model: str | None


class Explainer:
    def __init__(
        self,
        store: Store,
        reader: BookReader,
        accounts: Accounts,
        llm: GroundedLlm | None,
        clock: Clock = utcnow,
        *,
        quotas: Quotas | None = None,
    ):
        self._store = store
        self._reader = reader
        self._accounts = accounts
        self._llm = llm
        self._clock = clock
        self._quotas = quotas  # when set, what the LLM writes for a user counts as one question
        self._running: dict[tuple[str, ...], asyncio.Future[str]] = {}  # identical requests share one call

    async def explain(self, course: Course, user: User, path: str, anchor: str = "") -> GeneratedText:
        section = await self._reader.get_section(course, path, anchor, await self._sees_staff(course, user))
        profile = await self._accounts.profile(user.id)
        level = profile.experience_level or "Beginner"
        key = f"{user.id}|{section.path}#{section.anchor}|{level}"
        system = (
            "You explain one section of a course textbook to a student. Stay within what the section "
            f"says. The student's level is {level}: "
            + (
                "use plain words, short steps and an everyday analogy; define every term."
                if level == "Beginner"
                else "be precise and brief; assume the basics and focus on what is subtle."
            )
            + " Keep code identifiers exactly as written. Answer in Markdown."
        )
        return await self._generated(
            course,
            user,
            "explanation",
            key,
            section.markdown,
            system,
            f"Explain this section:\n\n{section.markdown}",
            section.path,
            section.anchor,
            ttl=PERSONAL_TTL,
        )

    async def translate(
        self, course: Course, path: str, anchor: str, language: str, *, user: User | None = None
    ) -> GeneratedText:
        """A translation shared by everyone; `user`, when given, is charged for writing a new one;
        staff-only pages are translated for the course's staff alone."""
        code = validation.language_code(language)
        section = await self._reader.get_section(course, path, anchor, await self._sees_staff(course, user))
        name = languages.name_of(code)
        prose, blocks = _protect_code(section.markdown)
        system = (
            f"Translate the Markdown you are given into {name}. Keep the Markdown structure, links and "
            "inline code unchanged, and copy every placeholder like [[CODE-0]] exactly, on its own "
            "line, where it stands. Reply with the translation only."
        )
        key = f"{section.path}#{section.anchor}|{code}"
        result = await self._generated(
            course,
            user,
            "translation",
            key,
            section.markdown,
            system,
            prose,
            section.path,
            section.anchor,
            ttl=None,
        )
        return GeneratedText(
            text=_restore_code(result.text, blocks),
            path=result.path,
            anchor=result.anchor,
            cached=result.cached,
            model=result.model,
        )

    async def _sees_staff(self, course: Course, user: User | None) -> bool:
        if user is None:
            return False
        return sees_staff_material(await self._accounts.enrollment(user.id, course.id))

    async def _generated(
        self,
        course: Course,
        user: User | None,
        kind: str,
        key: str,
        source: str,
        system: str,
        prompt: str,
        path: str,
        anchor: str,
        ttl: timedelta | None,
    ) -> GeneratedText:
        source_hash = hashlib.sha256(source.encode("utf-8")).hexdigest()
        now = self._clock()
        async with self._store.read() as s:
            row = await s.generated.get(course.id, kind, key)
        if row and row["source_hash"] == source_hash and not _expired(row["expires_at"], now):
            return GeneratedText(text=row["content"], path=path, anchor=anchor, cached=True, model=None)
        flight = (course.id, kind, key, source_hash)
        if flight in self._running:  # the same text is being written right now: wait for it, free
            text = await asyncio.shield(self._running[flight])
            return GeneratedText(text=text, path=path, anchor=anchor, cached=True, model=None)
        require_llm(self._llm, WRITING)  # before charging: without a key nothing is written
        charged = None
        if self._quotas is not None and user is not None:
            charged = await self._quotas.take_generation(course, user.id)
        owner = user.id if kind == "explanation" and user else None
        task = asyncio.ensure_future(
            self._write(course, owner, kind, key, source_hash, system, prompt, now, ttl)
        )
        self._running[flight] = task
        task.add_done_callback(lambda _: self._running.pop(flight, None))
        try:
            text = await asyncio.shield(task)
        except Exception:
            if self._quotas is not None and user is not None:
                await self._quotas.give_back(course, user.id, charged)
            raise
        return GeneratedText(text=text, path=path, anchor=anchor, cached=False, model=self._llm.model)

    async def _write(
        self,
        course: Course,
        owner_id: str | None,
        kind: str,
        key: str,
        source_hash: str,
        system: str,
        prompt: str,
        now: datetime,
        ttl: timedelta | None,
    ) -> str:
        text, tokens_in, tokens_out = await complete_text(self._llm, WRITING, system, prompt)
        async with self._store.transaction() as s:
            await s.generated.put(
                course.id,
                owner_id,
                kind,
                key,
                source_hash,
                text,
                {"input_tokens": tokens_in, "output_tokens": tokens_out},
                now,
                now + ttl if ttl else None,
            )
        return text


def _expired(expires_at: datetime | str | None, now: datetime) -> bool:
    """SQLite hands timestamps back as ISO text, PostgreSQL as datetimes."""
    if expires_at is None:
        return False
    moment = datetime.fromisoformat(expires_at) if isinstance(expires_at, str) else expires_at
    return moment <= now


def _protect_code(markdown: str) -> tuple[str, list[str]]:
    blocks: list[str] = []

    def keep(match: re.Match) -> str:
        blocks.append(match.group(0))
        return _PLACEHOLDER.format(len(blocks) - 1)

    return _FENCE.sub(keep, markdown), blocks


def _restore_code(text: str, blocks: list[str]) -> str:
    for number, block in enumerate(blocks):
        placeholder = _PLACEHOLDER.format(number)
        text = text.replace(placeholder, block) if placeholder in text else text + "\n\n" + block
    return text
