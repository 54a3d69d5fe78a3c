"""What several tests share: the modules of tools/, WCAG contrast, the environment of parallel
runs, and starting and stopping a local server."""

import importlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from matplotlib.colors import to_rgb

ROOT = Path(__file__).resolve().parents[1]


def load_tool(name: str):
    """The module ``tools.<name>`` (``tools/<name>.py``), the repository's root made importable."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(f"tools.{name}")


def luminance(color) -> float:
    """WCAG 2's relative luminance of a matplotlib colour (any alpha is ignored)."""
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(color)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast(one, other) -> float:
    """WCAG 2's contrast ratio of two colours, from 1 to 21; AA asks 4.5 for text, 3 for graphics."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# Runs that share the machine's two cores (the two noise seeds, two nbgrader course folders)
# each get one BLAS thread. OpenBLAS otherwise starts a thread per core in every process,
# and four busy threads on two cores made the two robustness runs take 93 s instead of 50 s.
# The same setting make test gives every test (tools/__main__.py), defined there once.
ONE_BLAS_THREAD = load_tool("__main__").ONE_BLAS_THREAD


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(server: subprocess.Popen, url: str, log: Path, hang_guard_s: float) -> None:
    """Until ``url`` answers 200. Slow is fine (a busy machine); a server that exits fails at once,
    with its ``log``, and one still not answering after ``hang_guard_s`` is taken to hang."""
    deadline = time.monotonic() + hang_guard_s
    while True:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()[-6000:]}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the server hung: {url} not answering after {hang_guard_s} s:\n{log.read_text()[-6000:]}")
        time.sleep(0.3)


def stop(server: subprocess.Popen, timeout_s: float = 15) -> None:
    """Terminate ``server``, and kill it if it does not end within ``timeout_s``."""
    server.terminate()
    try:
        server.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=timeout_s)


def parallel_slots() -> int:
    """How many processes a test may run at once: one in a pytest-xdist worker (the other cores
    run the other workers), one per core otherwise."""
    return 1 if os.environ.get("PYTEST_XDIST_WORKER") else max(1, os.cpu_count() or 1)
