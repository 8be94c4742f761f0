"""Checks on what users type, worded for the person who typed it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from core import languages
from core.errors import InvalidInput

EMAIL = re.compile(r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
DISCORD_ID = re.compile(r"^[0-9]{15,21}$")

# Option lists of the profile questionnaire (seed 003).
EXPERIENCE_LEVELS = ("Beginner", "Intermediate", "Advanced", "Expert")
PROGRAMMING_LANGUAGES = ("Python", "C++", "JavaScript", "Rust", "Go", "Java", "MATLAB", "Julia", "Other")
FRAMEWORKS = (
    "ROS",
    "ROS 2",
    "PyTorch",
    "TensorFlow",
    "Unity",
    "Unreal Engine",
    "Gazebo",
    "Mujoco",
    "Isaac Sim",
    "Other",
)
AVAILABLE_HARDWARE = (
    "CPU only",
    "NVIDIA GPU",
    "AMD GPU",
    "Apple Silicon (M1/M2)",
    "NVIDIA Jetson",
    "Google TPU",
    "Other",
)
ROBOTICS_HARDWARE = (
    "None (simulation only)",
    "Educational robot kit",
    "Research robotic arm",
    "Mobile robot",
    "Humanoid robot",
    "Custom hardware",
    "Other",
)
DIFFICULTY_PREFERENCES = ("gentle", "balanced", "challenging")
LEARNING_PATHS = ("beginner", "advanced")
MAX_INTERESTS = 20
MAX_INTEREST_CHARS = 50

# ISO 639-1 codes, for the preferred language of explanations and translations.
LANGUAGE_CODES = frozenset(
    """
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split()
)


def text(field: str, value: str | None, *, max_chars: int = 255, min_chars: int = 1) -> str:
    """A one-line name: trimmed, 1–255 characters, no control characters."""
    if value is None:
        raise InvalidInput(field, f"The {field} is missing.")
    cleaned = value.strip()
    if len(cleaned) < min_chars:
        raise InvalidInput(field, f"The {field} cannot be empty.")
    if len(cleaned) > max_chars:
        raise InvalidInput(
            field, f"The {field} is too long ({len(cleaned)} characters; at most {max_chars})."
        )
    if any(unicodedata.category(ch) == "Cc" for ch in cleaned):
        raise InvalidInput(field, f"The {field} cannot contain control characters or line breaks.")
    return cleaned


def web_address(field: str, value: str) -> str:
    address = text(field, value, max_chars=500)
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in address:
        raise InvalidInput(field, f"The {field} must be a web address starting with https:// or http://.")
    return address


def folder(field: str, value: str) -> str:
    """An existing folder on this machine, as an absolute path."""
    path = Path(text(field, value, max_chars=1000)).expanduser()
    if not path.is_dir():
        raise InvalidInput(field, f"The {field} {value!r} is not a folder on the machine running Studyhall.")
    return str(path.resolve())


def email(value: str) -> str:
    cleaned = value.strip()
    if len(cleaned) > 255 or not EMAIL.match(cleaned):
        raise InvalidInput("email", f"{cleaned!r} is not a valid email address.")
    return cleaned


def slug(value: str) -> str:
    cleaned = value.strip()
    if not SLUG.match(cleaned):
        raise InvalidInput(
            "slug",
            f"{cleaned!r} is not a valid course slug: use 1–64 lowercase letters, digits and "
            "dashes, starting and ending with a letter or digit (e.g. 'robotics-101').",
        )
    return cleaned


def discord_id(value: str | int) -> str:
    cleaned = str(value).strip()
    if not DISCORD_ID.match(cleaned):
        raise InvalidInput("discord id", f"{cleaned!r} is not a Discord user id (15–21 digits).")
    return cleaned


def choice(field: str, value: str, options: Iterable[str]) -> str:
    options = tuple(options)
    if value not in options:
        raise InvalidInput(field, f"{value!r} is not a valid {field}; choose one of: {', '.join(options)}.")
    return value


def choices(field: str, values: Iterable[str], options: Iterable[str]) -> list[str]:
    options = tuple(options)
    picked: list[str] = []
    for value in values:
        if value not in options:
            raise InvalidInput(
                field, f"{value!r} is not a valid {field} option; choose from: {', '.join(options)}."
            )
        if value not in picked:
            picked.append(value)
    return picked


def interests(values: Iterable[str]) -> list[str]:
    picked: list[str] = []
    for value in values:
        cleaned = text("interest", value, max_chars=MAX_INTEREST_CHARS).lower()
        if cleaned not in picked:
            picked.append(cleaned)
    if len(picked) > MAX_INTERESTS:
        raise InvalidInput("interests", f"At most {MAX_INTERESTS} interests, please.")
    return picked


def language_code(value: str) -> str:
    """A language's ISO 639-1 code from its code or its English name ("es" or "Spanish")."""
    code = languages.code_for(value)
    if code is None or code not in LANGUAGE_CODES:
        raise InvalidInput(
            "language",
            f"{value.strip()!r} isn't a language I know: type its English name or two-letter code "
            "(e.g. 'Spanish' or 'es', 'Urdu' or 'ur').",
        )
    return code


def whole_number(field: str, value: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(field, f"The {field} must be a whole number from {low} to {high}.")
    return value


# Line breaks and tabs are kept in free text; every other control character (NUL, ESC, DEL, C1)
# and lone surrogates are refused: PostgreSQL cannot store NUL, and none of them mean anything here.
_KEPT_CONTROLS = frozenset("\n\t")


def free_text(field: str, value: str | None, *, max_chars: int, what: str | None = None) -> str:
    """Typed or pasted text (a question, a search, a quote): trimmed, Windows line ends made plain,
    at most `max_chars`, and no control characters but line breaks and tabs. May be empty."""
    cleaned = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    label = what or f"The {field}"
    if len(cleaned) > max_chars:
        raise InvalidInput(field, f"{label} is too long ({len(cleaned)} characters; at most {max_chars}).")
    for ch in cleaned:
        kind = unicodedata.category(ch)
        if (kind == "Cc" and ch not in _KEPT_CONTROLS) or kind == "Cs":
            raise InvalidInput(
                field,
                f"{label} contains a control character (such as NUL or an escape code) that cannot "
                "be stored: remove it, or retype the text instead of pasting it.",
            )
    return cleaned


def yes_or_no(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(field, f"The {field} setting is yes or no (true or false).")
    return value
