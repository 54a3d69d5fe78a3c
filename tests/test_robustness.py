"""Every lesson holds on every machine: the notebooks' compared outputs survive tiny noise.

Another CPU, BLAS build or numpy SIMD path changes the last bits of every result, and a
chaotic computation (a training run) can amplify them into the opposite conclusion. So
each notebook is run again by nbval, in a kernel whose ``init_params``,
``init_rnn_params`` and ``init_readout`` multiply every weight they return by
``1 + 1e-12·noise`` (see ``robustness/perturb_init.py``), for three noise seeds. Every
output that nbval compares must come out as stored.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NOISE_SEEDS = (1, 2, 3)


def _perturbed_nbval(seed: int, tmp_path: Path) -> subprocess.Popen:
    ipython_dir = tmp_path / f"ipython-{seed}"
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "robustness" / "perturb_init.py", startup / "00_perturb_init.py")
    env = dict(os.environ, IPYTHONDIR=str(ipython_dir), LSTM_CORE_NOISE_SEED=str(seed),
               LSTM_CORE_NOISE_LOG=str(tmp_path / f"noise-{seed}.log"))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
               *map(str, NOTEBOOKS)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


class PerturbedRuns:
    """The three perturbed nbval runs, one after another on a thread of their own.

    ``conftest.py`` starts them as soon as the tests are collected, so that they use the
    second core while the rest of the suite (mostly one core at a time) runs; the tests
    below then wait for them. One run at a time keeps the browser tests' timing steady.
    """

    def __init__(self):
        self.tmp_path = Path(tempfile.mkdtemp(prefix="lstm-core-robustness-"))
        self.results = {}
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        for seed in NOISE_SEEDS:
            process = _perturbed_nbval(seed, self.tmp_path)
            try:
                output, _ = process.communicate(timeout=900)
            except subprocess.TimeoutExpired:
                process.kill()
                output = process.communicate()[0] + "\n(timed out after 900 s)"
            log = self.tmp_path / f"noise-{seed}.log"
            self.results[seed] = (process.returncode, output, log.read_text() if log.exists() else "")

    def wait(self) -> dict:
        """``{seed: (returncode, pytest's output, the noise log)}``."""
        self.thread.join()
        shutil.rmtree(self.tmp_path, ignore_errors=True)
        return self.results


@pytest.fixture(scope="module")
def perturbed_runs(request):
    runs = getattr(request.config, "perturbed_runs", None) or PerturbedRuns()
    return runs.wait()


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
        f"under noise seed {seed}, these notebook outputs changed:\n" + "\n".join(failures) + "\n\n" + output[-6000:])
