"""Which chapters a student should read next, and why: pure functions over plain values.

Two steps, neither touching a database:

1. `chapter_facts` reads one chapter's Markdown once and records what it asks of a reader: its
   difficulty, the programming languages of its code blocks, the frameworks it relies on and the
   hardware it needs, all as the canonical names of the profile options (DATA_MODEL, seed 003).
2. `recommend` scores every unread chapter against a `Profile` and returns the best few, each with
   its score, the four parts of the score and one sentence saying why.

Scoring (each part is 0–1 before weighting)::

    score = 0.4·experience + 0.3·software + 0.2·hardware + 0.1·sequence   (rounded to 3 places)

* experience — the student's level against the chapter's difficulty (inferred from the chapter's
  place in the book when the front matter gives none); see `experience_match`.
* software — the share of the chapter's languages and frameworks the student knows; see
  `software_match`.
* hardware — the share of the hardware it needs that the student has; see `hardware_match`.
* sequence — 1.0 for the first unread chapter in reading order, then 1/(1 + 0.5·k) for the k-th
  unread chapter after it, so the student is nudged forward through the book.

Ties are broken by reading order, so the same inputs always give the same list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from core import validation
from core.books.model import BookDocument

WEIGHTS = {"experience": 0.4, "software": 0.3, "hardware": 0.2, "sequence": 0.1}
SEQUENCE_DECAY = 0.5  # sequence = 1 / (1 + SEQUENCE_DECAY · k) for the k-th unread chapter after the first
MIN_LINES = 3  # a framework or a piece of hardware counts when named on this many lines (or in the title)

DIFFICULTIES = ("beginner", "intermediate", "advanced")
LEVELS = {"beginner": 0, "intermediate": 1, "advanced": 2, "expert": 2}
PREFERENCES = ("gentle", "balanced", "challenging")

# The profile options (core.validation, from the seed questionnaire) without "Other", in the order
# reasons list them.
LANGUAGES = tuple(x for x in validation.PROGRAMMING_LANGUAGES if x != "Other")
FRAMEWORKS = tuple(x for x in validation.FRAMEWORKS if x != "Other")
COMPUTE = tuple(x for x in validation.AVAILABLE_HARDWARE if x != "Other")
ROBOTS = (
    "Educational robot kit",
    "Research robotic arm",
    "Mobile robot",
    "Humanoid robot",
    "Custom hardware",
)
OTHER = "Other"
SIMULATION_ONLY = "None (simulation only)"
# A need no single option names: any real robot will do (a chapter about running on hardware).
PHYSICAL_ROBOT = "Physical robot"
# Off the profile's list but worth naming: Unity's scripts are C#. Only "Other" can match it.
CSHARP = "C#"

_LANGUAGE_ORDER = (*LANGUAGES, CSHARP)
_HARDWARE_ORDER = (*COMPUTE, PHYSICAL_ROBOT, *ROBOTS)

# Fence info string (first word, lower-cased) -> language. Shell, markup and data are no language.
_FENCE_LANGUAGES = {
    **dict.fromkeys(("py", "python", "python3", "python2", "py3", "ipython", "pycon", "pyi"), "Python"),
    **dict.fromkeys(("cpp", "c++", "cxx", "cc", "hpp", "hxx", "h", "c", "cuda", "cu"), "C++"),
    **dict.fromkeys(
        ("js", "javascript", "jsx", "mjs", "cjs", "ts", "typescript", "tsx", "node"), "JavaScript"
    ),
    **dict.fromkeys(("rust", "rs"), "Rust"),
    **dict.fromkeys(("go", "golang"), "Go"),
    **dict.fromkeys(("java",), "Java"),
    **dict.fromkeys(("matlab", "octave"), "MATLAB"),
    **dict.fromkeys(("julia", "jl"), "Julia"),
    **dict.fromkeys(("csharp", "cs", "c#"), CSHARP),
}
_CUDA_FENCES = frozenset({"cuda", "cu"})
# An unlabelled fence is still recognised by a telling first line of Python or C++.
_UNLABELLED = (
    (
        re.compile(
            r"^\s*(?:from\s+[\w.]+\s+import\s|import\s+[\w.]+\s*(?:as\s+\w+\s*)?$|def\s+\w+\(.*\):)", re.M
        ),
        "Python",
    ),
    (re.compile(r"^\s*#include\s*[<\"]", re.M), "C++"),
)

_I = re.IGNORECASE
_FRAMEWORK_SIGNALS = {
    "ROS 2": re.compile(
        r"\bROS\s?2\b|\bros2\b|\brclpy\b|\brclcpp\b|\bcolcon\b|\bament_\w+|\bIsaac ROS\b", _I
    ),
    "ROS": re.compile(
        r"\bROS\s?1\b|\brospy\b|\broscpp\b|\bcatkin\w*|\broslaunch\b|\brosrun\b"
        r"|\bROS (?:Noetic|Melodic|Kinetic)\b",
        _I,
    ),
    "PyTorch": re.compile(r"\bpytorch\b|\btorchvision\b|\b(?:import|from)\s+torch\b|\btorch\.\w", _I),
    "TensorFlow": re.compile(r"\btensorflow\b|\bkeras\b|\btflite\b", _I),
    "Unity": re.compile(r"\bUnity(?:Engine)?\b"),  # capitalised: "unity" is also an English word
    "Unreal Engine": re.compile(r"\bUnreal\b|\bUE[45]\b"),
    "Gazebo": re.compile(r"\bgazebo\w*|\bgz\s+sim\b|\bros_gz\w*", _I),
    "Mujoco": re.compile(r"\bmujoco\b", _I),
    "Isaac Sim": re.compile(r"\bIsaac\s?Sim\b|\bomni\.isaac|\bOmniverse\b|\bIsaac\s(?:Lab|Gym)\b", _I),
}
# Code that imports a framework relies on it, however rarely the text names it.
_FRAMEWORK_IMPORTS = {
    "ROS 2": re.compile(r"^\s*(?:import\s+rclpy|from\s+rclpy\b|#include\s*[<\"]rclcpp/)", re.M),
    "ROS": re.compile(r"^\s*(?:import\s+rospy|from\s+rospy\b|#include\s*[<\"]ros/ros\.h)", re.M),
    "PyTorch": re.compile(r"^\s*(?:import\s+torch|from\s+torch\b)", re.M),
    "TensorFlow": re.compile(r"^\s*(?:import\s+(?:tensorflow|keras)|from\s+(?:tensorflow|keras)\b)", re.M),
    "Unity": re.compile(r"^\s*using\s+UnityEngine\b", re.M),
    "Mujoco": re.compile(r"^\s*(?:import\s+mujoco|from\s+mujoco\b)", re.M),
    "Isaac Sim": re.compile(
        r"^\s*(?:import\s+(?:omni\.isaac|isaacsim)|from\s+(?:omni\.isaac|isaacsim)\b)", re.M
    ),
}
# Hardware a chapter cannot be followed without. CUDA-only signals also run on a Jetson, so they
# ask for a desktop NVIDIA GPU only when the chapter is not about a Jetson.
_DESKTOP_GPU = re.compile(
    r"\bRTX\b|\bGeForce\b|\bNVIDIA\s+GPU|\bIsaac\s?Sim\b|\bomni\.isaac|\bOmniverse\b|\bIsaac\s(?:Lab|Gym)\b",
    _I,
)
_CUDA = re.compile(r"\bCUDA\b|\bcuDNN\b|\bTensorRT\b|\bIsaac ROS\b", _I)
_CPU_FALLBACK = re.compile(r"""["']cpu["']""")
_HARDWARE_SIGNALS = {
    "NVIDIA Jetson": re.compile(r"\bJetson\b", _I),
    "AMD GPU": re.compile(r"\bROCm\b|\bAMD\s+(?:GPU|Radeon)\b|\bRadeon\b", _I),
    "Apple Silicon (M1/M2)": re.compile(r"\bApple\s+Silicon\b|\bApple\s+M[1-4]\b", _I),
    "Google TPU": re.compile(r"\bTPU\b"),
    "Humanoid robot": re.compile(
        r"\bUnitree\s+[GH]1\b|\b(?:real|physical)\s+humanoid\s+(?:robot|hardware)", _I
    ),
    "Mobile robot": re.compile(r"\bTurtleBot\d?\b|\b(?:real|physical)\s+mobile\s+robot", _I),
    "Research robotic arm": re.compile(
        r"\bFranka\b|\bUR(?:3|5|10|16)e?\b|\bKinova\b|\b(?:real|physical)\s+robot(?:ic)?\s+arm", _I
    ),
    "Educational robot kit": re.compile(r"\bLEGO\b|\bMindstorms\b|\brobot(?:ics)?\s+kit\b", _I),
}
# "Real robot" is often said in passing ("in a real robot this would..."), so it counts in prose
# only (never in code comments), unless the title is about running on hardware.
_PHYSICAL_PROSE = re.compile(
    r"\b(?:real|physical)\s+(?:robots?|hardware)\b|\bon\s+(?:real\s+)?hardware\b", _I
)
_PHYSICAL_TITLE = re.compile(r"sim[\s-]*(?:to|2)[\s-]*real|\b(?:real|physical)\s+(?:robots?|hardware)\b", _I)

_FENCE_OPEN = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)*(`{3,}|~{3,})[ \t]*(.*)$")


@dataclass(frozen=True)
class ChapterFacts:
    """What a chapter asks of its reader, as canonical profile option names."""

    path: str
    title: str
    position: int  # reading order in the book (0..)
    difficulty: str | None  # "beginner" | "intermediate" | "advanced" | None (not in the front matter)
    languages: frozenset[str]  # of LANGUAGES, or "C#"
    frameworks: frozenset[str]  # of FRAMEWORKS
    hardware: frozenset[str]  # of COMPUTE (never "CPU only"), ROBOTS, or PHYSICAL_ROBOT


@dataclass(frozen=True)
class Profile:
    """A plain view of the student's profile (the option names of DATA_MODEL.md)."""

    experience_level: str | None  # "Beginner" | "Intermediate" | "Advanced" | "Expert" | None
    programming_languages: frozenset[str]
    frameworks: frozenset[str]
    available_hardware: frozenset[str]
    robotics_hardware: frozenset[str]
    difficulty_preference: str = "balanced"  # gentle | balanced | challenging


@dataclass(frozen=True)
class Recommendation:
    path: str
    title: str
    score: float  # 0–1, rounded to 3 places
    reason: str  # one sentence for the student; never empty
    parts: dict[str, float]  # experience, software, hardware, sequence: each 0–1 before weighting


# --- facts ------------------------------------------------------------------------------------


def chapter_facts(
    path: str, title: str, position: int, difficulty: str | None, markdown: str
) -> ChapterFacts:
    """Read what a chapter needs from its Markdown (front matter removed or not; it is only text).

    * languages: from the info string of each fenced code block (```py, ~~~cpp title="x.cpp", ...);
      an unlabelled fence counts when its code plainly reads as Python or C++. Shell, markup and
      data fences (bash, xml, yaml, json, ...) are no programming language.
    * frameworks: a framework counts when it is named in the title or on at least MIN_LINES lines
      (prose or code): "ROS 2"/"ros2"/"rclpy"/"colcon" -> ROS 2, "rospy"/"ROS 1"/"catkin" -> ROS,
      "import torch"/"PyTorch" -> PyTorch, "omni.isaac"/"Isaac Sim" -> Isaac Sim, and so on.
      Requiring a few lines keeps a passing "you will meet Gazebo in Module 2" from counting; code
      that imports a framework (`import rclpy`, `from omni.isaac...`, `using UnityEngine;`) counts
      at once.
    * hardware, by the same rule: RTX/GeForce/Isaac Sim/Omniverse -> NVIDIA GPU; CUDA/TensorRT/
      Isaac ROS (or a ```cuda fence) -> NVIDIA GPU unless the chapter is about a Jetson, and not
      counting code that falls back to "cpu" when CUDA is missing; "Jetson" ->
      NVIDIA Jetson; robot models (Unitree G1, TurtleBot, Franka...) -> their kind of robot; and a
      chapter whose title is about sim-to-real or real robots, or whose prose speaks of real robots
      or hardware on MIN_LINES lines, needs a PHYSICAL_ROBOT.
    * difficulty: normalised to beginner/intermediate/advanced ("easy"/"basic" -> beginner,
      "medium" -> intermediate, "hard"/"expert" -> advanced); anything else -> None.
    """
    prose, blocks = _split_code(markdown)
    code = "\n".join(body for _, body in blocks)
    languages = set()
    cuda_fence = False
    for info, body in blocks:
        language = _FENCE_LANGUAGES.get(info) if info else _unlabelled_language(body)
        if language:
            languages.add(language)
        cuda_fence = cuda_fence or info in _CUDA_FENCES

    def named(pattern: re.Pattern[str], text: str = prose + "\n" + code) -> bool:
        return bool(pattern.search(title)) or _lines_matching(pattern, text) >= MIN_LINES

    frameworks = {name for name, pattern in _FRAMEWORK_SIGNALS.items() if named(pattern)}
    frameworks |= {name for name, pattern in _FRAMEWORK_IMPORTS.items() if pattern.search(code)}
    hardware = {name for name, pattern in _HARDWARE_SIGNALS.items() if named(pattern)}
    # Code that falls back to the CPU (`"cuda" if torch.cuda.is_available() else "cpu"`) runs anywhere.
    cuda_text = prose if _CPU_FALLBACK.search(code) else prose + "\n" + code
    needs_cuda = named(_CUDA, cuda_text) or cuda_fence
    if named(_DESKTOP_GPU) or (needs_cuda and "NVIDIA Jetson" not in hardware):
        hardware.add("NVIDIA GPU")
    robots = hardware & set(ROBOTS)
    if not robots and (_PHYSICAL_TITLE.search(title) or _lines_matching(_PHYSICAL_PROSE, prose) >= MIN_LINES):
        hardware.add(PHYSICAL_ROBOT)
    return ChapterFacts(
        path=path,
        title=title,
        position=position,
        difficulty=normalise_difficulty(difficulty),
        languages=frozenset(languages),
        frameworks=frozenset(frameworks),
        hardware=frozenset(hardware),
    )


def document_facts(document: BookDocument, position: int) -> ChapterFacts:
    """`chapter_facts` for a parsed `core.books.model.BookDocument` at this place in the book."""
    markdown = "\n\n".join(section.markdown for section in document.sections)
    return chapter_facts(
        document.path, document.title, position, document.metadata.get("difficulty"), markdown
    )


_DIFFICULTY_ALIASES = {
    "beginner": "beginner",
    "basic": "beginner",
    "easy": "beginner",
    "introductory": "beginner",
    "intermediate": "intermediate",
    "medium": "intermediate",
    "advanced": "advanced",
    "hard": "advanced",
    "expert": "advanced",
}


def normalise_difficulty(value: str | None) -> str | None:
    return _DIFFICULTY_ALIASES.get(value.strip().lower()) if isinstance(value, str) else None


def _split_code(markdown: str) -> tuple[str, list[tuple[str, str]]]:
    """(prose, [(fence info word lower-cased, code)]) — an unclosed fence runs to the end."""
    prose: list[str] = []
    blocks: list[tuple[str, str]] = []
    fence: str | None = None
    info = ""
    body: list[str] = []
    for line in markdown.splitlines():
        if fence is None:
            opened = _FENCE_OPEN.match(line)
            if opened and not (opened.group(1)[0] == "`" and "`" in opened.group(2)):
                fence, info, body = opened.group(1), _info_word(opened.group(2)), []
            else:
                prose.append(line)
            continue
        stripped = line.strip().lstrip(">").strip()
        if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
            blocks.append((info, "\n".join(body)))
            fence = None
        else:
            body.append(line)
    if fence is not None:
        blocks.append((info, "\n".join(body)))
    return "\n".join(prose), blocks


def _info_word(info: str) -> str:
    """`python title="a.py"` -> "python"; `{.cpp}` -> "cpp"; `jsx live` -> "jsx"."""
    word = info.strip().split(maxsplit=1)[0] if info.strip() else ""
    return word.strip("{}.").split(",")[0].lower()


def _unlabelled_language(code: str) -> str | None:
    for pattern, language in _UNLABELLED:
        if pattern.search(code):
            return language
    return None


def _lines_matching(pattern: re.Pattern[str], text: str) -> int:
    return sum(1 for line in text.splitlines() if pattern.search(line))


# --- scoring ----------------------------------------------------------------------------------


def recommend(
    profile: Profile, chapters: list[ChapterFacts], read: set[str], *, limit: int = 5
) -> list[Recommendation]:
    """The `limit` best unread chapters for this student, best first.

    A chapter whose path is in `read` is never recommended; with everything read the list is empty.
    Chapters without a difficulty get one from their place among `chapters` (first third beginner,
    middle third intermediate, last third advanced), so pass the whole book, read chapters
    included. The languages and frameworks of the chapters in `read` count as met (see
    `software_match`). Ties are broken by position, then path.
    """
    if limit <= 0 or not chapters:
        return []
    first, last = min(c.position for c in chapters), max(c.position for c in chapters)
    unread: dict[str, ChapterFacts] = {}  # the same path listed twice counts once
    for chapter in sorted(chapters, key=lambda c: (c.position, c.path)):
        if chapter.path not in read:
            unread.setdefault(chapter.path, chapter)
    met = frozenset().union(*(c.languages | c.frameworks for c in chapters if c.path in read))
    scored = []
    for rank, chapter in enumerate(unread.values()):
        difficulty = chapter.difficulty or inferred_difficulty(chapter.position, first, last)
        experience = experience_match(profile, difficulty)
        software = software_match(profile, chapter, met)
        hardware = hardware_match(profile, chapter)
        sequence = sequence_match(rank)
        parts = {"experience": experience, "software": software, "hardware": hardware, "sequence": sequence}
        score = round(sum(WEIGHTS[name] * value for name, value in parts.items()), 3)
        reason = explain(profile, chapter, difficulty, parts, rank, met)
        rounded = {name: round(value, 3) for name, value in parts.items()}
        scored.append(Recommendation(chapter.path, chapter.title, score, reason, rounded))
    scored.sort(key=lambda r: (-r.score, unread[r.path].position, r.path))
    return scored[:limit]


def inferred_difficulty(position: int, first: int, last: int) -> str:
    """beginner/intermediate/advanced by which third of the book (positions first..last) it is in."""
    span = last - first + 1
    return DIFFICULTIES[min(2, max(0, (position - first) * 3 // span))]


def experience_match(profile: Profile, difficulty: str) -> float:
    """How well a chapter of this difficulty suits the student's level.

    Beginner -> beginner, Intermediate -> intermediate, Advanced and Expert -> advanced. The same
    difficulty scores 1.0, one step away 0.5, two steps 0.0; a student who prefers "challenging"
    chapters takes one step up at 0.8, and one who prefers "gentle" ones one step down at 0.8.
    No level on the profile -> 0.5 whatever the chapter.
    """
    level = _level(profile)
    if level is None:
        return 0.5
    step = DIFFICULTIES.index(difficulty) - level
    if step == 0:
        return 1.0
    if abs(step) == 2:
        return 0.0
    preference = _preference(profile)
    if (step == 1 and preference == "challenging") or (step == -1 and preference == "gentle"):
        return 0.8
    return 0.5


def software_match(profile: Profile, chapter: ChapterFacts, met: frozenset[str] = frozenset()) -> float:
    """The average credit over the chapter's languages and frameworks; 1.0 if it has neither.

    Each one takes the best credit that applies:

    * on the profile -> 1.0;
    * `met`, i.e. used by a chapter the student has read (the book taught it) -> 0.8;
    * ROS for a ROS 2 chapter or ROS 2 for a ROS chapter -> 0.5;
    * a framework in a chapter without program code (an overview read about it, nothing is coded
      against it) -> 0.5, so a newcomer still starts with the book's introductions;
    * the student lists "Other" in that category (languages or frameworks) -> 0.3;
    * otherwise 0.0.
    """
    credits = [_software_credit(profile, chapter, name, met) for name in _needs(chapter)[0]]
    return sum(credits) / len(credits) if credits else 1.0


def hardware_match(profile: Profile, chapter: ChapterFacts) -> float:
    """The average credit over the hardware the chapter needs; 1.0 if it needs none.

    Compute (NVIDIA GPU, Jetson, ...): has it -> 1.0; a Jetson for a GPU chapter or a GPU for a
    Jetson chapter -> 0.5 (both run CUDA); no compute listed at all -> 0.5 (unknown); "Other"
    -> 0.3; otherwise, "CPU only" included, 0.0.
    Robots: has that kind, or any real robot for a PHYSICAL_ROBOT chapter -> 1.0; another real
    robot ("Custom hardware", "Other", another kind) -> 0.5; simulation only or nothing listed -> 0.2,
    since the chapter can still be followed in part in simulation.
    """
    credits = [_hardware_credit(profile, name) for name in _needs(chapter)[1]]
    return sum(credits) / len(credits) if credits else 1.0


def sequence_match(rank: int) -> float:
    """1.0 for the first unread chapter in reading order, 1/(1 + 0.5·k) for the k-th after it."""
    return 1.0 / (1.0 + SEQUENCE_DECAY * rank)


def _level(profile: Profile) -> int | None:
    level = profile.experience_level
    return LEVELS.get(level.strip().lower()) if isinstance(level, str) else None


def _preference(profile: Profile) -> str:
    preference = (profile.difficulty_preference or "").strip().lower()
    return preference if preference in PREFERENCES else "balanced"


def _needs(chapter: ChapterFacts) -> tuple[list[str], list[str]]:
    """(languages then frameworks, hardware) in a fixed order, for stable scores and sentences."""
    software = _ordered(chapter.languages, _LANGUAGE_ORDER) + _ordered(chapter.frameworks, FRAMEWORKS)
    return software, _ordered(chapter.hardware, _HARDWARE_ORDER)


def _ordered(names: Iterable[str], order: tuple[str, ...]) -> list[str]:
    rank = {name: index for index, name in enumerate(order)}
    return sorted(names, key=lambda name: (rank.get(name, len(order)), name))


def _has(options: frozenset[str], name: str) -> bool:
    return name.casefold() in {option.casefold() for option in options}


def _software_credit(profile: Profile, chapter: ChapterFacts, name: str, met: frozenset[str]) -> float:
    is_framework = name in FRAMEWORKS
    known = profile.frameworks if is_framework else profile.programming_languages
    if _has(known, name):
        return 1.0
    if name in met:
        return 0.8
    if is_framework and name in ("ROS", "ROS 2") and _has(known, "ROS 2" if name == "ROS" else "ROS"):
        return 0.5
    if is_framework and not chapter.languages:
        return 0.5
    return 0.3 if _has(known, OTHER) else 0.0


def _hardware_credit(profile: Profile, name: str) -> float:
    if name in COMPUTE:
        compute = profile.available_hardware
        if _has(compute, name):
            return 1.0
        cuda_twin = {"NVIDIA GPU": "NVIDIA Jetson", "NVIDIA Jetson": "NVIDIA GPU"}.get(name)
        if cuda_twin and _has(compute, cuda_twin):
            return 0.5
        if not compute:
            return 0.5
        return 0.3 if _has(compute, OTHER) else 0.0
    robots = {r for r in profile.robotics_hardware if r.casefold() != SIMULATION_ONLY.casefold()}
    if not robots:
        return 0.2
    if name == PHYSICAL_ROBOT or _has(frozenset(robots), name):
        return 1.0
    return 0.5


# --- reasons ----------------------------------------------------------------------------------


def explain(
    profile: Profile,
    chapter: ChapterFacts,
    difficulty: str,
    parts: dict[str, float],
    rank: int,
    met: frozenset[str] = frozenset(),
) -> str:
    """One sentence for the student, naming what decided the score.

    A drawback is a part that costs the chapter at least 0.1 of its score (a step away from the
    student's level, software or hardware the student lacks); the costliest one is named with what
    to do about it (on a tie: missing hardware, then software, then the level gap, as the first is the
    hardest to work around). When it costs 0.2 or more it decides the score and is the whole sentence:
    "Needs an NVIDIA GPU, which you don't list — consider it once you have one." A milder one
    follows the best good reason or two: "Next in the book; uses ROS 2, which you don't list yet —
    expect to learn it along the way." Without a drawback the sentence names up to three good
    reasons, "next in the book" first when it is: "Next in the book; fits your Intermediate level;
    uses Python and ROS 2, which you know."
    """
    drawbacks = []  # (weighted loss, order, clause)
    for order, name in enumerate(("hardware", "software", "experience")):  # on a tie, what blocks most
        loss = WEIGHTS[name] * (1.0 - parts[name])
        if loss >= 0.1 - 1e-9:
            clause = _DRAWBACKS[name](profile, chapter, difficulty, met)
            if clause:
                drawbacks.append((-loss, order, clause))
    worst = min(drawbacks) if drawbacks else None
    if worst and -worst[0] >= 0.2 - 1e-9:
        return _sentence(worst[2])

    good = []  # (specific, weighted gain, canonical order, clause)
    level, experience = profile.experience_level, parts["experience"]
    if level and experience >= 0.8:
        if experience == 1.0:
            clause = f"fits your {level} level"
        elif DIFFICULTIES.index(difficulty) > (_level(profile) or 0):
            clause = f"a stretch beyond your {level} level, as you like"
        else:
            clause = f"a gentle read at your {level} level, as you like"
        good.append((True, WEIGHTS["experience"], 0, clause))
    software, hardware = _needs(chapter)
    if parts["software"] >= 0.8:
        if software:
            good.append((True, WEIGHTS["software"], 1, _known_software(profile, chapter, met)))
        else:
            good.append((False, WEIGHTS["software"], 1, "no code needed"))
    if parts["hardware"] >= 0.8:
        if hardware:
            good.append((True, WEIGHTS["hardware"], 2, f"needs {_and(_articled(hardware))}, which you have"))
        else:
            good.append((False, WEIGHTS["hardware"], 2, "no special hardware needed"))
    good.sort(key=lambda item: (not item[0], -item[1]))
    room = (1 if worst else 3) - (rank == 0)
    chosen = sorted(good[:room], key=lambda item: item[2])
    clauses = (["next in the book"] if rank == 0 else []) + [clause for *_, clause in chosen]
    if worst:
        clauses.append(worst[2])
    if not clauses:
        return "A reasonable next step in the book."
    return _sentence("; ".join(clauses))


def _known_software(profile: Profile, chapter: ChapterFacts, met: frozenset[str]) -> str:
    """ "uses Python, which you know, and ROS 2, which you met in chapters you read"."""
    credit = {name: _software_credit(profile, chapter, name, met) for name in _needs(chapter)[0]}
    known = [name for name, value in credit.items() if value == 1.0]
    learnt = [name for name, value in credit.items() if value == 0.8]
    clauses = []
    if known:
        clauses.append(f"{_and(known)}, which you know")
    if learnt:
        clauses.append(f"{_and(learnt)}, which you met in chapters you read")
    return "uses " + ", and ".join(clauses)


def _experience_drawback(
    profile: Profile, chapter: ChapterFacts, difficulty: str, met: frozenset[str]
) -> str | None:
    level = _level(profile)
    if level is None:
        return None
    name = profile.experience_level
    step = DIFFICULTIES.index(difficulty) - level
    if step >= 2:
        return f"written for {difficulty} readers, a big step from your {name} level — come back to it later"
    if step == 1:
        return f"a step above your {name} level — a good stretch once the basics feel solid"
    if step <= -2:
        return f"well below your {name} level — skim it as a refresher"
    if step == -1:
        return f"probably easy at your {name} level — good for a quick review"
    return None


def _software_drawback(
    profile: Profile, chapter: ChapterFacts, difficulty: str, met: frozenset[str]
) -> str | None:
    missing = [name for name in _needs(chapter)[0] if _software_credit(profile, chapter, name, met) < 0.8]
    if not missing:
        return None
    them = "it" if len(missing) == 1 else "them"
    return f"uses {_and(missing)}, which you don't list yet — expect to learn {them} along the way"


def _hardware_drawback(
    profile: Profile, chapter: ChapterFacts, difficulty: str, met: frozenset[str]
) -> str | None:
    missing = [name for name in _needs(chapter)[1] if _hardware_credit(profile, name) < 1.0]
    if not missing:
        return None
    computers = [name for name in missing if name in COMPUTE]
    if computers:
        them = "one" if len(computers) == 1 else "them"
        if not profile.available_hardware:
            return (
                f"needs {_and(_articled(computers))} — add your hardware to your profile for a better match"
            )
        return f"needs {_and(_articled(computers))}, which you don't list — consider it once you have {them}"
    robots = _and(_articled([name for name in missing if name not in COMPUTE]))
    if any(r.casefold() != SIMULATION_ONLY.casefold() for r in profile.robotics_hardware):
        return f"written for {robots}, which you don't list — your own robot may need some adapting"
    return f"written for {robots}, and you work in simulation — you can still follow the ideas"


_DRAWBACKS = {
    "experience": _experience_drawback,
    "software": _software_drawback,
    "hardware": _hardware_drawback,
}

_ARTICLED = {
    "NVIDIA GPU": "an NVIDIA GPU",
    "AMD GPU": "an AMD GPU",
    "Apple Silicon (M1/M2)": "an Apple Silicon Mac",
    "NVIDIA Jetson": "an NVIDIA Jetson",
    "Google TPU": "a Google TPU",
    PHYSICAL_ROBOT: "a physical robot",
    "Educational robot kit": "an educational robot kit",
    "Research robotic arm": "a research robotic arm",
    "Mobile robot": "a mobile robot",
    "Humanoid robot": "a humanoid robot",
    "Custom hardware": "custom hardware",
}


def _articled(names: list[str]) -> list[str]:
    return [_ARTICLED.get(name, name) for name in names]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
