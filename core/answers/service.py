"""Ask the book: retrieval, the "does the book answer this?" decision, a grounded answer (LLM
with native citations, or extractive without one), and the record of it all.

`stream` yields text deltas while an LLM answer is being written, then exactly one final
`Answer`, which is authoritative: if the LLM fails midway, the final answer is the extractive
one and says so in `notice`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from core import validation
from core.accounts import Accounts
from core.answers import extractive
from core.answers.coverage import CoverageModel
from core.answers.links import confine_links
from core.answers.llm import GroundedLlm, LlmUnavailable, Passage, Turn
from core.answers.logistics import WHAT, logistics_kind
from core.books.library import Library
from core.books.search import MAX_QUERY_CHARS, MAX_SELECTED_CHARS
from core.conversations import Conversations
from core.errors import InvalidInput
from core.models.accounts import Course, Enrollment, User
from core.models.books import SearchFilters, SearchHit
from core.models.conversations import Answer, Citation, SectionRef, citation_of
from core.quotas import Quotas
from core.staff import sees_staff_material

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000  # the one limit on a question, on every surface (the search's is lower)
PASSAGES = 6  # retrieved passages an answer may draw on
HISTORY_MESSAGES = 10  # earlier messages carried into a follow-up
CLOSEST = 3  # sections named when the book does not answer
SURFACES = ("discord", "mcp", "cli")
LLM_UNAVAILABLE = "The AI model is unavailable right now, so these are the book's own words."


class Answers:
    def __init__(
        self,
        *,
        library: Library,
        accounts: Accounts,
        conversations: Conversations,
        quotas: Quotas,
        llm: GroundedLlm | None,
        coverage: CoverageModel | None = None,
    ):
        self._library = library
        self._accounts = accounts
        self._conversations = conversations
        self._quotas = quotas
        self._llm = llm
        self.coverage = coverage or CoverageModel()

    def using(
        self,
        *,
        llm: GroundedLlm | None,
        coverage: CoverageModel | None = None,
        library: Library | None = None,
    ) -> Answers:
        """The same service over another LLM (or none), e.g. for benchmarks and tests."""
        return Answers(
            library=library or self._library,
            accounts=self._accounts,
            conversations=self._conversations,
            quotas=self._quotas,
            llm=llm,
            coverage=coverage or self.coverage,
        )

    @property
    def llm_available(self) -> bool:
        return self._llm is not None and self._llm.available

    async def ask(self, course: Course, user: User, question: str, **options: Any) -> Answer:
        final: Answer | None = None
        async for item in self.stream(course, user, question, **options):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    async def stream(
        self,
        course: Course,
        user: User,
        question: str,
        *,
        module: str | None = None,
        selected_text: str | None = None,
        conversation_id: str | None = None,
        surface: str = "cli",
        channel_ref: str | None = None,
        public: bool = False,
    ) -> AsyncIterator[str | Answer]:
        """`public`: the answer is shown to others too (a public message in a class channel), so it
        draws on no staff-only page, whoever asks."""
        started = time.perf_counter()
        question, selected, enrollment, staff, history, filters = await self._understood(
            course, user, question, module, selected_text, conversation_id, surface, public
        )
        # Charged once everything the student typed is known to be good; given back unless the
        # question is answered (and recorded), whatever goes wrong on the way.
        charged = await self._quotas.charge_question(course, user.id, enrollment.role)
        answered = False
        try:
            async for item in self._answer(
                course,
                user,
                question,
                module,
                selected,
                conversation_id,
                surface,
                channel_ref,
                history,
                filters,
                started,
                staff,
            ):
                answered = answered or isinstance(item, Answer)
                yield item
        finally:
            if not answered and charged is not None:
                await self._quotas.give_back(course, user.id, charged)

    async def check(
        self,
        course: Course,
        user: User,
        question: str,
        *,
        module: str | None = None,
        selected_text: str | None = None,
        conversation_id: str | None = None,
        surface: str = "cli",
        public: bool = False,
    ) -> None:
        """Would `stream` refuse this question (what was typed, the module, the conversation, the
        hour's quota)? Raises the same error it would, counting and recording nothing; quick, so a
        front end can tell the asker before it shows anything to others."""
        _, _, enrollment, *_ = await self._understood(
            course, user, question, module, selected_text, conversation_id, surface, public
        )
        await self._quotas.check_question(course, user.id, enrollment.role)

    async def _understood(
        self,
        course: Course,
        user: User,
        question: str,
        module: str | None,
        selected_text: str | None,
        conversation_id: str | None,
        surface: str,
        public: bool,
    ) -> tuple[str, str | None, Enrollment, bool, list, SearchFilters | None]:
        """The question checked and read: clean question, selected text, enrollment, whether staff
        pages may be searched, the conversation so far, the module filter."""
        question = _clean_question(question)
        selected = validation.free_text("selected text", selected_text, max_chars=MAX_SELECTED_CHARS) or None
        if surface not in SURFACES:
            raise InvalidInput("surface", f"Unknown surface {surface!r}.")
        enrollment = await self._accounts.member(user.id, course)  # only members ask a course's book
        # Staff-only pages are searched for staff alone: a student's answer never draws on them.
        staff = sees_staff_material(enrollment) and not public
        history = []
        if conversation_id:
            _, history = await self._conversations.continue_(
                user.id, course.id, conversation_id, HISTORY_MESSAGES
            )
        filters = None
        if module:
            filters = SearchFilters(module=await self._library.reader.resolve_module(course, module, staff))
        return question, selected, enrollment, staff, history, filters

    async def _answer(
        self,
        course: Course,
        user: User,
        question: str,
        module: str | None,
        selected: str | None,
        conversation_id: str | None,
        surface: str,
        channel_ref: str | None,
        history: list,
        filters: SearchFilters | None,
        started: float,
        staff: bool,
    ) -> AsyncIterator[str | Answer]:
        # A follow-up ("and what about its limits?") is searched with the question before it.
        earlier = next((m.content for m in reversed(history) if m.role == "user"), "")
        query = search_query(question, earlier)
        result = await self._library.search(
            course, query, limit=PASSAGES, filters=filters, selected_text=selected, staff=staff
        )
        hits = result.hits
        # How this class is run (its dates, rooms, deadlines…) is the instructor's to answer, never the
        # book's, whatever passages it matches; judged on the student's own words, not the follow-up query.
        logistics = logistics_kind(question)
        covered = bool(hits) and logistics is None
        if covered and not selected:
            signals = await self._library.signals(course, query, hits, filters, staff=staff)
            covered = self.coverage.covered(signals, lexical_only=result.lexical_only)

        # A decline inside a module says only that the module lacks it: the rest of the book was
        # not searched (a class question is the instructor's wherever it is asked).
        scope = None
        if filters is not None and filters.module and logistics is None:
            scope = await self._library.reader.module_label(course, filters.module, staff)
        text, citations, mode, notice = "", [], "extractive", None
        model, tokens_in, tokens_out = None, 0, 0
        usage: list[tuple[str, int, str | None]] = [("question", 1, None)]
        if not covered:
            text = _decline(hits, logistics, scope)
            usage.append(("not_covered", 1, None))
        elif self.llm_available and course.answer_mode != "extractive":
            try:
                profile = await self._accounts.profile(user.id)
                async for item in self._llm.stream(  # type: ignore[union-attr]
                    question,
                    [_passage(h) for h in hits],
                    history=_turns(history),
                    level=profile.experience_level,
                    style=course.answer_style,
                    selected_text=selected,
                    model=course.llm_model,
                ):
                    if isinstance(item, str):
                        yield item
                    else:
                        text, mode, model = confine_links(item.text, course.book_url), "llm", item.model
                        tokens_in, tokens_out = item.input_tokens, item.output_tokens
                        citations = _mapped(item.citations, hits)
            except LlmUnavailable as err:
                # The reason (the gateway's own words) is for the operator's log, never the student.
                log.warning("LLM unavailable, answering extractively: %s", err.reason)
                notice = LLM_UNAVAILABLE
                usage.append(("llm_fallback", 1, None))
        if covered and mode == "extractive":
            text, citations = extractive.compose(question, hits)
            if not text:
                text = "The most relevant parts of the book are code; see the sources below."
                citations = [citation_of(h, h.highlight) for h in hits[:3]]
            if notice is None and not self.llm_available:
                notice = "Extractive answer: no AI model is configured, so these are the book's own words."
        usage.append(("answer", 1, None))
        usage += [("input_tokens", tokens_in, None), ("output_tokens", tokens_out, None)]
        usage += [("retrieval", 1, path) for path in dict.fromkeys(h.path for h in hits)]
        latency = int((time.perf_counter() - started) * 1000)
        answer_text = text[:10_000]
        unit = module or None
        conversation_id, message_id = await self._conversations.record(
            course_id=course.id,
            user_id=user.id,
            surface=surface,
            question=question,
            answer=answer_text,
            conversation_id=conversation_id,
            channel_ref=channel_ref,
            question_fields={"mode": _query_mode(module, selected), "selected_text": selected, "unit": unit},
            answer_fields={
                "mode": _query_mode(module, selected),
                "answer_mode": mode,
                "covered": covered,
                "selected_text": selected,
                "unit": unit,
                "latency_ms": latency,
                "model": model,
                "input_tokens": tokens_in,
                "output_tokens": tokens_out,
                "citations": [c.model_dump() for c in citations],
            },
            usage=usage,
        )
        yield Answer(
            text=answer_text,
            citations=citations,
            covered=covered,
            mode=mode,
            model=model,
            latency_ms=latency,
            input_tokens=tokens_in,
            output_tokens=tokens_out,
            conversation_id=conversation_id,
            message_id=message_id,
            closest=[] if covered else [_ref(h) for h in hits[:CLOSEST]],
            notice=notice,
            scope=scope,
        )


def _clean_question(question: str) -> str:
    text = validation.free_text("question", question, max_chars=MAX_QUESTION_CHARS)
    if not text:
        raise InvalidInput("question", "The question is empty: ask something about the book.")
    return text


def search_query(question: str, earlier: str = "") -> str:
    """What is searched for a question: the question (its start, when longer than the search takes),
    after as much of the earlier question as still fits. A question may be longer than a search
    query; the answer and the record keep it whole."""
    query = _clipped(question, MAX_QUERY_CHARS)
    room = MAX_QUERY_CHARS - len(query) - 1
    context = _clipped(earlier, room) if earlier and room > 0 else ""
    return f"{context} {query}" if context else query


def _clipped(text: str, limit: int) -> str:
    """At most `limit` characters of `text`, cut between words when there is a space to cut at."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if not text[limit].isspace() and " " in cut:  # mid-word: drop the cut word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip()


def _decline(hits: list[SearchHit], logistics: str | None = None, scope: str | None = None) -> str:
    nearest = "; ".join(" › ".join(h.headings) for h in hits[:CLOSEST])
    if logistics:
        text = (
            "That's a question for your instructor: the book is the same for every class that uses it, so it "
            f"doesn't know this class's {WHAT[logistics]}. Check the course page or ask them."
        )
        return f"{text} The book's nearest sections, if they help: {nearest}." if hits else text
    if scope:
        only = f"Only {scope} was searched; the rest of the book may cover it."
        if not hits:
            return f"Nothing in {scope} matches your question. {only}"
        return f"{scope} does not seem to cover this. {only} Its closest sections are: {nearest}."
    if not hits:
        return "The book does not cover this: nothing in it matches your question."
    return f"The book does not seem to cover this, so I won't guess. The closest sections are: {nearest}."


def _passage(hit: SearchHit) -> Passage:
    source = f"{hit.path}#{hit.anchor}" if hit.anchor else hit.path
    return Passage(id=hit.chunk_id, title=" › ".join(hit.headings), source=source, text=hit.text)


def _turns(history: list) -> list[Turn]:
    return [Turn(role=m.role, text=m.content) for m in history if m.role in ("user", "assistant")]


def _mapped(llm_citations: list, hits: list[SearchHit]) -> list[Citation]:
    """LLM citations back to sections; anything not from a retrieved passage was dropped already."""
    by_id = {h.chunk_id: h for h in hits}
    return [citation_of(by_id[c.passage_id], c.quote) for c in llm_citations if c.passage_id in by_id]


def _ref(hit: SearchHit) -> SectionRef:
    return SectionRef(path=hit.path, heading=hit.heading, headings=hit.headings, anchor=hit.anchor)


def _query_mode(module: str | None, selected: str | None) -> str:
    return "selected" if selected else "local" if module else "global"
