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
import subprocess
import sys
from pathlib import Path

import pytest

from course_tools import ONE_BLAS_THREAD

ROOT = Path(__file__).resolve().parent.parent
# LSTM_CORE_NOISE_NOTEBOOKS=05,06 limits the runs to the notebooks whose names start so.
ONLY = tuple(os.environ.get("LSTM_CORE_NOISE_NOTEBOOKS", "").split(","))
NOTEBOOKS = sorted(path for path in (ROOT / "notebooks").glob("*.ipynb") if path.name.startswith(ONLY))
NOISE_SEEDS = tuple(int(seed) for seed in os.environ.get("LSTM_CORE_NOISE_SEEDS", "1,2").split(","))


def _perturbed_nbval(seed: int, tmp_path: Path) -> subprocess.Popen:
    ipython_dir = tmp_path / f"ipython-{seed}"
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "robustness" / "perturb_init.py", startup / "00_perturb_init.py")
    env = dict(os.environ, **ONE_BLAS_THREAD, IPYTHONDIR=str(ipython_dir), LSTM_CORE_NOISE_SEED=str(seed),
               LSTM_CORE_NOISE_LOG=str(tmp_path / f"noise-{seed}.log"))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
               *map(str, NOTEBOOKS)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module")
def perturbed_runs(tmp_path_factory):
    """``{seed: (returncode, pytest's output, the noise log)}``, two runs at a time (two cores)."""
    tmp_path = tmp_path_factory.mktemp("robustness")
    results, pending, running = {}, list(NOISE_SEEDS), {}
    while pending or running:
        while pending and len(running) < 2:
            seed = pending.pop(0)
            running[seed] = _perturbed_nbval(seed, tmp_path)
        seed, process = running.popitem()
        output, _ = process.communicate(timeout=900)
        log = tmp_path / f"noise-{seed}.log"
        results[seed] = (process.returncode, output, log.read_text() if log.exists() else "")
    return results


@pytest.mark.parametrize("seed", NOISE_SEEDS)
def test_noise_reached_the_weights(perturbed_runs, seed):
    """The perturbation is real: every kind of initialiser was called, and wrapped."""
    _, _, log = perturbed_runs[seed]
    for name in ("init_params", "init_rnn_params", "init_readout"):
        assert f"{name} call" in log, f"no perturbed {name} call under noise seed {seed}"


@pytest.mark.parametrize("seed", NOISE_SEEDS)
def test_every_compared_output_survives_noise(perturbed_runs, seed):
    returncode, output, _ = perturbed_runs[seed]
    failures = [line for line in output.splitlines() if line.startswith(("FAILED", "ERROR"))]
    assert returncode == 0, (
        f"under noise seed {seed}, these notebook outputs differ from the stored ones:\n" + "\n".join(failures) + "\n\n" + output[-6000:])
