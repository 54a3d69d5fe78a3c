"""The students' notebooks in exercises/: current with notebooks/, and they run as handed out."""

import os
from pathlib import Path

import nbformat
import pytest
from course_tools import load_tool
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


NOTEBOOKS = load_tool("make_exercises").lessons_with_exercises()


def _check_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code" and "checks.check_" in cell.source]


def _text(cell) -> str:
    return "".join(out.get("text", "") + out.get("data", {}).get("text/plain", "") for out in cell.outputs)


def test_exercise_notebooks_are_up_to_date():
    stale = [path.name for path, text in load_tool("make_exercises").targets().items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    assert not stale, f"run `make exercises` and commit: {stale} out of date"


def test_every_lesson_has_exercises_whose_checks_pass():
    assert {"01", "02", "03", "04"} <= {path.name[:2] for path in NOTEBOOKS}
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        checks = _check_cells(nb)
        assert checks and sum("### BEGIN SOLUTION" in cell.source for cell in nb.cells) == len(checks)
        for cell in checks:
            assert _text(cell).startswith("✓"), (path.name, _text(cell))


def test_solutions_become_a_raise_with_the_hint():
    strip = load_tool("make_exercises").strip_solutions
    source = "def f(x):\n    ### BEGIN SOLUTION\n    # hint: double it\n    return 2 * x\n    ### END SOLUTION"
    assert strip(source) == "def f(x):\n    raise NotImplementedError('double it')"
    long_hint = "x" * 110
    source = f"def f(x):\n    ### BEGIN SOLUTION\n    # hint: {long_hint}\n    return 2 * x\n    ### END SOLUTION"
    stripped = strip(source)
    assert stripped == f"def f(x):\n    raise NotImplementedError(\n        '{long_hint}'\n    )"
    assert max(len(line) for line in stripped.split("\n")) <= 120
    with pytest.raises(ValueError, match="hint"):
        strip("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")
    with pytest.raises(ValueError, match="without"):
        strip("### BEGIN SOLUTION\nx = 1")


@pytest.mark.parametrize("path", [ROOT / "exercises" / p.name for p in NOTEBOOKS], ids=lambda p: p.stem)
def test_student_notebook_runs_and_every_check_says_not_implemented_yet(path):
    nb = nbformat.read(path, as_version=4)
    assert "BEGIN SOLUTION" not in path.read_text(encoding="utf-8")
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")
    # Figures are built but not drawn (as while nbgrader autogrades): the lecture notebooks' runs
    # (nbval, tests/browser) check the drawing; this one checks the student's version runs.
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute(env={**os.environ, "NBGRADER_EXECUTION": "autograde"})
    checks = _check_cells(nb)
    assert checks
    for cell in checks:
        assert "not implemented yet" in _text(cell), _text(cell)
