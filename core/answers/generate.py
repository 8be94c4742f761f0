"""LLM output for features that cannot do without one (explanations, translations, quizzes)."""

from __future__ import annotations

from core.answers.llm import GroundedLlm, LlmUnavailable
from core.errors import LlmRequired, StudyhallError


def require_llm(llm: GroundedLlm | None, what: str) -> GroundedLlm:
    """The LLM, or LlmRequired naming the feature ("Generating a quiz needs an Anthropic API key")."""
    if llm is None or not llm.available:
        raise LlmRequired(what)
    return llm


async def complete_text(llm: GroundedLlm | None, what: str, system: str, prompt: str) -> tuple[str, int, int]:
    """Text, input and output tokens; a failing API becomes one sentence for the user."""
    try:
        return await require_llm(llm, what).complete(system, prompt)
    except LlmUnavailable as err:
        raise StudyhallError(
            f"The AI model is unavailable right now ({err.reason}); try again later."
        ) from err
