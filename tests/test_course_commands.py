"""The course's commands without make: ``python -m tools <command>``, of which the Makefile is a
thin wrapper; and the students' JupyterLab, which shows no grading or hub tools."""

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from course_tools import free_port, load_tool, stop, wait_for_server

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_tool("__main__")
HANG_GUARD_S = 1800  # only against a hang: a busy machine may be slow, never this slow
COMMANDS = ("lab", "test", "check", "student", "notebooks", "exercises", "grading", "site", "bench")


def test_every_make_target_is_the_python_command_of_the_same_name():
    makefile = (ROOT / "Makefile").read_text()
    for command in COMMANDS:
        recipe = re.search(rf"^{command}:.*\n((?:\t.*\n)+)", makefile, re.M)
        assert recipe, f"the Makefile has no target {command}"
        assert re.search(rf"\$\(COURSE\) {command}\b", recipe.group(1)), \
            f"make {command} should run python -m tools {command}"
    assert re.search(r"^COURSE\s*:?=\s*\$\(PYTHON\) -m tools", makefile, re.M)


def test_the_help_lists_every_command():
    run = subprocess.run([sys.executable, "-m", "tools", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0
    for command in COMMANDS:
        assert f"python -m tools {command}" in run.stdout, command


def test_the_readme_gives_commands_that_work_in_every_shell():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m tools lab" in readme and "python -m tools test" in readme and "py -m tools lab" in readme
    assert not re.search(r"pip install[^\n`]*'\.\[", readme), "single quotes around .[extras] fail in Windows cmd"
    assert 'pip install -e ".[lab,grade]"' in readme


def test_the_environment_is_installed_once_per_pyproject_and_set_of_extras(tmp_path, monkeypatch):
    calls = []

    def fake_run(command, check=True, cwd=None):
        calls.append(command)
        if command[1:3] == ["-m", "venv"]:  # make the venv's Python appear
            python = COURSE.venv_python()
            python.parent.mkdir(parents=True)
            python.touch()

    monkeypatch.setattr(COURSE, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(COURSE.subprocess, "run", fake_run)
    COURSE.ensure(("lab",))
    assert [c[1:3] for c in calls] == [["-m", "venv"], ["-m", "pip"], ["-m", "pip"], ["-m", "pip"]]
    assert calls[2][-1] == ".[lab]" and calls[3][3:] == ["uninstall", "--quiet", "--yes", "rfc3987-syntax"]
    calls.clear()
    COURSE.ensure(("lab",))
    assert calls == []  # installed already
    COURSE.ensure(("lab", "test", "grade"))
    assert calls and calls[-2][-1] == ".[lab,test,grade]"


@pytest.mark.skipif(Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(), reason="checks make's .venv")
def test_the_course_environment_imports_jsonschema_without_compiling_a_grammar():
    """jsonschema, which every Jupyter process imports, would first compile rfc3987-syntax's grammar (1.5 s)."""
    import importlib.util

    assert importlib.util.find_spec("rfc3987_syntax") is None
    result = subprocess.run([sys.executable, "-c", "import jsonschema, sys; print('lark' in sys.modules)"],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
def test_the_students_lab_enables_no_grading_or_hub_extension(tmp_path):
    """``make lab``'s JupyterLab, started as that command starts it: nbgrader's server extensions
    and nbgitpuller are off and nbgrader's lab extension is disabled, even where (as in make test's
    environment) they are installed."""
    pytest.importorskip("nbgrader", reason="nbgrader is not installed here, so there is nothing to hide")
    command, env = COURSE.lab_command(Path(sys.executable))
    port, token = free_port(), "students-lab-test"
    env = dict(env, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_DATA_DIR=str(tmp_path / "data"))
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen([*command, "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
                                   f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False"],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(server, f"{base}/api?token={token}", log_path, HANG_GUARD_S)
        assert _status(f"{base}/formgrader?token={token}") == 404  # nbgrader's lecturer tools
        assert _status(f"{base}/assignments?token={token}") == 404
        assert _status(f"{base}/git-pull?repo=x&token={token}") == 404  # nbgitpuller
        with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=30) as response:
            page = response.read().decode()
        config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))
        disabled = config.get("disabledExtensions", [])
        assert "@jupyter/nbgrader" in disabled, disabled
        assert "@jupyterlab/apputils-extension:announcements" in disabled  # no news prompt (it needs the internet)
    finally:
        stop(server, timeout_s=30)


@pytest.mark.parametrize("command", ["test", "check"])
def test_test_and_check_run_the_linter_first_and_stop_when_it_fails(command, monkeypatch):
    """`make test` (and `make check`) run `ruff check .` with pyproject.toml's settings, then pytest;
    a lint error fails the command without running the tests."""
    calls = []
    monkeypatch.setattr(COURSE, "ensure", lambda extras: Path("python"))
    for ruff_status in (0, 1):
        calls.clear()

        def fake_run(command, status=ruff_status, **kwargs):
            calls.append(command[1:3])
            return status if command[1:3] == ["-m", "ruff"] else 0

        monkeypatch.setattr(COURSE, "run", fake_run)
        status = COURSE.main([command])
        assert calls[0] == ["-m", "ruff"]
        assert (status, calls[1:]) == ((0, [["-m", "pytest"]]) if ruff_status == 0 else (1, []))


def test_ruff_is_configured_and_the_tree_passes_it():
    """The linter's settings live in pyproject.toml, and the whole tree (notebooks too) passes them."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "[tool.ruff]" in pyproject and "line-length = 120" in pyproject
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize("folder", ["tools/lab_config", "deploy"])
def test_the_labs_kernel_websockets_send_each_message_at_once(folder):
    """`make lab`'s and the hub's servers set TCP_NODELAY on every kernel websocket, then connect as usual
    (without it, a slider's image often waits 40 ms for the browser's delayed acknowledgement)."""
    from unittest import mock

    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("jupyter_server_config.py", str(ROOT / folder)).load_config()
    connection_class = config.ServerApp.kernel_websocket_connection_class
    assert issubclass(connection_class, ZMQChannelsWebsocketConnection)
    calls = []

    class Handler:
        def set_nodelay(self, value):
            calls.append(("nodelay", value))

    connection = connection_class.__new__(connection_class)
    connection._trait_values["websocket_handler"] = Handler()  # a stand-in for tornado's handler
    with mock.patch.object(ZMQChannelsWebsocketConnection, "connect", lambda self: calls.append("connect")):
        connection.connect()
    assert calls == [("nodelay", True), "connect"]


@pytest.mark.parametrize("folder", ["tools/lab_config", "deploy"])
def test_the_labs_kernels_run_blas_on_one_thread_unless_told_otherwise(folder, monkeypatch):
    """`make lab`'s and the hub's servers start their kernels with one BLAS thread (the tests' setting),
    and keep a value the user set."""
    from traitlets.config.loader import PyFileConfigLoader

    names = COURSE.ONE_BLAS_THREAD
    for name in names:
        monkeypatch.setenv(name, "")  # so that the test leaves each as it found it
        monkeypatch.delenv(name)
    monkeypatch.setenv("MKL_NUM_THREADS", "4")
    PyFileConfigLoader("jupyter_server_config.py", str(ROOT / folder)).load_config()
    assert {name: os.environ[name] for name in names} == {**names, "MKL_NUM_THREADS": "4"}


def test_make_bench_runs_every_benchmark_even_after_one_misses_its_goal(monkeypatch):
    ran = []
    monkeypatch.setattr(COURSE, "ensure", lambda extras: Path(sys.executable))
    monkeypatch.setattr(COURSE, "run", lambda command, **kwargs: ran.append(Path(command[1]).name) or
                        (1 if "notebooks" in str(command[1]) else 0))
    assert COURSE.main(["bench"]) == 1  # a goal missed: make bench says so
    assert ran == ["bench_core.py", "bench_notebooks.py", "bench_browser.py", "bench_grading.py"]
