"""The tree shows the architecture: the engine, the figures built on it, the exercises built on it.

``lstm_core`` is the engine (what the notebooks call ``lc``); ``lstm_core.figures`` draws
what it computes and ``lstm_core.exercises`` checks students' functions against it.
Imports go one way only: the engine never imports the other two.
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
BUILT_ON_THE_ENGINE = ("figures", "exercises")
ENGINE_MODULES = sorted(m.name for m in pkgutil.iter_modules(lstm_core.__path__) if m.name not in BUILT_ON_THE_ENGINE)


def test_the_three_parts_are_packages():
    for part in BUILT_ON_THE_ENGINE:
        assert (PACKAGE / part / "__init__.py").is_file(), f"lstm_core/{part}/ is not a package"
    assert "cell" in ENGINE_MODULES and "sequence" in ENGINE_MODULES and "measures" in ENGINE_MODULES


def test_engine_never_imports_figures_or_exercises():
    for name in ENGINE_MODULES + ["__init__"]:
        tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = ("." * node.level) + (node.module or "")
                names = [alias.name for alias in node.names]
                assert not any(part in target.split(".") for part in BUILT_ON_THE_ENGINE), f"{name}.py imports {target}"
                if node.level == 1 and not node.module:  # from . import x
                    assert not set(names) & set(BUILT_ON_THE_ENGINE), f"{name}.py imports {names}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith(("matplotlib", "ipywidgets")), f"{name}.py imports {alias.name}"


def test_engine_runs_without_matplotlib_and_ipywidgets():
    """Import every engine module, and run a forward and backward pass, with both unimportable."""
    code = (
        "import sys, importlib\n"
        "sys.modules['matplotlib'] = None\n"
        "sys.modules['ipywidgets'] = None\n"
        "import numpy as np, lstm_core as lc\n"
        f"for name in {ENGINE_MODULES!r}:\n"
        "    importlib.import_module('lstm_core.' + name)\n"
        "import lstm_core.exercises\n"
        "params = lc.init_params(2, 3, seed=0)\n"
        "trace = lc.lstm_forward(params, np.ones((4, 2)))\n"
        "print(lc.lstm_backward(params, trace, np.ones((4, 3))).dW.shape)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(12, 5)"


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
