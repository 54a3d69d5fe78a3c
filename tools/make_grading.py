"""Make nbgrader's source folder: ``notebooks/NN_name.ipynb`` -> ``grading/source/psNN_name/NN_name.ipynb``.

One nbgrader assignment per notebook with exercises, named ``ps`` + the notebook's name
(``ps01_forward_pass``, ``ps02_state_gradient``, ...). Each is built, like ``exercises/``,
from the notebook in the students' order (``make_exercises.student_order``: a derivation
tagged ``reveal`` comes after the exercise it gives away), but with the solutions kept,
for nbgrader to strip when it releases the assignment:

- the cell that holds a solution block (``### BEGIN SOLUTION`` ... ``### END SOLUTION``)
  becomes an nbgrader *solution* cell whose ``grade_id`` is the name of the function it
  defines (``state_gradient``); the solution's ``# hint:`` line moves just above the
  block, so the released notebook keeps the hint above nbgrader's stub;
- the cell that checks it, ``checks.check_<name>(<function>)``, becomes an autograded
  *test* cell, ``grade_id`` ``check_<name>``, worth ``POINTS[name]`` (1 to 3, by
  difficulty), whose check line becomes ``print(checks.check_<name>(<function>).require())``:
  a failed check raises ``AssertionError`` with its one-line diagnosis, which the student
  and the grader both see; a passed one prints its ``✓`` line. (Printed, not displayed:
  nbgrader reads a test cell's displayed value as a partial score.) Below it, between
  nbgrader's ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``, the same check on
  other cases (``hidden=True``: other seeds and sizes), which the released notebook does not
  show and the autograder runs: a function tuned to the visible cases does not pass them;
- an exercise in ``PER_OUTPUT`` (the whole backward pass) is graded output by output: its
  check cell stays as the student sees it (read-only, not graded), and one test cell per
  output follows it, ``check_<name>_<output>``, each with its own diagnosis and hidden test,
  the exercise's points shared out among them;
- a function pasted in from an earlier notebook (cells tagged ``paste``) is a solution cell
  too, so the student can paste it, but its check stays ungraded: it is graded in its own
  notebook;
- every other cell is read-only (nbgrader ``locked``), with a ``grade_id`` made from its
  content, so it survives cells moving around it;
- cells tagged ``answer`` (the worked answers for self-study) are left out; outputs,
  execution counts and stored widget state are cleared; the kernelspec is kept.

Only the graded source raises: the check cells of ``exercises/`` only display their result.
A ``nbgrader_config.py`` is written into the output folder if it has none (it is then
yours to edit: it is never overwritten), so the folder is a ready nbgrader course:

    python tools/make_grading.py                  # write grading/
    python tools/make_grading.py --out /srv/course
    cd grading && nbgrader generate_assignment ps02_state_gradient
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import nbformat

if __package__ in (None, ""):  # run as a script, python tools/make_grading.py: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import make_exercises  # noqa: E402
from tools.solutions import BEGIN, END, HINT, blocks  # noqa: E402, F401 - BEGIN, END, HINT re-exported

ROOT = Path(__file__).resolve().parents[1]

#: points per exercise, by difficulty (1 to 3); an exercise not listed here gets DEFAULT_POINTS
POINTS = {
    "lstm_step": 2,
    "state_gradient": 2,
    "gate_gradients": 3,
    "input_gradient": 1,
    "weight_gradients": 2,
    "sgd_update": 1,
    "backward_through_time": 3,
    "gru_step_backward": 3,
}
DEFAULT_POINTS = 1
#: exercises graded output by output (partial credit): name -> the outputs, each worth one share
PER_OUTPUT = {"backward_through_time": ("dW", "db", "dx")}
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
ANSWER = "answer"
SCHEMA_VERSION = 3
PYTHON_KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

#: a check call on a line of its own: ``checks.check_<name>(<function>)``
CHECK_CALL = re.compile(r"^(?P<call>[ \t]*checks\.check_(?P<name>\w+)\((?P<arg>[^()\n]*)\))[ \t]*(?P<comment>#.*)?$",
                        re.M)
DEF = re.compile(r"^def (\w+)\(")

CONFIG = '''\
# nbgrader's settings for this course folder. Written once by tools/make_grading.py,
# never overwritten: yours to edit. See the README, "Grading with nbgrader".
import os

c = get_config()  # noqa: F821 - nbgrader provides it
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")
# The exchange, for `nbgrader release_assignment`, `collect` and the students' `fetch_assignment`
# and `submit`: one course id, and a folder every user of this machine can write to. On a
# JupyterHub, the hub's COURSE_ID and COURSE_EXCHANGE name the shared ones (docs/deployment.md).
c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "lstm-backprop")
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", os.path.join(c.CourseDirectory.root, "exchange"))
# The lessons' training cells take seconds, not minutes; nbgrader's default is 30 s a cell.
c.Execute.timeout = 300
'''


def assignment_name(path: Path) -> str:
    """The nbgrader assignment of lesson notebook ``path``: ``01_forward_pass`` -> ``ps01_forward_pass``."""
    return f"ps{Path(path).stem}"


def points(name: str) -> int:
    return POINTS.get(name, DEFAULT_POINTS)


def nbgrader_metadata(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA_VERSION,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def solution_function(source: str, where: str = "a cell") -> str:
    """The name of the function whose body holds the solution block: the last ``def`` above it."""
    names = []
    for line in source.split("\n"):
        if line.strip() == BEGIN:
            if not names:
                raise ValueError(f"{where}: a solution block outside a top-level `def`; "
                                 "its name is the nbgrader grade_id")
            return names[-1]
        match = DEF.match(line)
        if match:
            names.append(match.group(1))
    raise ValueError(f"{where}: no {BEGIN}")


def hint_above_block(source: str, where: str = "a cell") -> str:
    """``source`` with each solution's ``# hint:`` line moved just above its ``### BEGIN SOLUTION``.

    nbgrader replaces the whole block with its stub, so a hint inside would be lost.
    """
    lines, out, start = source.split("\n"), [], 0
    for block in blocks(source, where):
        inside = [line for k, line in enumerate(lines[block.begin:block.end + 1], block.begin) if k != block.hint_line]
        out += lines[start:block.begin] + [f"{block.indent}{HINT} {block.hint}"] + inside
        start = block.end + 1
    return "\n".join(out + lines[start:])


def _check_call(source: str, where: str):
    calls = list(CHECK_CALL.finditer(source))
    if len(calls) != 1:
        raise ValueError(f"{where}: a check cell needs exactly one line `checks.check_<name>(<function>)`, "
                         f"found {len(calls)}")
    return calls[0]


def graded_lines(name: str, argument: str, indent: str = "", output: str | None = None, comment: str = "") -> str:
    """The graded check of one exercise (or one of its outputs): visible, then hidden from the release."""
    extra = f", output={output!r}" if output else ""
    call = f"checks.check_{name}({argument}{extra}"
    return "\n".join([f"{indent}print({call}).require()){comment}", f"{indent}{HIDDEN_BEGIN}",
                      f"{indent}print({call}, hidden=True).require())", f"{indent}{HIDDEN_END}"])


def graded_check(source: str, where: str = "a cell") -> tuple[str, str]:
    """``(name, source)``: the exercise a check cell checks, and the cell made to raise when it fails,
    with the hidden test below the visible one."""
    call = _check_call(source, where)
    indent = call["call"][: len(call["call"]) - len(call["call"].lstrip())]
    comment = f"  {call['comment']}" if call["comment"] else ""
    graded = graded_lines(call["name"], call["arg"], indent, comment=comment)
    return call["name"], source[: call.start()] + graded + source[call.end():]


def output_points(name: str) -> dict[str, int]:
    """``{output: points}`` of an exercise graded output by output; its points shared out evenly."""
    outputs = PER_OUTPUT[name]
    share, left = divmod(points(name), len(outputs))
    return {output: share + (k < left) for k, output in enumerate(outputs)}


def _locked_id(cell, taken: set) -> str:
    kind = {"markdown": "md", "code": "code"}.get(cell.cell_type, cell.cell_type)
    base = f"{kind}-{hashlib.sha1(cell.source.encode('utf-8')).hexdigest()[:8]}"
    grade_id, n = base, 1
    while grade_id in taken:
        n += 1
        grade_id = f"{base}-{n}"
    return grade_id


def grading_notebook(path: Path):
    """The nbgrader source version of the lesson notebook at ``path``, as a notebook node.

    Raises ``ValueError`` when nbgrader could not use it: a solution block outside a code
    cell or outside a function, a check for a function with no solution before it, two
    exercises with one name.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    nb.metadata.setdefault("kernelspec", dict(PYTHON_KERNEL))
    cells = [cell for cell in make_exercises.student_order(nb.cells, path.name)
             if ANSWER not in cell.metadata.get("tags", [])]
    taken, pending, extra = set(), [], []  # extra: (cell, graded cell to put after it)
    for k, cell in enumerate(cells):
        where = f"{path.name}, cell {k}"
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("nbgrader", None)
        if make_exercises.is_exercise(cell):
            name = solution_function(cell.source, where)
            cell.source = hint_above_block(cell.source, where)
            meta = nbgrader_metadata(name, solution=True)
            if not make_exercises.is_paste(cell):
                pending.append(name)
        elif make_exercises.is_check(cell) and make_exercises.is_paste(cell):
            meta = nbgrader_metadata(_locked_id(cell, taken), locked=True)  # graded in its own notebook
        elif make_exercises.is_check(cell) and _check_call(cell.source, where)["name"] in PER_OUTPUT:
            call = _check_call(cell.source, where)
            name = call["name"]
            if name not in pending:
                raise ValueError(f"{where}: check_{name} checks no exercise above it (a solution in `def {name}`)")
            pending.remove(name)
            meta = nbgrader_metadata(_locked_id(cell, taken), locked=True)  # the check the student sees, ungraded
            for output, share in output_points(name).items():
                graded = nbformat.v4.new_code_cell(graded_lines(name, call["arg"], output=output),
                                                   metadata={"slideshow": {"slide_type": "-"}})
                graded.metadata["nbgrader"] = nbgrader_metadata(f"check_{name}_{output}", grade=True, locked=True,
                                                                points=share)
                extra.append((cell, graded))
        elif make_exercises.is_check(cell):
            name, cell.source = graded_check(cell.source, where)
            if name not in pending:
                raise ValueError(f"{where}: check_{name} checks no exercise above it (a solution in `def {name}`)")
            pending.remove(name)
            meta = nbgrader_metadata(f"check_{name}", grade=True, locked=True, points=points(name))
        elif "BEGIN SOLUTION" in cell.source:
            raise ValueError(f"{where}: 'BEGIN SOLUTION' outside a code cell's solution block; nbgrader "
                             "would refuse the notebook")
        else:
            meta = nbgrader_metadata(_locked_id(cell, taken), locked=True)
        if meta["grade_id"] in taken:
            raise ValueError(f"{where}: two cells with the grade_id {meta['grade_id']!r}")
        taken.add(meta["grade_id"])
        cell.metadata["nbgrader"] = meta
    if pending:
        raise ValueError(f"{path.name}: no check cell for {', '.join(pending)}")
    for after, graded in extra:
        if graded.metadata["nbgrader"]["grade_id"] in taken:
            raise ValueError(f"{path.name}: two cells with the grade_id {graded.metadata['nbgrader']['grade_id']!r}")
        taken.add(graded.metadata["nbgrader"]["grade_id"])
        position = next(k for k, cell in enumerate(cells) if cell is after)
        while position + 1 < len(cells) and cells[position + 1].metadata.get("nbgrader", {}).get("grade"):
            position += 1  # after the graded cells already put below it
        cells.insert(position + 1, graded)
    nb.cells = cells
    return nb


def exercise_points(nb) -> dict[str, int]:
    """``{exercise: points}`` of a grading notebook, in its order; an exercise graded output by
    output appears once per output, as ``<exercise>_<output>``."""
    return {cell.metadata.nbgrader["grade_id"][len("check_"):]: cell.metadata.nbgrader["points"]
            for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade")}


def targets(out: Path) -> dict[Path, object]:
    """Every grading notebook under ``out``: ``out/source/<assignment>/<notebook>`` -> notebook node."""
    out = Path(out)
    return {out / "source" / assignment_name(path) / path.name: grading_notebook(path)
            for path in make_exercises.lessons_with_exercises()}


def write(out: Path) -> dict[Path, object]:
    """Write the grading notebooks (and ``nbgrader_config.py``, if missing) under ``out``."""
    out = Path(out)
    notebooks = targets(out)
    for path, nb in notebooks.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    config = out / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG, encoding="utf-8")
    return notebooks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "grading",
                        help="the nbgrader course folder to write source/ into (default: grading/)")
    args = parser.parse_args(argv)
    notebooks = write(args.out)
    total = 0
    for path, nb in notebooks.items():
        scores = exercise_points(nb)
        total += sum(scores.values())
        listed = ", ".join(f"{name} {n}" for name, n in scores.items())
        print(f"{path.parent.name}: {path.name} ({listed})")
        unlisted = [name for name in scores if name not in POINTS]
        if unlisted:
            print(f"  not in POINTS, so {DEFAULT_POINTS} point each: {', '.join(unlisted)}")
    print(f"{len(notebooks)} assignments, {total} points in all, in {args.out}/source")
    return 0


if __name__ == "__main__":
    sys.exit(main())
