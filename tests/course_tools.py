"""What several tests share: the scripts in tools/ as modules, and the environment of parallel runs."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_tool(name: str):
    """``tools/<name>.py`` as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Runs that share the machine's two cores (the two noise seeds, two nbgrader course folders)
# each get one BLAS thread. OpenBLAS otherwise starts a thread per core in every process,
# and four busy threads on two cores made the two robustness runs take 93 s instead of 50 s.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
