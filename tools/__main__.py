"""The course's commands, the same on Windows, macOS and Linux: ``python -m tools <command>``.

Run from the repository's root with Python 3.10 or newer (on Windows, ``py -m tools lab``).
The Makefile's targets call these commands; without ``make``, call them directly:

    python -m tools lab          open the course in JupyterLab
    python -m tools test         ruff, then every test (--with torch also compares with PyTorch)
    python -m tools check        the fast tests, while working (well under a minute)
    python -m tools student      copy exercises/ to my-work/, the student's own
    python -m tools notebooks    re-execute every notebook, then rebuild exercises/
    python -m tools exercises    rebuild exercises/ from notebooks/
    python -m tools grading      write nbgrader's source into grading/
    python -m tools site         write the static site into site/
    python -m tools bench        the benchmarks

The first run of a command creates the virtual environment ``.venv/`` and installs into it
the extras that command needs; it installs again only when ``pyproject.toml`` (or the set of
extras) changes. ``student`` needs nothing but Python.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
#: JupyterLab for students: nbgrader's and nbgitpuller's extensions off, no news prompt
LAB_CONFIG = ROOT / "tools" / "lab_config"
#: the extras each command installs
EXTRAS = {"lab": ("lab",), "notebooks": ("lab",), "exercises": ("lab",), "site": ("lab",),
          "bench": ("lab", "test", "grade"), "grading": ("lab", "grade"),
          "test": ("lab", "test", "grade"), "check": ("lab", "test", "grade")}
FAST = "not slow and not notebooks and not browser"
#: one pytest worker per core; tests/conftest.py's scheduler gives each a whole group (a file, or
#: half the JupyterLab runs), the longest first
WORKERS = ["-n", "auto"]
#: with a worker per core, each kernel and test gets one BLAS thread: two workers whose BLAS each
#: start a thread per core run several times slower than with one thread each (numpy's results do
#: not depend on it: tests/test_robustness.py holds the notebooks to their outputs either way)
ONE_BLAS_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


#: what Jupyter's own dependencies pull in and the course never uses, removed after each install:
#: rfc3987-syntax, with which jsonschema checks "iri" strings, compiles a grammar for about 1.5 s
#: whenever jsonschema is imported, which every Jupyter process does (JupyterLab's server, nbconvert,
#: each nbgrader command); without it jsonschema leaves that one format unchecked
UNNEEDED = ("rfc3987-syntax",)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure(extras: tuple[str, ...]) -> Path:
    """``.venv``'s Python, with the project installed with ``extras`` (done once per pyproject.toml)."""
    python = venv_python()
    if not python.exists():
        print(f"creating {VENV.name}/ with {sys.executable}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    stamp = VENV / f".installed-{'-'.join(sorted(extras))}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()
                            + ",".join(sorted(extras) + ["without"] + list(UNNEEDED)).encode()).hexdigest()
    if not stamp.exists() or stamp.read_text().strip() != digest:
        print(f"installing lstm-backprop with {', '.join(extras)} into {VENV.name}/ (once)", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", f".[{','.join(extras)}]"],
                       check=True, cwd=ROOT)
        subprocess.run([str(python), "-m", "pip", "uninstall", "--quiet", "--yes", *UNNEEDED], check=True)
        stamp.write_text(digest + "\n")
    return python


def lab_command(python: Path) -> tuple[list[str], dict]:
    """The command and environment that open the course in JupyterLab: the students' lab, which
    shows none of the lecturers' grading tools nor the hub's, whatever else is installed."""
    env = dict(os.environ)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        [str(LAB_CONFIG)] + ([env["JUPYTER_CONFIG_PATH"]] if env.get("JUPYTER_CONFIG_PATH") else []))
    command = [str(python), "-m", "jupyter", "lab", f"--ServerApp.root_dir={ROOT}",
               "--LabApp.default_url=/lab/tree/notebooks"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # Jupyter refuses root unless told (containers, some VMs)
    return command, env


def run(command: list, **kwargs) -> int:
    return subprocess.run([str(part) for part in command], cwd=ROOT, **kwargs).returncode


def main(argv=None) -> int:
    if sys.version_info < (3, 10):  # noqa: UP036 - an older Python runs this file, and is told why not
        return "lstm-backprop needs Python 3.10 or newer"
    parser = argparse.ArgumentParser(prog="python -m tools", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[4:14]))
    parser.add_argument("command", choices=["lab", "test", "check", "student", "notebooks", "exercises", "grading",
                                            "site", "bench"])
    parser.add_argument("--with", dest="with_", action="append", default=[], metavar="EXTRA",
                        help="another extra to install first, for test or check (torch: compare with PyTorch)")
    args, rest = parser.parse_known_args(argv)
    if args.command == "student":  # the standard library only: no environment to make
        return run([sys.executable, "-m", "tools.student_copy", "exercises", "my-work", *rest])
    python = ensure(tuple(EXTRAS[args.command]) + tuple(args.with_))
    if args.command == "lab":
        command, env = lab_command(python)
        return run([*command, *rest], env=env)
    if args.command in ("test", "check"):  # the linter (configured in pyproject.toml), then the tests
        fast = ["-o", "addopts=-ra", "-m", FAST] if args.command == "check" else []
        env = {**ONE_BLAS_THREAD, **os.environ}
        return run([python, "-m", "ruff", "check", "."]) or run([python, "-m", "pytest", *WORKERS, *fast, *rest],
                                                                 env=env)
    if args.command == "notebooks":  # every cell a slide type, then a clean top-to-bottom run of each
        notebooks = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "notebooks").glob("*.ipynb"))
        return (run([python, "-m", "tools.slides", *notebooks])
                or run([python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                        "--ExecutePreprocessor.record_timing=False", *notebooks], env={**ONE_BLAS_THREAD, **os.environ})
                or run([python, "-m", "tools.make_exercises"]))
    if args.command == "exercises":
        return run([python, "-m", "tools.make_exercises", *rest])
    if args.command == "grading":
        return run([python, "-m", "tools.make_grading", "--out", "grading", *rest])
    if args.command == "site":
        return run([python, "-m", "tools.site", "site", *rest])
    # every benchmark runs and prints its figures against their goals, whether or not one before met its own
    codes = [run([python, f"benchmarks/{name}.py"]) for name in ("bench_core", "bench_notebooks", "bench_browser",
                                                                   "bench_grading")]
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
