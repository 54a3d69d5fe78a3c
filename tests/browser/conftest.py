"""Fixtures for the browser tests: Debian's Chromium, driven by Playwright, against a
JupyterLab server started here on 127.0.0.1 and stopped at the end, even on failure.

Chromium is never downloaded (``playwright install`` needs the internet): the tests use
the system's ``chromium`` (``apt-get install chromium``), or the one named by the
environment variable ``CHROMIUM``. Without it they skip, except where ``CI`` is set:
there they fail, so CI cannot pass without having run them.

No wait here has a fixed wall-clock limit, so the tests pass on a busy machine (a 2-core
machine at load 5 to 10 runs them several times slower). A wait either polls for readiness
and fails at once when what it waits on has died (the server), or runs under a budget from
tests/conftest.py's ``budget``: seconds on a quiet machine, times the slowdown measured just
before the test by timing a fixed Python and numpy workload. HANG_GUARD_S only stops a hang.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from course_tools import free_port, stop, wait_for_server

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
HOW_TO_INSTALL = ("Chromium not found: the browser tests need Debian's Chromium "
                  "(`sudo apt-get install chromium`) or its path in the environment variable CHROMIUM. "
                  "Do not run `playwright install`.")
# The flags that work on a machine with a closed network, as root and without a GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HANG_GUARD_S = 1800  # only against a hang: no wait that is still making progress lasts this long

# JupyterLab user settings for the test server: every cell rendered (no windowing, so
# cells out of view are in the page too), the notebook's own kernel started without asking
# ("Always start the preferred kernel"), no autosave, no news or update prompts.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none",
                                                                   "autoStartDefaultKernel": True},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}


def _missing(message: str):
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def start_lab(home: Path, hang_guard_s: float = HANG_GUARD_S) -> tuple[subprocess.Popen, str, object]:
    """A JupyterLab server on a copy of notebooks/ in ``home`` (the stored notebooks are never
    touched), with LAB_SETTINGS: ``(server, url, log file)``, once it answers. The tests and
    benchmarks/bench_browser.py start it the same way; the caller stops it (``stop(server)``)."""
    shutil.copytree(ROOT / "notebooks", home / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for name, values in LAB_SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port = free_port()
    # The students' server settings (tools/lab_config, as `make lab`): among them, prompt kernel websockets.
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(ROOT / "tools" / "lab_config"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
         f"--ServerApp.root_dir={home}", "--ServerApp.port_retries=0"],
        cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(server, f"{url}/api", home / "server.log", hang_guard_s)
        # Warm up: the first request for kernel specs is slow on a fresh server, and a page
        # that opens a notebook before it returns asks which kernel to start.
        urllib.request.urlopen(f"{url}/api/kernelspecs", timeout=hang_guard_s).close()
    except BaseException:
        stop(server)
        log.close()
        raise
    return server, url, log


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """A JupyterLab server on a copy of notebooks/, stopped at the end, even on failure."""
    server, url, log = start_lab(tmp_path_factory.mktemp("lab"))
    try:
        yield url
    finally:
        stop(server)
        log.close()


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if not executable or not Path(executable).exists():
        _missing(HOW_TO_INSTALL)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Python playwright is not installed: `pip install -e .[test]` (then no `playwright install`).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def warm_lab(lab_server, browser, calibration):
    """Load JupyterLab once before the tests, so the first notebook does not meet a cold start."""
    context = browser.new_context()
    try:
        page = context.new_page()
        wait = calibration.budget().ms(60)
        page.goto(f"{lab_server}/lab/workspaces/warm-up", timeout=wait)
        page.wait_for_selector(".jp-DirListing-item", timeout=wait)  # the file browser lists notebooks/
    finally:
        context.close()
    return lab_server


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.when == "call":
        item.failed_in_call = outcome.get_result().failed


@pytest.fixture
def page(browser, request, screenshots, budget):
    context = browser.new_context(viewport={"width": 1400, "height": 1300})
    context.set_default_timeout(budget.ms(30))  # every wait fails after 30 quiet seconds instead of hanging
    page = context.new_page()
    try:
        yield page
    finally:
        if getattr(request.node, "failed_in_call", False):  # what the page showed when the test failed
            name = "".join(c if c.isalnum() or c in "-_" else "_" for c in request.node.name)
            page.screenshot(path=str(screenshots / f"FAILED-{name}.png"))
        context.close()


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
