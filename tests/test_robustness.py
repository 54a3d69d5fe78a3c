"""Every lesson holds on every machine: the notebooks' compared outputs survive tiny noise.

Another CPU, BLAS build or numpy SIMD path changes the last bits of every result, and a
chaotic computation (a training run) can amplify them into the opposite conclusion. So
each notebook is run again by nbval, in a kernel whose ``init_params``,
``init_rnn_params`` and ``init_readout`` multiply every weight they return by
``1 + 1e-12·noise`` (see ``robustness/perturb_init.py``), for two noise seeds. Every
output that nbval compares must come out as stored. These runs are the notebooks' nbval
check in ``make test`` (``pytest notebooks/NN.ipynb`` runs one without noise).

Two seeds, one run per core, is what the time budget of ``make test`` allows. Before
stating a new result in a notebook, check it under more:

    LSTM_CORE_NOISE_SEEDS=1,2,3,4,5 .venv/bin/python -m pytest tests/test_robustness.py

and, while working on one notebook, only that one: ``LSTM_CORE_NOISE_NOTEBOOKS=05``.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from course_tools import ONE_BLAS_THREAD, parallel_slots

ROOT = Path(__file__).resolve().parent.parent
# LSTM_CORE_NOISE_NOTEBOOKS=05,06 limits the runs to the notebooks whose names start so.
ONLY = tuple(os.environ.get("LSTM_CORE_NOISE_NOTEBOOKS", "").split(","))
NOTEBOOKS = sorted(path for path in (ROOT / "notebooks").glob("*.ipynb") if path.name.startswith(ONLY))
NOISE_SEEDS = tuple(int(seed) for seed in os.environ.get("LSTM_CORE_NOISE_SEEDS", "1,2").split(","))
# No limit on a run that makes progress (nbval prints a character per cell): it fails when it
# has printed nothing for QUIET_S, scaled by the machine's measured slowdown (conftest's
# ``calibration``), and after HANG_GUARD_S only against a hang.
QUIET_S = 300
HANG_GUARD_S = 7200


class _Run:
    """One noise seed's nbval run, in a subprocess whose output is gathered as it comes."""

    def __init__(self, seed: int, tmp_path: Path):
        self.seed = seed
        ipython_dir = tmp_path / f"ipython-{seed}"
        startup = ipython_dir / "profile_default" / "startup"
        startup.mkdir(parents=True)
        shutil.copy(ROOT / "tests" / "robustness" / "perturb_init.py", startup / "00_perturb_init.py")
        self.log = tmp_path / f"noise-{seed}.log"
        env = dict(os.environ, **ONE_BLAS_THREAD, IPYTHONDIR=str(ipython_dir), LSTM_CORE_NOISE_SEED=str(seed),
                   LSTM_CORE_NOISE_LOG=str(self.log), PYTHONUNBUFFERED="1")
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
                   *map(str, NOTEBOOKS)]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.output: list[str] = []
        self.reader = threading.Thread(target=lambda: self.output.extend(iter(lambda: self.process.stdout.read(1), "")),
                                       daemon=True)
        self.reader.start()

    def wait(self, quiet_s: float) -> tuple[int, str, str]:
        """(returncode, output, noise log) once it has ended; fails if it printed nothing for ``quiet_s``."""
        start = last_change = time.monotonic()
        printed = 0
        while self.process.poll() is None:
            now = time.monotonic()
            if len(self.output) != printed:
                printed, last_change = len(self.output), now
            elif now - last_change > quiet_s or now - start > HANG_GUARD_S:
                self.stop()
                pytest.fail(f"noise seed {self.seed}: stopped after {now - start:.0f} s, the last "
                            f"{now - last_change:.0f} s without output:\n" + "".join(self.output)[-3000:])
            time.sleep(1)
        self.reader.join()
        return self.process.returncode, "".join(self.output), self.log.read_text() if self.log.exists() else ""

    def stop(self) -> None:
        """Kill the run and its kernels (its own process group, where there are groups)."""
        if self.process.poll() is None:
            if hasattr(os, "killpg"):
                os.killpg(self.process.pid, signal.SIGKILL)
            else:
                self.process.kill()
        self.process.wait()


@pytest.fixture(scope="module")
def perturbed_runs(tmp_path_factory, calibration):
    """``{seed: (returncode, pytest's output, the noise log)}``, two runs at a time (two cores), or
    one at a time in a pytest-xdist worker (the other core runs the other worker)."""
    tmp_path = tmp_path_factory.mktemp("robustness")
    results, pending, running = {}, list(NOISE_SEEDS), {}
    try:
        while pending or running:
            while pending and len(running) < min(2, parallel_slots()):
                seed = pending.pop(0)
                running[seed] = _Run(seed, tmp_path)
            seed, run = running.popitem()
            results[seed] = run.wait(calibration.budget()(QUIET_S))
    finally:
        for run in running.values():  # after a failure, the other run too
            run.stop()
    return results


@pytest.mark.parametrize("seed", NOISE_SEEDS)
def test_noise_reached_the_weights(perturbed_runs, seed):
    """The perturbation is real: every kind of initialiser the notebooks run was called, and wrapped."""
    _, _, log = perturbed_runs[seed]
    called = [name for name in ("init_params", "init_rnn_params", "init_readout", "init_gru_params")
              if any(f"{name}(" in path.read_text(encoding="utf-8") for path in NOTEBOOKS)]
    assert "init_params" in called or not NOTEBOOKS
    for name in called:
        assert f"{name} call" in log, f"no perturbed {name} call under noise seed {seed}"


@pytest.mark.parametrize("seed", NOISE_SEEDS)
def test_every_compared_output_survives_noise(perturbed_runs, seed):
    returncode, output, _ = perturbed_runs[seed]
    failures = [line for line in output.splitlines() if line.startswith(("FAILED", "ERROR"))]
    assert returncode == 0, (
        f"under noise seed {seed}, these notebook outputs differ from the stored ones:\n" + "\n".join(failures)
        + "\n\n" + output[-6000:])
