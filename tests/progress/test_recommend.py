"""Chapter facts from real Markdown, and the recommendation score, its parts and its reason."""

from __future__ import annotations

import random
from dataclasses import replace
from functools import cache

import pytest

from core.books.layout import load_book, load_document
from core.books.model import BookDocument
from core.progress.recommend import (
    PHYSICAL_ROBOT,
    WEIGHTS,
    ChapterFacts,
    Profile,
    chapter_facts,
    document_facts,
    experience_match,
    hardware_match,
    inferred_difficulty,
    recommend,
    software_match,
)
from tests.shared import CORPUS, needs_corpus

FENCE = "```"


def facts(markdown: str, title: str = "A chapter", difficulty: str | None = None) -> ChapterFacts:
    return chapter_facts("c.md", title, 0, difficulty, markdown)


def chapter(
    path: str,
    position: int,
    *,
    difficulty: str | None = "beginner",
    languages=(),
    frameworks=(),
    hardware=(),
) -> ChapterFacts:
    return ChapterFacts(
        path=path,
        title=path.removesuffix(".md").replace("-", " ").title(),
        position=position,
        difficulty=difficulty,
        languages=frozenset(languages),
        frameworks=frozenset(frameworks),
        hardware=frozenset(hardware),
    )


def profile(
    level: str | None = "Beginner",
    languages=("Python",),
    frameworks=(),
    compute=("CPU only",),
    robots=("None (simulation only)",),
    preference: str = "balanced",
) -> Profile:
    return Profile(
        experience_level=level,
        programming_languages=frozenset(languages),
        frameworks=frozenset(frameworks),
        available_hardware=frozenset(compute),
        robotics_hardware=frozenset(robots),
        difficulty_preference=preference,
    )


# --- facts from Markdown ----------------------------------------------------------------------


def test_fence_info_strings_name_the_languages():
    markdown = "\n".join(
        [
            "# Nodes",
            f"{FENCE}py",
            "print('a')",
            FENCE,
            f'{FENCE}python3 title="talker.py" showLineNumbers',
            "x = 1",
            FENCE,
            "~~~cpp",
            "int main() {}",
            "~~~",
            f"{FENCE}C++",
            "auto x = 1;",
            FENCE,
            f"{FENCE}{{.rust}}",
            "fn main() {}",
            FENCE,
            f"{FENCE}ts",
            "const a: number = 1;",
            FENCE,
            f"{FENCE}bash",
            "python3 talker.py",
            FENCE,
            f"{FENCE}xml",
            "<robot name='r'/>",
            FENCE,
            f"{FENCE}yaml",
            "a: 1",
            FENCE,
        ]
    )
    assert facts(markdown).languages == {"Python", "C++", "Rust", "JavaScript"}


def test_shell_markup_and_data_fences_are_no_language():
    markdown = f"{FENCE}bash\nros2 run demo talker\n{FENCE}\n\n{FENCE}json\n{{}}\n{FENCE}\n"
    assert facts(markdown).languages == frozenset()


def test_unlabelled_fences_are_recognised_by_their_code():
    python = f"{FENCE}\nimport rclpy\nfrom rclpy.node import Node\n{FENCE}\n"
    cpp = f"{FENCE}\n#include <rclcpp/rclcpp.hpp>\nint main() {{}}\n{FENCE}\n"
    shell = f"{FENCE}\nsudo apt install ros-iron-desktop\n{FENCE}\n"
    assert facts(python).languages == {"Python"}
    assert facts(cpp).languages == {"C++"}
    assert facts(shell).languages == frozenset()


def test_text_inside_a_fence_is_not_a_fence_opener_and_a_longer_fence_holds_shorter_ones():
    markdown = "\n".join(["````md", f"{FENCE}python", "print(1)", FENCE, "````", "Just prose after it."])
    assert facts(markdown).languages == frozenset()  # the python fence is an example inside markdown


def test_an_unclosed_fence_runs_to_the_end():
    assert facts(f"Intro\n\n{FENCE}python\nimport os\n").languages == {"Python"}


def test_frameworks_need_a_few_lines_or_the_title_or_an_import():
    passing = "We build on ROS 2 here. Module 2 will show Gazebo.\n\nMore prose.\n"
    assert facts(passing).frameworks == frozenset()
    assert facts(passing, title="ROS 2 Architecture").frameworks == {"ROS 2"}
    several = "Start ROS 2.\n\nUse `ros2 topic list`.\n\nWrite nodes with rclpy.\n"
    assert facts(several).frameworks == {"ROS 2"}
    one_import = f"Some text.\n\n{FENCE}python\nimport torch\nx = 1\n{FENCE}\n"
    assert facts(one_import).frameworks == {"PyTorch"}


def test_ros_1_and_ros_2_are_told_apart():
    ros2 = f"{FENCE}python\nimport rclpy\nfrom rclpy.node import Node\nrclpy.init()\n{FENCE}\n"
    ros1 = f"{FENCE}python\nimport rospy\nrospy.init_node('n')\nrospy.spin()\n{FENCE}\n"
    catkin = "Build with catkin_make.\n\nSource the catkin workspace.\n\nThis is ROS 1 Noetic.\n"
    assert facts(ros2).frameworks == {"ROS 2"}
    assert facts(ros1).frameworks == {"ROS"}
    assert facts(catkin).frameworks == {"ROS"}


def test_other_frameworks_are_detected_by_their_names():
    markdown = "\n".join(
        [
            "Open Isaac Sim.",
            "Isaac Sim renders with RTX.",
            "Isaac Sim exports data.",
            f"{FENCE}csharp",
            "using UnityEngine;",
            FENCE,
            f"{FENCE}python",
            "from omni.isaac.kit import SimulationApp",
            "import tensorflow as tf",
            "import mujoco",
            FENCE,
        ]
    )
    found = facts(markdown)
    assert found.frameworks == {"Isaac Sim", "Unity", "TensorFlow", "Mujoco"}
    assert found.languages == {"Python", "C#"}


def test_gpu_needs_come_from_rtx_isaac_sim_and_cuda():
    assert facts("Needs an RTX 4070.\n\nRTX ray tracing.\n\nAny RTX card.\n").hardware == {"NVIDIA GPU"}
    assert facts("x", title="Isaac Sim Project Setup").hardware == {"NVIDIA GPU"}
    cuda = "Install CUDA 12.\n\nCheck cuDNN.\n\nBuild the TensorRT engine.\n"
    assert facts(cuda).hardware == {"NVIDIA GPU"}
    assert facts(f"{FENCE}cuda\n__global__ void k() {{}}\n{FENCE}\n").hardware == {"NVIDIA GPU"}


def test_jetson_chapters_need_a_jetson_not_a_desktop_gpu():
    markdown = "Flash the Jetson.\n\nThe Jetson runs CUDA.\n\nTensorRT on the Jetson.\n\nCUDA again.\n"
    assert facts(markdown).hardware == {"NVIDIA Jetson"}


def test_code_with_a_cpu_fallback_does_not_need_a_gpu():
    code = "\n".join(
        [
            f"{FENCE}python",
            'device = torch.device("cuda" if torch.cuda.is_available() else "cpu")',
            "model.to(device)  # CUDA when present",
            "torch.cuda.empty_cache()",
            FENCE,
        ]
    )
    assert facts(code).hardware == frozenset()
    assert facts(code.replace('else "cpu"', "")).hardware == {"NVIDIA GPU"}


def test_physical_robots_are_needed_by_sim_to_real_titles_and_repeated_prose_not_code_comments():
    comments = f"{FENCE}python\n" + "# In a real robot, this would move\n" * 5 + FENCE + "\n"
    assert facts(comments).hardware == frozenset()
    assert facts("Tuning.", title="Sim-to-Real Transfer Techniques").hardware == {PHYSICAL_ROBOT}
    prose = "Test on the real robot.\n\nThe physical robot falls.\n\nDeploy on real hardware.\n"
    assert facts(prose).hardware == {PHYSICAL_ROBOT}
    assert facts("Drive the TurtleBot.\n\nTurtleBot4 docs.\n\nTurtleBot again.\n").hardware == {
        "Mobile robot"
    }


def test_difficulty_is_normalised():
    assert facts("x", difficulty="Intermediate").difficulty == "intermediate"
    assert facts("x", difficulty=" easy ").difficulty == "beginner"
    assert facts("x", difficulty="hard").difficulty == "advanced"
    assert facts("x", difficulty="spicy").difficulty is None
    assert facts("x").difficulty is None


@cache
def _book_facts(path: str) -> ChapterFacts:
    return document_facts(load_document(CORPUS, CORPUS / path), 0)


@needs_corpus
@pytest.mark.parametrize(
    "path",
    [
        "module1-ros2/nodes.md",
        "module1-ros2/rclpy-usage.md",
        "module1-ros2/topics-services-actions.md",
        "module1-ros2/exercises/exercise-1.md",
    ],
)
def test_textbook_ros2_chapters_use_python_and_ros2_and_need_no_hardware(path):
    found = _book_facts(path)
    assert "Python" in found.languages
    assert "ROS 2" in found.frameworks
    assert "ROS" not in found.frameworks
    assert found.hardware == frozenset()


@needs_corpus
@pytest.mark.parametrize(
    "path",
    [
        "module3-ai/isaac-sim.md",
        "module3-ai/install-configure-isaac.md",
        "module3-ai/isaac-setup.md",
        "module3-ai/exercises/exercise-1.md",
    ],
)
def test_textbook_isaac_chapters_need_an_nvidia_gpu(path):
    found = _book_facts(path)
    assert "NVIDIA GPU" in found.hardware
    assert "Isaac Sim" in found.frameworks


@needs_corpus
def test_textbook_jetson_unity_and_rospy_chapters():
    jetson = _book_facts("module3-ai/model-deployment-jetson.md")
    assert jetson.hardware == {"NVIDIA Jetson"}
    unity = _book_facts("module2-simulation/unity-setup.md")
    assert "C#" in unity.languages and "Unity" in unity.frameworks
    assert _book_facts("module2-simulation/gazebo-configuration.md").frameworks >= {"Gazebo", "ROS 2"}
    assert "ROS" in _book_facts("module4-vla/gpt-ros2-implementation.md").frameworks  # its code uses rospy
    assert _book_facts("module3-ai/sim2real-transfer.md").hardware == {PHYSICAL_ROBOT}


# --- the parts of the score ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "difficulty", "preference", "expected"),
    [
        ("Beginner", "beginner", "balanced", 1.0),
        ("Beginner", "intermediate", "balanced", 0.5),
        ("Beginner", "intermediate", "challenging", 0.8),
        ("Beginner", "intermediate", "gentle", 0.5),
        ("Beginner", "advanced", "challenging", 0.0),
        ("Intermediate", "beginner", "gentle", 0.8),
        ("Intermediate", "beginner", "balanced", 0.5),
        ("Intermediate", "beginner", "challenging", 0.5),
        ("Advanced", "advanced", "balanced", 1.0),
        ("Expert", "advanced", "balanced", 1.0),
        ("Expert", "beginner", "gentle", 0.0),
        (None, "advanced", "balanced", 0.5),
        (None, "beginner", "gentle", 0.5),
    ],
)
def test_experience_match(level, difficulty, preference, expected):
    assert experience_match(profile(level, preference=preference), difficulty) == expected


def test_unknown_difficulty_is_inferred_from_the_third_of_the_book():
    assert [inferred_difficulty(p, 0, 8) for p in range(9)] == ["beginner"] * 3 + ["intermediate"] * 3 + [
        "advanced"
    ] * 3
    assert inferred_difficulty(10, 10, 10) == "beginner"  # a one-chapter book
    assert inferred_difficulty(119, 27, 119) == "advanced"  # positions need not start at 0


def test_software_match():
    python_ros2 = chapter("a.md", 0, languages={"Python"}, frameworks={"ROS 2"})
    assert software_match(profile(languages={"Python"}, frameworks={"ROS 2"}), python_ros2) == 1.0
    assert software_match(profile(languages={"Python"}), python_ros2) == 0.5
    assert software_match(profile(languages={"C++"}), python_ros2) == 0.0
    assert software_match(profile(languages={"Python"}, frameworks={"ROS"}), python_ros2) == 0.75
    assert software_match(profile(languages={"Other"}, frameworks={"Other"}), python_ros2) == pytest.approx(
        0.3
    )
    assert software_match(profile(languages={"C++"}), chapter("b.md", 1)) == 1.0  # needs nothing
    # Read about, not coded against: an overview without code gives half credit for a framework.
    assert software_match(profile(languages={"C++"}), chapter("c.md", 2, frameworks={"ROS 2"})) == 0.5
    # What the student met in chapters already read counts for most of what they know.
    assert software_match(profile(languages={"Python"}), python_ros2, frozenset({"ROS 2"})) == 0.9


def test_hardware_match():
    gpu = chapter("isaac.md", 0, hardware={"NVIDIA GPU"})
    robot = chapter("real.md", 1, hardware={PHYSICAL_ROBOT})
    assert hardware_match(profile(compute={"CPU only"}), gpu) == 0.0
    assert hardware_match(profile(compute={"CPU only", "NVIDIA GPU"}), gpu) == 1.0
    assert hardware_match(profile(compute={"NVIDIA Jetson"}), gpu) == 0.5
    assert hardware_match(profile(compute=()), gpu) == 0.5  # nothing listed: unknown
    assert hardware_match(profile(compute={"Apple Silicon (M1/M2)"}), gpu) == 0.0
    assert hardware_match(profile(robots={"None (simulation only)"}), robot) == 0.2
    assert hardware_match(profile(robots=()), robot) == 0.2
    assert hardware_match(profile(robots={"Mobile robot"}), robot) == 1.0
    humanoid = chapter("h.md", 2, hardware={"Humanoid robot"})
    assert hardware_match(profile(robots={"Mobile robot"}), humanoid) == 0.5
    assert hardware_match(profile(robots={"Humanoid robot"}), humanoid) == 1.0
    both = chapter("both.md", 3, hardware={"NVIDIA GPU", PHYSICAL_ROBOT})
    assert hardware_match(profile(compute={"NVIDIA GPU"}), both) == pytest.approx(0.6)
    assert hardware_match(profile(compute={"CPU only"}), chapter("none.md", 4)) == 1.0


def test_sequence_favours_the_first_unread_chapter_and_decays():
    book = [chapter(f"{n}.md", n) for n in range(5)]
    got = {r.path: r.parts["sequence"] for r in recommend(profile(), book, {"0.md", "2.md"}, limit=5)}
    assert got == {"1.md": 1.0, "3.md": pytest.approx(0.667), "4.md": 0.5}


# --- the whole score ---------------------------------------------------------------------------


def test_weights_add_up_and_a_perfect_chapter_scores_one():
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    assert WEIGHTS == {"experience": 0.4, "software": 0.3, "hardware": 0.2, "sequence": 0.1}
    perfect = chapter("isaac.md", 0, languages={"Python"}, frameworks={"Isaac Sim"}, hardware={"NVIDIA GPU"})
    student = profile("Beginner", frameworks={"Isaac Sim"}, compute={"NVIDIA GPU"})
    [top] = recommend(student, [perfect], set())
    assert top.score == 1.0
    assert top.parts == {"experience": 1.0, "software": 1.0, "hardware": 1.0, "sequence": 1.0}


def test_score_is_the_weighted_sum_of_the_parts_rounded():
    book = [
        chapter("a.md", 0, difficulty="intermediate", languages={"Python", "C++"}, hardware={"NVIDIA GPU"}),
        chapter("b.md", 1, difficulty="advanced", frameworks={"ROS 2"}, hardware={PHYSICAL_ROBOT}),
    ]
    for rec in recommend(profile(), book, set()):
        expected = sum(WEIGHTS[name] * value for name, value in rec.parts.items())
        assert rec.score == pytest.approx(expected, abs=0.002)
        assert rec.score == round(rec.score, 3)
        assert 0.0 <= rec.score <= 1.0
    [a, b] = sorted(recommend(profile(), book, set()), key=lambda r: r.path)
    assert a.parts == {"experience": 0.5, "software": 0.5, "hardware": 0.0, "sequence": 1.0}
    assert a.score == 0.45
    assert b.parts == {"experience": 0.0, "software": 0.5, "hardware": 0.2, "sequence": pytest.approx(0.667)}
    assert b.score == 0.257


def test_read_chapters_are_never_recommended():
    book = [chapter(f"{n}.md", n) for n in range(8)]
    read = {"0.md", "3.md", "5.md"}
    picks = recommend(profile(), book, read, limit=10)
    assert [r.path for r in picks] == ["1.md", "2.md", "4.md", "6.md", "7.md"]
    assert recommend(profile(), book, {c.path for c in book}) == []
    assert recommend(profile(), [], set()) == []
    assert len(recommend(profile(), book, set(), limit=3)) == 3
    assert recommend(profile(), book, set(), limit=0) == []


def test_read_chapters_still_set_the_book_thirds():
    book = [chapter(f"{n}.md", n, difficulty=None) for n in range(9)]
    read = {f"{n}.md" for n in range(6)}
    picks = recommend(profile("Advanced"), book, read)
    assert [r.parts["experience"] for r in picks] == [1.0, 1.0, 1.0]  # the last third is advanced


def test_ties_are_broken_by_position_and_results_are_deterministic():
    book = [chapter(f"{name}.md", n, difficulty=None) for n, name in enumerate("zyxwvutsrq")]
    student = profile(None)
    first = recommend(student, book, set(), limit=10)
    shuffled = book[:]
    random.Random(7).shuffle(shuffled)
    assert recommend(student, shuffled, set(), limit=10) == first
    assert recommend(student, book, set(), limit=10) == first
    same_score = chapter("same.md", 3, difficulty=None)
    tied = [replace(c, position=0) for c in book[:3]] + [same_score]
    paths = [r.path for r in recommend(student, tied, set())]
    assert paths == sorted(paths[:3]) + paths[3:]  # equal positions: by path


def test_a_chapter_listed_twice_is_recommended_once():
    one = chapter("a.md", 0)
    assert [r.path for r in recommend(profile(), [one, one, chapter("b.md", 1)], set())] == ["a.md", "b.md"]


# --- reasons ---------------------------------------------------------------------------------


def test_a_good_fit_names_its_good_reasons():
    book = [chapter("nodes.md", 0, difficulty="intermediate", languages={"Python"}, frameworks={"ROS 2"})]
    student = profile("Intermediate", languages={"Python"}, frameworks={"ROS 2"})
    [rec] = recommend(student, book, set())
    assert (
        rec.reason == "Next in the book; fits your Intermediate level; uses Python and ROS 2, which you know."
    )


def test_a_missing_gpu_decides_the_reason():
    isaac = chapter("isaac.md", 0, languages={"Python"}, frameworks={"Isaac Sim"}, hardware={"NVIDIA GPU"})
    student = profile("Beginner", frameworks={"Isaac Sim"}, compute={"CPU only"})
    [rec] = recommend(student, [isaac], set())
    assert rec.parts["hardware"] == 0.0
    assert rec.reason == "Needs an NVIDIA GPU, which you don't list — consider it once you have one."


def test_a_level_gap_decides_the_reason():
    hard = chapter("hard.md", 0, difficulty="advanced", languages={"Python"})
    [rec] = recommend(profile("Beginner"), [hard], set())
    assert "advanced" in rec.reason and "Beginner level" in rec.reason
    easy = chapter("easy.md", 0, difficulty="beginner", languages={"Python"})
    [rec] = recommend(profile("Expert"), [easy], set())
    assert "below your Expert level" in rec.reason


def test_unknown_software_is_named_and_known_software_from_reading_is_credited():
    ros = chapter("ros.md", 1, languages={"Python"}, frameworks={"ROS 2"})
    intro = chapter("intro.md", 0, languages={"Python"}, frameworks={"ROS 2"})
    [rec] = recommend(profile("Beginner"), [ros], set())
    assert "ROS 2, which you don't list yet" in rec.reason
    assert rec.reason.startswith("Next in the book")  # a mild drawback follows the good news
    [rec] = recommend(profile("Beginner"), [intro, ros], {"intro.md"})
    assert "ROS 2, which you met in chapters you read" in rec.reason
    assert rec.parts["software"] == 0.9


def test_simulation_only_students_are_told_a_chapter_is_for_a_physical_robot():
    real = chapter("real.md", 0, languages={"Python"}, hardware={PHYSICAL_ROBOT})
    [rec] = recommend(profile("Beginner"), [real], set())
    assert rec.parts["hardware"] == 0.2
    assert "physical robot" in rec.reason and "simulation" in rec.reason


def test_reasons_are_never_empty_and_read_as_one_sentence():
    book = [
        chapter("a.md", 0, difficulty=None),
        chapter("b.md", 1, difficulty="advanced", frameworks={"Unity"}, languages={"C#"}),
        chapter("c.md", 2, difficulty=None, hardware={"NVIDIA Jetson", "Humanoid robot"}),
        chapter("d.md", 3, difficulty="intermediate", languages={"Rust"}),
    ]
    students = [
        profile(None, languages=(), compute=(), robots=()),
        profile("Expert", languages={"Other"}, frameworks={"Other"}, compute={"Other"}, robots={"Other"}),
        profile("Intermediate", preference="challenging"),
        profile("Advanced", preference="gentle", compute={"NVIDIA Jetson"}, robots={"Custom hardware"}),
    ]
    for student in students:
        for rec in recommend(student, book, set(), limit=10):
            assert rec.reason and rec.reason[0].isupper() and rec.reason.endswith(".")
            assert rec.reason.count(".") == 1


# --- the real textbook -------------------------------------------------------------------------


@cache
def _module_chapters() -> tuple[ChapterFacts, ...]:
    documents = [d for d in load_book(CORPUS) if isinstance(d, BookDocument) and d.path.startswith("module")]
    return tuple(document_facts(d, position) for position, d in enumerate(documents) if "/" in d.path)


@needs_corpus
def test_a_cpu_only_beginner_gets_ros2_basics_before_isaac_sim_gpu_chapters():
    chapters = list(_module_chapters())
    student = profile("Beginner", languages={"Python"}, compute={"CPU only"})
    ranking = [r.path for r in recommend(student, chapters, set(), limit=len(chapters))]
    top = ranking[:5]
    assert all(path.startswith("module1-ros2/") for path in top), top
    assert top[0] == "module1-ros2/index.md"
    isaac = [p for p in ranking if "isaac" in p and p.startswith("module3-ai/")]
    assert isaac
    basics = [
        "module1-ros2/nodes.md",
        "module1-ros2/topics-services-actions.md",
        "module1-ros2/rclpy-usage.md",
    ]
    assert max(ranking.index(p) for p in basics) < min(ranking.index(p) for p in isaac)
    by_path = {r.path: r for r in recommend(student, chapters, set(), limit=len(chapters))}
    assert by_path["module3-ai/isaac-sim.md"].parts["hardware"] == 0.0
    assert "NVIDIA GPU" in by_path["module3-ai/isaac-sim.md"].reason


@needs_corpus
def test_a_gpu_owner_gets_the_isaac_chapters_the_cpu_only_student_does_not():
    chapters = list(_module_chapters())
    read = {c.path for c in chapters if not c.path.startswith("module3-ai/")}
    cpu = recommend(profile("Advanced", compute={"CPU only"}), chapters, read, limit=30)
    gpu = recommend(profile("Advanced", compute={"NVIDIA GPU"}), chapters, read, limit=30)
    cpu_rank = {r.path: i for i, r in enumerate(cpu)}
    gpu_rank = {r.path: i for i, r in enumerate(gpu)}
    assert gpu_rank["module3-ai/isaac-setup.md"] < cpu_rank["module3-ai/isaac-setup.md"]
    assert all(not r.path.startswith(("module1", "module2", "module4")) for r in gpu)


@needs_corpus
def test_recommendations_on_the_textbook_are_deterministic():
    chapters = list(_module_chapters())
    student = profile(
        "Intermediate", languages={"Python", "C++"}, frameworks={"ROS 2"}, compute={"NVIDIA GPU"}
    )
    read = {c.path for c in chapters[:10]}
    assert recommend(student, chapters, read) == recommend(student, list(reversed(chapters)), read)
