"""Grading with nbgrader, for real: tools/make_grading.py's source, through nbgrader's own
command line, in a temporary course folder per lesson notebook.

Per notebook: ``nbgrader generate_assignment``; the release holds no solution, no answer
and no hidden test; two submissions, one with every function correct (the solutions) and
one with every function making a modelled mistake (the first of its check's ``Mistake``
models that the check names as itself); ``nbgrader autograde`` gives the first full marks
and the second zero on every graded cell; ``nbgrader generate_feedback`` shows the second
each check's one-line diagnosis. Two more submissions: in 02, a function tuned to the
cases the check shows, which passes the visible check and fails the hidden test; in 04, a
backward pass whose δW alone is wrong, which gets the points of δb and δx. The folders are
graded in parallel.
"""

from __future__ import annotations

import copy
import html
import importlib
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from course_tools import ONE_BLAS_THREAD, load_tool, parallel_slots

from lstm_core import checks

ROOT = Path(__file__).resolve().parents[1]
GRADING = load_tool("make_grading")
BEGIN, END = GRADING.BEGIN, GRADING.END
LESSONS = GRADING.make_exercises.lessons_with_exercises()
#: the assignments graded here through nbgrader's command line; ps02 goes through a real
#: JupyterHub's exchange instead, in tests/test_jupyterhub.py (the time budget of make test)
ROUND_TRIP = [path for path in LESSONS if path.stem != "02_state_gradient"]
#: the venv's bin: nbgrader itself, and the helpers it calls by name (alembic)
BIN = Path(sys.executable).parent
RIGHT, WRONG, EXTRA = "right", "wrong", "extra"


def _nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _solutions(nb, pasted=True) -> dict:
    """The solution cells; with ``pasted=False`` only the exercises graded here (not a function
    pasted in from an earlier notebook, cells tagged ``paste``)."""
    return {_nbgrader_meta(c)["grade_id"]: c for c in nb.cells if _nbgrader_meta(c).get("solution")
            and (pasted or not GRADING.make_exercises.is_paste(c))}


def _tests(nb) -> dict:
    return {_nbgrader_meta(c)["grade_id"]: c for c in nb.cells if _nbgrader_meta(c).get("grade")}


def _graded_ids(name: str) -> list[str]:
    """The grade_ids of the test cells that grade exercise ``name``."""
    outputs = GRADING.PER_OUTPUT.get(name)
    return [f"check_{name}_{output}" for output in outputs] if outputs else [f"check_{name}"]


def _label(key: str) -> str:
    """The name a graded cell's check gives in its messages: ``state_gradient``, ``backward_through_time (δW)``."""
    for name, outputs in GRADING.PER_OUTPUT.items():
        for output in outputs:
            if key == f"{name}_{output}":
                return f"{name} ({checks.backward_pass.OUTPUT_LABELS[output]})"
    return key


# ------------------------------------------------------------------- the tool, alone


def test_a_failed_check_raises_its_diagnosis_and_a_passed_one_shows_itself():
    passed = checks.check_sgd_update(lambda W, dW, lr: W - lr * dW)
    assert passed.require() is passed
    failed = checks.check_sgd_update(lambda W, dW, lr: W + lr * dW)
    with pytest.raises(AssertionError) as raised:
        failed.require()
    assert str(raised.value) == failed.message and failed.message.startswith("✗ sgd_update: looks like")


def test_a_check_cell_raises_and_a_solution_keeps_its_hint_above_the_block():
    name, source = GRADING.graded_check("from lstm_core import checks\nchecks.check_lstm_step(lstm_step)  # go")
    assert name == "lstm_step"
    assert source == ("from lstm_core import checks\nprint(checks.check_lstm_step(lstm_step).require())  # go\n"
                      "### BEGIN HIDDEN TESTS\nprint(checks.check_lstm_step(lstm_step, hidden=True).require())\n"
                      "### END HIDDEN TESTS")
    with pytest.raises(ValueError, match="exactly one"):
        GRADING.graded_check("checks.check_a(a)\nchecks.check_b(b)")
    solution = "def f(x):\n    ### BEGIN SOLUTION\n    # hint: double it\n    return 2 * x\n    ### END SOLUTION"
    assert GRADING.solution_function(solution) == "f"
    assert GRADING.hint_above_block(solution) == (
        "def f(x):\n    # hint: double it\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION")
    assert GRADING.points("an_exercise_not_in_the_table") == GRADING.DEFAULT_POINTS == 1


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_grading_source_has_nbgraders_metadata_on_every_cell(path):
    nb = GRADING.grading_notebook(path)
    assert nb.metadata.kernelspec.name and nb.metadata.kernelspec.language == "python"
    solutions, tests = _solutions(nb, pasted=False), _tests(nb)
    assert solutions and sorted(i for name in solutions for i in _graded_ids(name)) == sorted(tests)
    ids = [_nbgrader_meta(cell)["grade_id"] for cell in nb.cells]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)
    for k, cell in enumerate(nb.cells):
        meta = _nbgrader_meta(cell)
        assert meta["schema_version"] == 3 and not cell.get("outputs")
        assert "answer" not in cell.metadata.get("tags", [])
        if meta["solution"]:
            assert BEGIN in cell.source and not meta["grade"] and not meta["locked"]
        elif GRADING.make_exercises.is_paste(cell):  # a pasted function's check: graded in its own notebook
            assert meta["locked"] and not meta["grade"] and ".require()" not in cell.source
        elif meta["grade"]:
            assert meta["locked"] and 1 <= meta["points"] <= 3 and ".require())" in cell.source
            visible, hidden = cell.source.split(GRADING.HIDDEN_BEGIN)
            assert "hidden=True" not in visible and "hidden=True" in hidden
            assert hidden.rstrip().endswith(GRADING.HIDDEN_END)
            name = next(name for name in solutions if meta["grade_id"] in _graded_ids(name))
            position = [i for i, c in enumerate(nb.cells) if c is solutions[name]][0]
            assert position < k, f"{meta['grade_id']} comes before its exercise"
        else:
            assert meta["locked"] and BEGIN not in cell.source


def test_points_total_is_stated_in_the_readme():
    total = sum(sum(GRADING.exercise_points(GRADING.grading_notebook(path)).values()) for path in LESSONS)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Grading with nbgrader\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert section, 'the README needs a section "## Grading with nbgrader"'
    assert f"{total} points" in section.group(1), f"the README should say the exercises are worth {total} points"


def test_students_notebooks_only_show_their_checks():
    for path in (ROOT / "exercises").glob("*.ipynb"):
        assert ".require()" not in path.read_text(encoding="utf-8"), path.name


def test_make_grading_writes_a_course_folder_and_keeps_its_config(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("# mine\n")
    assert GRADING.main(["--out", str(tmp_path)]) == 0
    written = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "source").glob("*/*.ipynb"))
    assert written == sorted(f"source/ps{p.stem}/{p.name}" for p in LESSONS)
    assert (tmp_path / "nbgrader_config.py").read_text() == "# mine\n"


def test_make_lab_installs_no_nbgrader_and_make_test_does():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    course = load_tool("__main__")  # python -m tools: what each make target installs
    assert set(course.EXTRAS["lab"]) == {"lab"}
    assert set(course.EXTRAS["test"]) == {"lab", "test", "grade"}
    assert "grade" in course.EXTRAS["grading"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    optional = project["optional-dependencies"]
    assert [r for r in optional["grade"] if r.startswith("nbgrader")]
    assert not [r for r in project["dependencies"] + optional["lab"] if r.startswith(("nbgrader", "notebook"))]


# ------------------------------------------------------------- a modelled mistake


MISTAKEN = '''\
import importlib as _importlib
from lstm_core import checks as _checks
# the check's cases, built here (with the engine) and not inside the function, which the check watches
_exercise = getattr(_importlib.import_module(_checks.check_{name}.__module__), "{name}_exercise")()


def {name}(*args):
    """Makes check_{name}'s modelled mistake {key!r}: returns what its model does on the check's case."""
    import numpy as np
    exercise = _exercise
    mistake = next(m for m in exercise.mistakes if m.key == {key!r})
    for case in exercise.cases:
        if all(np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b if isinstance(a, (int, float)) else True
               for a, b in zip(args, case.args)):
            out = mistake.model(case)
            if out is None:  # where this mistake makes numpy raise
                raise ValueError("operands could not be broadcast together")
            return out[0] if len(exercise.outputs) == 1 and isinstance(out, tuple) else out
    raise ValueError("not one of the check's cases")
'''


def mistaken(name: str) -> tuple[str, dict]:
    """``(source, diagnoses)``: a function making the first modelled mistake that check_<name>
    names as itself, and each graded cell's one-line diagnosis of it, keyed like
    ``exercise_points`` (``state_gradient``, or ``backward_through_time_dW`` and so on)."""
    check = getattr(checks, f"check_{name}", None)
    assert check, f"lstm_core.checks has no check_{name}"
    module = importlib.import_module(check.__module__)
    assert hasattr(module, f"{name}_exercise"), f"{module.__name__} needs {name}_exercise() (the Exercise)"
    for mistake in getattr(module, f"{name}_exercise")().mistakes:
        source = MISTAKEN.format(name=name, key=mistake.key)
        namespace = {}
        exec(source, namespace)  # noqa: S102 - our own source, run as the kernel will run it
        result = check(namespace[name])
        if result.mistake == mistake.key:
            outputs = GRADING.PER_OUTPUT.get(name)
            if not outputs:
                return source, {name: result.message}
            return source, {f"{name}_{output}": check(namespace[name], output=output).message for output in outputs}
    pytest.fail(f"check_{name} names none of its modelled mistakes as itself")


#: in 01, a third submission tuned to the cases the check shows: it passes the visible check
#: and fails the hidden test
TUNED = {"lstm_step": '''\
def lstm_step(W, b, x_t, h_prev, s_prev):
    """Tuned to the cases the check shows: their answers looked up, zeros otherwise."""
    import numpy as np
    from lstm_core.checks.forward_pass import lstm_step_exercise
    for case in lstm_step_exercise().cases:
        if np.array_equal(case.args[2], x_t) and np.array_equal(case.args[0], W):
            return case.expected
    return np.zeros_like(h_prev), np.zeros_like(s_prev)
'''}
#: in 04, a third submission whose backward pass gets δW wrong (I_t built with h_t) and δb, δx right
DW_WRONG = {"backward_through_time": '''\
def backward_through_time(W, steps, dh_loss):
    import numpy as np
    T, H = dh_loss.shape
    D = W.shape[1] - H
    dW, db, dx = np.zeros_like(W), np.zeros(4 * H), np.zeros((T, D))
    dh_next, ds_via_next = np.zeros(H), np.zeros(H)
    for k in reversed(range(T)):
        st = steps[k]
        dh = dh_loss[k] + dh_next
        ds = dh * st.o * (1 - np.tanh(st.s) ** 2) + ds_via_next
        dz = np.concatenate([ds * st.i * (1 - st.a ** 2), ds * st.a * st.i * (1 - st.i),
                             ds * st.s_prev * st.f * (1 - st.f), dh * np.tanh(st.s) * st.o * (1 - st.o)])
        dI = W.T @ dz
        dx[k], dh_next = dI[:D], dI[D:]
        ds_via_next = ds * st.f
        dW += np.outer(dz, np.concatenate([st.x, st.h]))  # h_t where h_{t-1} belongs
        db += dz
    return dW, db, dx
'''}
EXTRA_SUBMISSIONS = {"01_forward_pass": TUNED, "04_weight_update": DW_WRONG}


# ------------------------------------------------------------ the nbgrader round trip


@dataclass
class RoundTrip:
    folder: Path
    assignment: str
    notebook: str
    source: object = None
    release: object = None
    diagnoses: dict = field(default_factory=dict)
    scores: dict = field(default_factory=dict)  # student -> {grade_id: (score, max_score)}
    totals: dict = field(default_factory=dict)  # student -> (score, max_score)
    feedback: dict = field(default_factory=dict)  # student -> the feedback HTML's text (tags removed)
    autograde_log: str = ""


def _nbgrader(folder: Path, *args: str) -> str:
    env = dict(os.environ, **ONE_BLAS_THREAD,
               PATH=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]),
               # only this course folder's nbgrader_config.py, and only the venv's kernel
               JUPYTER_CONFIG_DIR=str(folder / ".jupyter" / "config"),
               JUPYTER_DATA_DIR=str(folder / ".jupyter" / "data"))
    run = subprocess.run([str(BIN / "nbgrader"), *args], cwd=folder, env=env,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, \
        f"`nbgrader {' '.join(args)}` failed in {folder}:\n{run.stdout[-4000:]}{run.stderr[-4000:]}"
    return run.stdout + run.stderr


def _submit(folder: Path, trip: RoundTrip, student: str, sources: dict) -> None:
    nb = copy.deepcopy(trip.release)
    for grade_id, cell in _solutions(nb).items():
        cell.source = sources[grade_id]
    path = folder / "submitted" / student / trip.assignment / trip.notebook
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)


def round_trip(lesson: Path, folder: Path) -> RoundTrip:
    from nbgrader.api import Gradebook

    trip = RoundTrip(folder, GRADING.assignment_name(lesson), lesson.name)
    trip.source = GRADING.grading_notebook(lesson)
    source_path = folder / "source" / trip.assignment / trip.notebook
    source_path.parent.mkdir(parents=True)
    nbformat.write(trip.source, source_path)
    (folder / "nbgrader_config.py").write_text(GRADING.CONFIG, encoding="utf-8")
    _nbgrader(folder, "generate_assignment", trip.assignment, "--force")
    trip.release = nbformat.read(folder / "release" / trip.assignment / trip.notebook, as_version=4)

    right, wrong = {}, {}
    for name, cell in _solutions(trip.source).items():
        right[name] = "\n".join(line for line in cell.source.split("\n") if line.strip() not in (BEGIN, END))
        wrong[name], diagnoses = mistaken(name)
        if name in _solutions(trip.source, pasted=False):
            trip.diagnoses.update(diagnoses)
    _submit(folder, trip, RIGHT, right)
    _submit(folder, trip, WRONG, wrong)
    students = [RIGHT, WRONG]
    if lesson.stem in EXTRA_SUBMISSIONS:
        _submit(folder, trip, EXTRA, {**right, **EXTRA_SUBMISSIONS[lesson.stem]})
        students.append(EXTRA)

    trip.autograde_log = _nbgrader(folder, "autograde", trip.assignment)
    _nbgrader(folder, "generate_feedback", trip.assignment)

    notebook_id = Path(trip.notebook).stem
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        for student in students:
            submitted = gradebook.find_submission_notebook(notebook_id, trip.assignment, student)
            trip.scores[student] = {grade.name: (grade.score, grade.max_score) for grade in submitted.grades}
            trip.totals[student] = (submitted.score, submitted.max_score)
            feedback = folder / "feedback" / student / trip.assignment / f"{notebook_id}.html"
            trip.feedback[student] = html.unescape(re.sub(r"<[^>]+>", "", feedback.read_text(encoding="utf-8")))
    return trip


@pytest.fixture(scope="module")
def round_trips(tmp_path_factory) -> dict[str, RoundTrip]:
    pytest.importorskip("nbgrader", reason="nbgrader is not installed: pip install -e '.[grade]' (make test does)")
    if not (BIN / "nbgrader").exists() or shutil.which("alembic", path=str(BIN)) is None:
        pytest.skip(f"nbgrader's command line (nbgrader, alembic) is not in {BIN}")
    base = tmp_path_factory.mktemp("nbgrader")
    workers = max(1, min(len(ROUND_TRIP), parallel_slots()))
    with ThreadPoolExecutor(workers) as pool:
        futures = {lesson.stem: pool.submit(round_trip, lesson, base / lesson.stem) for lesson in ROUND_TRIP}
    return {stem: future for stem, future in futures.items()}


def _trip(round_trips, path) -> RoundTrip:
    return round_trips[path.stem].result()  # re-raises what went wrong in that folder


@pytest.mark.parametrize("path", ROUND_TRIP, ids=lambda p: p.stem)
def test_released_notebook_holds_no_solution_and_no_answer(round_trips, path):
    trip = _trip(round_trips, path)
    text = (trip.folder / "release" / trip.assignment / trip.notebook).read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    lecture = nbformat.read(path, as_version=4)
    answers = {c.source for c in lecture.cells if "answer" in c.metadata.get("tags", [])}
    assert all(c.source not in answers and "answer" not in c.metadata.get("tags", []) for c in trip.release.cells)
    for cell in trip.release.cells:
        meta = _nbgrader_meta(cell)
        if meta["solution"]:  # the student writes here: editable, its hint kept above nbgrader's stub
            assert cell.metadata.get("editable", True) and "raise NotImplementedError" in cell.source
            assert re.search(r"^\s*# hint: .+\n\s*# YOUR CODE HERE$", cell.source, re.M)
        else:  # the checks and everything else: read-only
            assert cell.metadata.get("editable") is False and cell.metadata.get("deletable") is False


@pytest.mark.parametrize("path", ROUND_TRIP, ids=lambda p: p.stem)
def test_correct_submission_gets_full_marks(round_trips, path):
    trip = _trip(round_trips, path)
    expected = {f"check_{name}": (float(n), float(n)) for name, n in GRADING.exercise_points(trip.source).items()}
    assert trip.scores[RIGHT] == expected, trip.feedback[RIGHT][-3000:]
    score, max_score = trip.totals[RIGHT]
    assert score == max_score == sum(n for _, n in expected.values())
    for key in GRADING.exercise_points(trip.source):
        assert f"✓ {_label(key)}: correct on 5 cases" in trip.feedback[RIGHT]
        assert f"✓ {_label(key)}, hidden cases: correct on 5 cases" in trip.feedback[RIGHT]
    # a test cell's displayed value would be read as a partial score: the checks print instead
    assert "partial credit" not in trip.autograde_log, trip.autograde_log[-3000:]


@pytest.mark.parametrize("path", ROUND_TRIP, ids=lambda p: p.stem)
def test_mistaken_submission_gets_zero_and_its_feedback_shows_each_diagnosis(round_trips, path):
    trip = _trip(round_trips, path)
    expected = {f"check_{name}": (0.0, float(n)) for name, n in GRADING.exercise_points(trip.source).items()}
    assert trip.scores[WRONG] == expected
    assert trip.totals[WRONG][0] == 0
    for key, diagnosis in trip.diagnoses.items():
        assert diagnosis.startswith(f"✗ {_label(key)}: looks like")
        assert f"AssertionError: {diagnosis}" in trip.feedback[WRONG], diagnosis


def test_a_function_tuned_to_the_visible_cases_fails_the_hidden_test(round_trips):
    trip = _trip(round_trips, ROOT / "notebooks" / "01_forward_pass.ipynb")
    assert trip.scores[EXTRA]["check_lstm_step"] == (0.0, float(GRADING.points("lstm_step")))
    assert "✓ lstm_step: correct on 5 cases" in trip.feedback[EXTRA]
    assert "AssertionError: ✗ lstm_step, hidden cases: " in trip.feedback[EXTRA]
    release = (trip.folder / "release" / trip.assignment / trip.notebook).read_text(encoding="utf-8")
    assert "hidden=True" not in release and "HIDDEN TESTS" not in release


def test_the_backward_pass_gets_credit_per_output(round_trips):
    trip = _trip(round_trips, ROOT / "notebooks" / "04_weight_update.ipynb")
    scores = trip.scores[EXTRA]
    assert scores["check_backward_through_time_dW"] == (0.0, 1.0)
    assert scores["check_backward_through_time_db"] == scores["check_backward_through_time_dx"] == (1.0, 1.0)
    assert "AssertionError: ✗ backward_through_time (δW): looks like δW's last H columns" in trip.feedback[EXTRA]
    assert trip.totals[EXTRA][0] == trip.totals[EXTRA][1] - 1


def test_the_course_config_sets_a_course_id_and_an_exchange(tmp_path, monkeypatch):
    """So that `nbgrader release_assignment` and `collect` work in the folder `make grading` writes;
    on a JupyterHub, the hub's COURSE_ID and COURSE_EXCHANGE (docs/deployment.md) win."""
    class Config(dict):
        def __getattr__(self, name):
            return self.setdefault(name, Config())

        def __setattr__(self, name, value):
            self[name] = value

    def load():
        config = Config()
        exec(compile(path.read_text(), str(path), "exec"), {"get_config": lambda: config, "__file__": str(path)})  # noqa: S102
        return config

    path = tmp_path / "nbgrader_config.py"
    path.write_text(GRADING.CONFIG, encoding="utf-8")
    monkeypatch.delenv("COURSE_ID", raising=False)
    monkeypatch.delenv("COURSE_EXCHANGE", raising=False)
    alone = load()
    assert alone.CourseDirectory.course_id == "lstm-backprop"
    assert alone.Exchange.root == str(tmp_path / "exchange")
    monkeypatch.setenv("COURSE_ID", "lstm-2027")
    monkeypatch.setenv("COURSE_EXCHANGE", "/srv/nbgrader/exchange")
    on_a_hub = load()
    assert (on_a_hub.CourseDirectory.course_id, on_a_hub.Exchange.root) == ("lstm-2027", "/srv/nbgrader/exchange")
