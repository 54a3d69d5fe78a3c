import re
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

# Derandomized so CI and a student see the same examples every run.
settings.register_profile("course", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("course")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


# Figures render off screen, and each test closes what it opened. Without the course extra
# (tests/test_layout.py runs the engine's tests with numpy alone) there are no figures.
try:
    import matplotlib
except ImportError:
    matplotlib = None
else:
    matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    if matplotlib is not None and "matplotlib.pyplot" in __import__("sys").modules:
        import matplotlib.pyplot as plt

        plt.close("all")


# ------------------------------------------------------------------ markers
# Every test's markers are given here, by file and name, so the test files need none. The
# fast loop (`make check`) runs `-m "not slow and not notebooks and not browser"`; `make
# test` runs everything. The markers themselves are declared in pyproject.toml.
#   browser    drives Chromium (tests/browser/)
#   notebooks  executes notebooks in kernels (nbval cells, robustness, students' notebooks,
#              nbgrader's autograding, JupyterLab)
#   slow       seconds or minutes each; every browser and notebooks test is slow too
BROWSER, NOTEBOOKS, SLOW = "browser", "notebooks", "slow"
# (file under tests/, test name or its start, markers); a name ending in "*" is a start.
MARKS = [
    ("browser/", "*", (BROWSER, SLOW)),
    ("browser/test_notebooks_in_jupyterlab.py", "test_notebook_runs_in_jupyterlab*", (NOTEBOOKS,)),
    ("test_robustness.py", "*", (NOTEBOOKS, SLOW)),
    ("test_student_notebooks.py", "test_student_notebook_runs_and_every_check_says_not_implemented_yet",
     (NOTEBOOKS, SLOW)),
    ("test_widgets.py", "test_every_combination_of_extreme_settings_draws_without_error", (SLOW,)),
    ("test_widgets.py", "test_every_control_has_a_label", (SLOW,)),  # builds every widget
    ("test_widgets.py", "test_play_counts_forward_in_the_forward_stepper_and_backward_in_the_others", (SLOW,)),
    ("test_notebook_files.py", "test_static_site_has_every_notebook_with_its_figures", (SLOW,)),
    ("test_notebook_files.py", "test_static_site_has_the_notation_page_and_every_link_resolves", (SLOW,)),
    ("test_notebook_files.py", "test_static_site_loads_nothing_from_the_network", (SLOW,)),
    ("test_project.py", "test_benchmark_script_runs_and_reports_both_sizes", (SLOW,)),
    ("test_layout.py", "test_a_built_wheel_holds_every_module_and_the_texts", (SLOW,)),
    ("test_layout.py", "test_the_engine_tests_pass_with_numpy_alone", (SLOW,)),
]
# The figure tests build every figure and widget (half a second each, most of the fast
# loop's time): a test there that is parametrized over figures runs its first case in the
# fast loop and the others under `slow`, so every test still runs once in `make check`.
FIRST_CASE_FAST = ("test_widgets.py", "test_stills.py", "test_backward_step.py")
# A test that uses one of these fixtures gets its markers, wherever it is.
FIXTURE_MARKS = {
    "round_trips": (NOTEBOOKS, SLOW),  # test_grading.py: nbgrader releases, collects and autogrades
    "perturbed_runs": (NOTEBOOKS, SLOW),  # test_robustness.py: every notebook under nbval, twice
    "hub": (NOTEBOOKS, SLOW),  # test_jupyterhub.py: a JupyterHub, its users' servers and kernels
}
TESTS = Path(__file__).resolve().parent

# ------------------------------------------------------------- two workers
# `make test` and `make check` run the tests in as many processes as the machine has cores
# (pytest-xdist, `-n auto`), with the scheduler below: each group of tests runs in one worker,
# in order, so its fixtures are built once. A group is a file, except the JupyterLab runs of
# the notebooks, the longest file by far, which are split in two (each half starts its own
# JupyterLab). The longest groups are sent first, so the workers finish at about the same
# time; and a test that runs its own work in parallel (the robustness runs, nbgrader's
# folders) runs it one at a time in a worker, where the other core is already busy
# (course_tools.parallel_slots).
LAB_RUNS = "browser/test_notebooks_in_jupyterlab.py"
_LONGEST_FIRST = {name: rank for rank, name in enumerate([
    f"{LAB_RUNS}:0", f"{LAB_RUNS}:1", "test_robustness.py", "test_grading.py", "test_jupyterhub.py",
    "browser/test_site.py", "test_widgets.py", "test_student_notebooks.py", "test_layout.py"])}


def _group_of(nodeid: str) -> str:
    """A test's group, from its node id: its file under tests/ (a notebook: its path), with
    the JupyterLab runs split by the notebook's number, even or odd."""
    path, _, rest = nodeid.partition("::")
    where = path.removeprefix("tests/")
    if where == LAB_RUNS:  # the slideshow test joins the lighter half, the odd notebooks
        run = re.search(r"\[(\d+)_", rest)
        return f"{where}:{int(run.group(1)) % 2 if run else 1}"
    return where


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        """xdist's scheduling by scope, with the groups above as the scopes."""

        def _split_scope(self, nodeid: str) -> str:
            return _group_of(nodeid)

    return CourseScheduling(config, log)


def _rule_matches(rule, item) -> bool:
    where, name, _ = rule
    try:
        path = item.path.resolve().relative_to(TESTS).as_posix()
    except ValueError:
        return False
    in_file = path.startswith(where) if where.endswith("/") else path == where
    base = item.originalname if hasattr(item, "originalname") else item.name
    return in_file and (name == "*" or (base.startswith(name[:-1]) if name.endswith("*") else base == name))


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by them
def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set()
        if item.path.suffix == ".ipynb":  # nbval's cells (`pytest notebooks/...` with this conftest loaded)
            names |= {NOTEBOOKS, SLOW}
        for rule in MARKS:
            if _rule_matches(rule, item):
                names |= set(rule[2])
        callspec = getattr(item, "callspec", None)
        if callspec and item.path.name in FIRST_CASE_FAST and any(callspec.indices.values()):
            names.add(SLOW)
        for fixture in getattr(item, "fixturenames", ()):
            names |= set(FIXTURE_MARKS.get(fixture, ()))
        for name in sorted(names):
            item.add_marker(name)
    # The longest groups first, so that two workers finish at about the same time.
    items.sort(key=lambda item: _LONGEST_FIRST.get(_group_of(item.nodeid), len(_LONGEST_FIRST)))
    # A rule for a test that was renamed would silently put it back in the fast loop: say so.
    modules = {item.path.resolve(): item.module for item in items if getattr(item, "module", None)}
    for where, name, _ in MARKS:
        module = modules.get(TESTS / where)
        if module is not None and name != "*" and not any(
                attr == name or (name.endswith("*") and attr.startswith(name[:-1])) for attr in vars(module)):
            warnings.warn(pytest.PytestConfigWarning(
                f"tests/conftest.py marks {where}::{name}, which no longer exists: mark its successor"), stacklevel=1)


# ------------------------------------------------------------- time budgets
# A test that waits on something (a browser, a kernel, a subprocess) takes its limits from
# `budget` (or `calibration`, for a fixture of wider scope): seconds on a quiet machine,
# times how much slower this machine runs now. So the tests pass on a busy machine too (a
# 2-core machine at load 5 to 10 runs them several times slower) and still stop a hang.
class Budget:
    """``budget(s)``: s seconds on a quiet machine, scaled by the slowdown (``budget.factor``)."""

    def __init__(self, factor: float):
        self.factor = factor

    def __call__(self, seconds: float) -> float:
        return seconds * self.factor

    def ms(self, seconds: float) -> int:
        return int(seconds * self.factor * 1000)


class Calibration:
    """How many times slower than quiet this machine runs now: a fixed CPU-bound workload of
    Python and numpy (no BLAS, so no thread count matters) takes about QUIET_S on the
    project's 2-core machine when it is quiet. Measured again when the last measure is older
    than AGAIN_S; never below 1 nor above MAX."""

    QUIET_S, AGAIN_S, MAX = 0.1, 60.0, 30.0

    def __init__(self):
        self.measures: list[tuple[float, float]] = []  # (when, slowdown)

    @staticmethod
    def _workload() -> float:
        start = time.perf_counter()
        total = 0
        for k in range(400_000):
            total += k * k % 7
        a = np.linspace(-3.0, 3.0, 200_000)
        for _ in range(20):
            a = np.tanh(a) * 2.9 + np.sin(a)
        return time.perf_counter() - start

    def slowdown(self) -> float:
        if not self.measures or time.monotonic() - self.measures[-1][0] > self.AGAIN_S:
            median = sorted(self._workload() for _ in range(3))[1]
            self.measures.append((time.monotonic(), min(self.MAX, max(1.0, median / self.QUIET_S))))
        return self.measures[-1][1]

    def budget(self) -> Budget:
        return Budget(self.slowdown())


_CALIBRATION = Calibration()


@pytest.fixture(scope="session")
def calibration() -> Calibration:
    return _CALIBRATION


@pytest.fixture
def budget(calibration) -> Budget:
    return calibration.budget()


def pytest_terminal_summary(terminalreporter):
    """What the time budgets were scaled by, and what the tests recorded of their waits."""
    if not _CALIBRATION.measures:
        return
    factors = [factor for _, factor in _CALIBRATION.measures]
    terminalreporter.write_sep("-", "time budgets")
    terminalreporter.write_line(f"machine slowdown measured {len(factors)} times: "
                                f"x{min(factors):.1f} to x{max(factors):.1f} (each budget scaled by it)")
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) == "call":
                for name, value in getattr(report, "user_properties", ()):
                    terminalreporter.write_line(f"{report.nodeid.split('::')[-1]}: {name} {value}")
