"""The tree shows the architecture: the engine, and the course built on it.

``lstm_core`` is the engine (what the notebooks call ``lc``), numpy only. The course's parts
need the ``course`` extra: ``lstm_core.figures`` draws what the engine computes,
``lstm_core.checks`` checks students' functions against it, and ``lstm_core.lessons`` holds
the lessons' measures and data. Imports go one way only: the engine never imports the course.
"""

import ast
import pkgutil
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import lstm_core

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lstm_core"
TESTS = ROOT / "tests"
THE_COURSE = ("figures", "checks", "lessons")
ENGINE_MODULES = sorted(m.name for m in pkgutil.iter_modules(lstm_core.__path__) if m.name not in THE_COURSE)
#: run a snippet with the course's libraries unimportable, as in an environment with numpy alone
NUMPY_ONLY = "import sys\nsys.modules['matplotlib'] = None\nsys.modules['ipywidgets'] = None\n"


def test_the_course_parts_are_packages():
    for part in THE_COURSE:
        assert (PACKAGE / part / "__init__.py").is_file(), f"lstm_core/{part}/ is not a package"
    assert {"cell", "sequence", "train", "gru", "layouts"} <= set(ENGINE_MODULES)
    assert not {"measures", "data", "scalar_graph"} & set(ENGINE_MODULES)


def _imports(path: Path):
    """(module imported, relative level) for every import in the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            yield base, node.level
            for alias in node.names:
                yield (base + "." if base else "") + alias.name, node.level
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, 0


def _reaches_the_course(module: str, level: int) -> bool:
    parts = module.split(".")
    if parts[0] in ("matplotlib", "ipywidgets"):
        return True
    if level == 0 and parts[0] != "lstm_core":
        return False
    inside = parts[1:] if level == 0 else parts
    return bool(inside) and inside[0] in THE_COURSE


def test_engine_never_imports_the_course():
    for name in ENGINE_MODULES + ["__init__"]:
        for module, level in _imports(PACKAGE / f"{name}.py"):
            assert not _reaches_the_course(module, level), f"lstm_core/{name}.py imports {module}"


def test_engine_runs_without_the_course_libraries_and_the_course_names_its_extra():
    """With matplotlib and ipywidgets unimportable: every engine module imports and runs, and each
    part of the course refuses with an error that names the extra to install."""
    code = NUMPY_ONLY + (
        "import importlib\n"
        "import numpy as np, lstm_core as lc\n"
        f"for name in {ENGINE_MODULES!r}:\n"
        "    importlib.import_module('lstm_core.' + name)\n"
        "params = lc.init_params(2, 3, seed=0)\n"
        "trace = lc.lstm_forward(params, np.ones((4, 2)))\n"
        "print(lc.lstm_backward(trace, np.ones((4, 3))).dW.shape)\n"
        f"for part in {THE_COURSE!r}:\n"
        "    try:\n"
        "        importlib.import_module('lstm_core.' + part)\n"
        "    except ImportError as error:\n"
        "        print(part, 'course' in str(error) and 'lstm_core[course]' in str(error))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:4] == ["(12, 5)", "figures True", "checks True", "lessons True"]


#: tests of the project's files, not of the engine
PROJECT_TESTS = ("test_layout.py", "test_project.py")


def engine_test_files() -> list[Path]:
    """The test files that test the engine alone: they import lstm_core but nothing of the course."""
    found = []
    for path in sorted(TESTS.glob("test_*.py")):
        if path.name in PROJECT_TESTS:
            continue
        imports = list(_imports(path))
        if any(m.split(".")[0] == "lstm_core" for m, level in imports if level == 0) and not any(
                _reaches_the_course(m, level) or m.split(".")[0] in ("course_tools", "nbformat", "nbclient")
                for m, level in imports):
            found.append(path)
    return found


def test_the_engine_tests_pass_with_numpy_alone():
    """The engine's own tests, run with the course's libraries unimportable."""
    files = engine_test_files()
    names = {path.stem for path in files}
    assert {"test_cell", "test_sequence", "test_gradients", "test_rnn", "test_gru", "test_train", "test_optim",
            "test_validation", "test_layouts", "test_reference"} <= names, sorted(names)
    code = NUMPY_ONLY + (
        "import pytest\n"
        f"sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', '-o', 'addopts=', *{[str(f) for f in files]!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "error" not in result.stdout.splitlines()[-1]


def test_a_built_wheel_holds_every_module_and_the_texts(tmp_path):
    """A non-editable install gets the whole tree: every subpackage, module and shipped text."""
    source = tmp_path / "source"  # a copy, so the build leaves nothing in the checkout
    shutil.copytree(PACKAGE, source / "lstm_core", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(source)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("lstm_core-*.whl")
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    in_tree = {str(path.relative_to(ROOT)) for pattern in ("*.py", "texts/*.txt", "texts/*.md")
               for path in PACKAGE.rglob(pattern) if "__pycache__" not in path.parts}
    assert in_tree and in_tree <= in_wheel, sorted(in_tree - in_wheel)
