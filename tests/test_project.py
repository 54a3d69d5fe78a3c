"""The project's own files agree with each other: dependencies, commands, layout."""

import re
import sys
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


#: the extras a student's environment holds (environment.yml): the course and the lab, nothing
#: for tests or grading
STUDENT_EXTRAS = ("course", "lab")


def pyproject_requirements(extras=STUDENT_EXTRAS) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in extras:  # an extra may name another of the project's own ("lstm_core[course]")
        requirements += [r for r in project["optional-dependencies"][extra]
                         if not r.startswith(project["name"] + "[")]
    # A requirement only for old Pythons (tomli on 3.10) has no place in a conda
    # environment, which gets a current Python.
    return dict(_split(r) for r in requirements if "python_version" not in r)


def conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = [d for d in env["dependencies"] if isinstance(d, str)]
    # What conda-forge lacks comes from PyPI, in the pip section (besides the package itself).
    names += [d for section in env["dependencies"] if isinstance(section, dict)
              for d in section.get("pip", []) if not d.startswith("-e")]
    return dict(_split(d) for d in names if _split(d)[0] not in {"python", "pip"})


def test_environment_yml_and_pyproject_name_the_same_dependencies():
    """environment.yml is the students' environment: the package's dependencies and the lab."""
    assert conda_requirements() == pyproject_requirements()


def test_the_students_environment_is_lean():
    """No test runner, browser driver, grader, hub or PyTorch in what a student installs."""
    lean = set(conda_requirements())
    for name in ("pytest", "nbval", "playwright", "hypothesis", "nbgrader", "jupyterhub", "torch"):
        assert name not in lean, name
    assert "jupyterlab" in lean and "numpy" in lean


def test_environment_yml_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert any("-e ." in section for section in pip_sections)
    assert "conda-forge" in env["channels"]


def test_pyproject_asks_for_python_3_10_or_newer():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.10"
    assert set(project["optional-dependencies"]) >= {"course", "lab", "test"}


def test_the_engine_depends_on_numpy_alone_and_the_lab_brings_the_course():
    """`pip install lstm_core` installs numpy only; the course's libraries come with its extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert [_split(r)[0] for r in project["dependencies"]] == ["numpy"]
    course = {_split(r)[0] for r in project["optional-dependencies"]["course"]}
    assert course == {"matplotlib", "ipywidgets"}
    assert "lstm_core[course]" in project["optional-dependencies"]["lab"]


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for command in ("make lab", "make test"):
        assert command in readme
        assert re.search(rf"^{command.split()[1]}:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_public_name_is_importable():
    import lstm_core

    for name in lstm_core.__all__:
        assert hasattr(lstm_core, name), name
    assert lstm_core.GATE_ORDER == ("a", "i", "f", "o")


def test_benchmark_script_runs_and_reports_both_sizes(capsys):
    """A smoke run (one round): the script must not rot. Its timings are not judged here."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_core", ROOT / "benchmarks" / "bench_core.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.main(["--repeat", "1"])
    out = capsys.readouterr().out
    assert re.search(r"^lecture\s+20\s+1\s+8\s+16\s+[\d.]+\s+[\d.]+", out, re.M)
    assert re.search(r"^training\s+64\s+32\s+32\s+128\s+[\d.]+", out, re.M)


def test_docstring_examples_run():
    import doctest
    import importlib
    import pkgutil

    import lstm_core

    modules = [lstm_core] + [importlib.import_module(m.name)
                             for m in pkgutil.walk_packages(lstm_core.__path__, prefix="lstm_core.")]
    assert "lstm_core.figures.stills" in {m.__name__ for m in modules}  # the subpackages too
    tried = 0
    for module in modules:
        result = doctest.testmod(module, verbose=False)
        assert result.failed == 0, module.__name__
        tried += result.attempted
    assert tried >= 5
