"""Make the students' notebooks: ``notebooks/NN_name.ipynb`` -> ``exercises/NN_name.ipynb``.

Only notebooks with exercises (solution blocks) get a student version.

In every code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
(the nbgrader convention) become one ``raise NotImplementedError("<hint>")``, at the
indentation of the marker. The hint is the solution's ``# hint: ...`` comment line,
which each solution must have. Outputs, execution counts and stored widget state are
removed, so a student starts from a clean notebook.

The lecture notebooks derive a step and then ask the student to write it; students must
derive it themselves first. So cells tagged ``reveal`` (a derivation, a by-hand cell:
anything that gives the answer away) move, in the student version, to just below the
check cell of the exercise that follows them, in their order. Everything else keeps
its place. Other tags the course uses: ``hints`` (a Markdown cell of collapsed hints above
an exercise), ``question`` (an end-of-notebook question), ``answer`` (its worked answer,
collapsed, for self-study; a graded release leaves these out) and ``paste`` (a function the
student wrote in an earlier notebook, pasted in again with its check: a solution block like
an exercise's, but graded in its own notebook, not again).

    python -m tools.make_exercises           # write exercises/
    python -m tools.make_exercises --check   # exit 1 if exercises/ is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

if __package__ in (None, ""):  # run as a script, python tools/make_exercises.py: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools.solutions import BEGIN, END, HINT, blocks  # noqa: E402, F401 - BEGIN, END, HINT re-exported

ROOT = Path(__file__).resolve().parents[1]
REVEAL = "reveal"
PASTE = "paste"
CHECK = "checks.check_"


def is_exercise(cell) -> bool:
    return cell.cell_type == "code" and BEGIN in cell.source


def is_check(cell) -> bool:
    return cell.cell_type == "code" and CHECK in cell.source


def is_paste(cell) -> bool:
    """A cell of an earlier notebook's function pasted in again (its solution block or its check)."""
    return PASTE in cell.metadata.get("tags", [])


def student_order(cells: list, where: str = "a notebook") -> list:
    """``cells`` with each cell tagged ``reveal`` moved below the check of the next exercise."""
    out, held, exercise_seen = [], [], False
    for cell in cells:
        if REVEAL in cell.metadata.get("tags", []):
            held.append(cell)
            continue
        out.append(cell)
        exercise_seen = exercise_seen or is_exercise(cell)
        if exercise_seen and is_check(cell):
            out += held
            held, exercise_seen = [], False
    if held:
        raise ValueError(f"{where}: a cell tagged {REVEAL!r} has no exercise (and check) after it")
    return out


#: the longest line the linter accepts (pyproject.toml's [tool.ruff] line-length)
LINE_LENGTH = 120


def raise_line(indent: str, hint: str) -> list[str]:
    """``raise NotImplementedError(hint)``, on one line, or with the hint on a line of its own
    when one line would be longer than the linter accepts."""
    line = f"{indent}raise NotImplementedError({hint!r})"
    if len(line) <= LINE_LENGTH:
        return [line]
    return [f"{indent}raise NotImplementedError(", f"{indent}    {hint!r}", f"{indent})"]


def strip_solutions(source: str, where: str = "a cell") -> str:
    """``source`` with each solution block replaced by ``raise NotImplementedError(hint)``."""
    lines, out, start = source.split("\n"), [], 0
    for block in blocks(source, where):
        out += lines[start:block.begin] + raise_line(block.indent, block.hint)
        start = block.end + 1
    return "\n".join(out + lines[start:])


def student_notebook(path: Path) -> str:
    """The student version of the notebook at ``path``, as the text to write."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    nb.cells = student_order(nb.cells, path.name)
    for k, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, f"{path.name}, cell {k}")
            cell.outputs = []
            cell.execution_count = None
    return nbformat.writes(nb) + "\n"


def lessons_with_exercises() -> list[Path]:
    """The notebooks that hold at least one solution block (the others need no student version)."""
    return [path for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
            if BEGIN in path.read_text(encoding="utf-8")]


def targets() -> dict[Path, str]:
    """Every exercise notebook, and the text it should contain."""
    return {ROOT / "exercises" / path.name: student_notebook(path) for path in lessons_with_exercises()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether exercises/ is up to date")
    args = parser.parse_args(argv)
    stale = []
    for path, text in targets().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not args.check:
                path.parent.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
    verb = "out of date" if args.check else "written"
    for path in stale:
        print(f"{path.relative_to(ROOT)}: {verb}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
