"""Time what autograding a class costs: ``nbgrader autograde`` per submission, per assignment.

Run:  make bench      (or: python benchmarks/bench_grading.py [--students N])

For each assignment of ``make grading``'s source, in a temporary course folder: ``nbgrader
generate_assignment``, then N submissions (default 6; every solution correct, so every cell runs to the
end), then one ``nbgrader autograde`` for all of them. The time per submission is the
autograde's wall time divided by N, so nbgrader's own start-up is shared out as it is in a
real class; it includes each submission's kernel start, the notebook's cells and nbgrader's
bookkeeping. Then, on one graded notebook, the time of each cell in a kernel (nbclient),
so that the slowest cells show. Target: at most 5 s per submission.

Needs nbgrader (the ``grade`` extra, which ``make test`` installs).
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GOAL_S = 5.0


def _make_grading():
    sys.path.insert(0, str(ROOT))
    from tools import make_grading

    return make_grading


def _nbgrader(folder: Path, *args: str) -> None:
    env = dict(os.environ, PATH=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]),
               JUPYTER_CONFIG_DIR=str(folder / ".jupyter" / "config"),
               JUPYTER_DATA_DIR=str(folder / ".jupyter" / "data"))
    run = subprocess.run([str(BIN / "nbgrader"), *args], cwd=folder, env=env, capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"nbgrader {' '.join(args)} failed:\n{run.stdout[-3000:]}{run.stderr[-3000:]}")


def per_submission(grading, lesson: Path, folder: Path, students: int) -> float:
    """Seconds of ``nbgrader autograde`` per submission of ``lesson``'s assignment."""
    assignment, notebook = grading.assignment_name(lesson), lesson.name
    source = grading.grading_notebook(lesson)
    (folder / "source" / assignment).mkdir(parents=True)
    nbformat.write(source, folder / "source" / assignment / notebook)
    (folder / "nbgrader_config.py").write_text(grading.CONFIG, encoding="utf-8")
    _nbgrader(folder, "generate_assignment", assignment, "--force")
    release = nbformat.read(folder / "release" / assignment / notebook, as_version=4)
    solutions = {cell.metadata["nbgrader"]["grade_id"]: cell for cell in source.cells
                 if cell.metadata.get("nbgrader", {}).get("solution")}
    for k in range(students):
        nb = copy.deepcopy(release)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                cell.source = "\n".join(line for line in solutions[meta["grade_id"]].source.split("\n")
                                        if line.strip() not in (grading.BEGIN, grading.END))
        path = folder / "submitted" / f"student{k}" / assignment / notebook
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
    start = time.perf_counter()
    _nbgrader(folder, "autograde", assignment)
    return (time.perf_counter() - start) / students


def where_the_time_goes(grading, lesson: Path, autograde: bool) -> tuple[float, list[tuple[float, str]]]:
    """``(kernel start, [(seconds, first line) per code cell])`` of ``lesson``'s graded notebook
    run in a fresh kernel, as nbgrader's autograder (``NBGRADER_EXECUTION=autograde``: figures
    built, not drawn) or as a student runs it."""
    from nbclient import NotebookClient

    nb = grading.grading_notebook(lesson)
    env = dict(os.environ)
    env.pop("NBGRADER_EXECUTION", None)
    if autograde:
        env["NBGRADER_EXECUTION"] = "autograde"
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(lesson.parent)}})
    start = time.perf_counter()
    with client.setup_kernel(env=env):
        kernel = time.perf_counter() - start
        cells = []
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                begin = time.perf_counter()
                client.execute_cell(cell, index)
                cells.append((time.perf_counter() - begin, cell.source.splitlines()[0][:60]))
    return kernel, cells


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=6,
                        help="submissions per assignment (default 6; nbgrader's start-up is shared among them)")
    args = parser.parse_args(argv)
    if not (BIN / "nbgrader").exists():
        print("nbgrader is not installed (make grading installs it); skipping the grading benchmark")
        return 0
    grading = _make_grading()
    worst, slowest_lesson = 0.0, None
    print(f"nbgrader autograde, {args.students} correct submissions each (goal: at most {GOAL_S:.0f} s each)")
    for lesson in grading.make_exercises.lessons_with_exercises():
        folder = Path(tempfile.mkdtemp(prefix="bench-grading-"))
        try:
            seconds = per_submission(grading, lesson, folder, args.students)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if seconds > worst:
            worst, slowest_lesson = seconds, lesson
        print(f"  {grading.assignment_name(lesson):24s} {seconds:5.1f} s per submission "
              f"{'ok' if seconds <= GOAL_S else 'over the goal'}")
    print(f"where the time goes in {grading.assignment_name(slowest_lesson)}'s graded notebook, in a kernel:")
    for autograde in (False, True):
        kernel, cells = where_the_time_goes(grading, slowest_lesson, autograde)
        label = "as nbgrader autogrades (figures not drawn)" if autograde else "as a student runs it"
        print(f"  {label}: kernel start {kernel:.1f} s, cells {sum(s for s, _ in cells):.1f} s; slowest:")
        for seconds, first_line in sorted(cells, reverse=True)[:4]:
            print(f"    {seconds:5.2f} s  {first_line}")
    print(f"slowest: {worst:.1f} s per submission; "
          f"200 students x {len(grading.make_exercises.lessons_with_exercises())} "
          f"assignments = {200 * worst * len(grading.make_exercises.lessons_with_exercises()) / 3600:.1f} h at most, "
          "one process")
    return 0


if __name__ == "__main__":
    sys.exit(main())
