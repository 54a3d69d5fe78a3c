"""tools/student_copy.py (`make student`): the student's own copy of exercises/ in my-work/."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from course_tools import load_tool

ROOT = Path(__file__).resolve().parents[1]


student_copy = load_tool("student_copy")

A, B = "01_forward_pass.ipynb", "02_state_gradient.ipynb"


@pytest.fixture
def folders(tmp_path):
    src, dst = tmp_path / "exercises", tmp_path / "my-work"
    src.mkdir()
    (src / A).write_text('{"cells": ["a, version 1"]}\n')
    (src / B).write_text('{"cells": ["b, version 1"]}\n')
    (src / "notes.txt").write_text("not a notebook")
    return src, dst


def _actions(report):
    return {entry.name: entry.action for entry in report}


def test_first_copy_creates_every_notebook_and_the_manifest(folders):
    src, dst = folders
    report = student_copy.copy_exercises(src, dst)
    assert _actions(report) == {A: "copied", B: "copied"}
    assert [str(entry) for entry in report] == [f"copied {A}", f"copied {B}"]
    for name in (A, B):
        assert (dst / name).read_bytes() == (src / name).read_bytes()
    assert not (dst / "notes.txt").exists()
    manifest = json.loads((dst / ".copied.json").read_text())
    assert manifest == {name: student_copy.sha256(src / name) for name in (A, B)}
    assert not [p for p in dst.iterdir() if p.name.endswith(".tmp")]


def test_running_again_with_nothing_new_changes_nothing(folders):
    src, dst = folders
    student_copy.copy_exercises(src, dst)
    assert _actions(student_copy.copy_exercises(src, dst)) == {A: "current", B: "current"}


def test_an_untouched_notebook_gets_the_new_version(folders):
    src, dst = folders
    student_copy.copy_exercises(src, dst)
    (src / A).write_text('{"cells": ["a, version 2"]}\n')
    report = student_copy.copy_exercises(src, dst)
    assert _actions(report) == {A: "updated", B: "current"}
    assert (dst / A).read_text() == '{"cells": ["a, version 2"]}\n'
    assert json.loads((dst / ".copied.json").read_text())[A] == student_copy.sha256(src / A)
    # and the version after that too: the manifest now holds version 2
    (src / A).write_text('{"cells": ["a, version 3"]}\n')
    assert _actions(student_copy.copy_exercises(src, dst))[A] == "updated"
    assert (dst / A).read_text() == '{"cells": ["a, version 3"]}\n'


def test_a_changed_notebook_is_kept_and_reported(folders, monkeypatch):
    src, dst = folders
    monkeypatch.chdir(src.parent)
    student_copy.copy_exercises(src, dst)
    mine = '{"cells": ["a, my answer"]}\n'
    (dst / A).write_text(mine)
    (src / A).write_text('{"cells": ["a, version 2"]}\n')
    (src / B).write_text('{"cells": ["b, version 2"]}\n')
    report = student_copy.copy_exercises(src, dst)
    assert _actions(report) == {A: "kept", B: "updated"}
    assert str(report[0]) == f"kept your {A} (you changed it); the new version is in exercises/{A}"
    assert (dst / A).read_text() == mine
    # still the student's on every later run, even once upstream stops changing
    for _ in range(2):
        assert _actions(student_copy.copy_exercises(src, dst))[A] == "kept"
        assert (dst / A).read_text() == mine


def test_a_changed_notebook_is_kept_even_without_a_manifest(folders):
    """A student who copied notebooks into my-work/ by hand (or lost the manifest) keeps them."""
    src, dst = folders
    dst.mkdir()
    (dst / A).write_text('{"cells": ["a, my answer"]}\n')
    (dst / ".copied.json").write_text("not json")
    report = student_copy.copy_exercises(src, dst)
    assert _actions(report) == {A: "kept", B: "copied"}
    assert (dst / A).read_text() == '{"cells": ["a, my answer"]}\n'


def test_the_students_own_files_are_left_alone(folders):
    src, dst = folders
    student_copy.copy_exercises(src, dst)
    (dst / "scratch.ipynb").write_text("mine")
    (src / A).unlink()  # an exercise withdrawn upstream stays in my-work/
    report = student_copy.copy_exercises(src, dst)
    assert [entry.name for entry in report] == [B]
    assert (dst / "scratch.ipynb").read_text() == "mine"
    assert (dst / A).exists()


def test_the_command_line_prints_one_line_per_notebook(folders):
    src, dst = folders
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "student_copy.py"), str(src), str(dst)],
                         capture_output=True, text=True, check=True)
    lines = run.stdout.splitlines()
    assert lines[:2] == [f"copied {A}", f"copied {B}"]
    assert len(lines) == 3 and "my-work" in lines[2]


def test_the_command_line_fails_clearly_without_exercises(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "student_copy.py"),
                          str(tmp_path / "missing"), str(tmp_path / "my-work")],
                         capture_output=True, text=True)
    assert run.returncode == 1 and "no notebooks" in run.stderr


def test_the_tool_needs_only_the_standard_library():
    source = (ROOT / "tools" / "student_copy.py").read_text()
    imported = set(re.findall(r"^(?:from|import) (\w+)", source, re.M))
    assert imported <= set(sys.stdlib_module_names)


def test_my_work_is_ignored_by_git():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        ignore = (ROOT / ".gitignore").read_text().splitlines()
        assert "my-work/" in ignore
        return
    run = subprocess.run(["git", "check-ignore", "-q", "my-work/01_forward_pass.ipynb"], cwd=ROOT)
    assert run.returncode == 0, "my-work/ must be in .gitignore"


def test_make_student_runs_the_tool_with_only_python():
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(r"^student:(.*)\n((?:\t.*\n)+)", makefile, re.M)
    assert match, "the Makefile needs a `student` target"
    prerequisites, recipe = match.groups()
    assert not prerequisites.strip() and "$(COURSE) student" in recipe  # python -m tools student
    assert re.search(r"^\.PHONY:.*\bstudent\b", makefile, re.M)
    course = (ROOT / "tools" / "__main__.py").read_text()
    # `student` needs no environment: it runs the tool with the Python that runs the command
    assert '[sys.executable, "-m", "tools.student_copy", "exercises", "my-work"' in course
