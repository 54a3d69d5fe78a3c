"""Record PyTorch's results for notebook 07's weights, so the notebook can compare without PyTorch.

Notebook 07 compares our LSTM and GRU with PyTorch's ``nn.LSTM`` and ``nn.GRU`` on the
weights and data of ``lstm_core.figures.frameworks.comparison_problem()`` (seeded). This
tool runs PyTorch on them (``frameworks.torch_run``: float64, our weights converted with
``to_torch`` and ``gru_to_torch``, autograd for the gradients) and writes what it reports
into ``lstm_core/figures/torch_results.py``, a small Python module (so that it ships with
the package and every copy of the notebook finds it: the lecture's, the students' and the
graded one). Where PyTorch is installed, the notebook also runs it live and prints the same
lines; ``tests/test_torch_results.py`` records again and checks the stored numbers.

Needs PyTorch: ``pip install -e '.[torch]'`` (the CPU build ``torch==2.13.0``).

    python tools/record_torch_results.py            # write lstm_core/figures/torch_results.py
    python tools/record_torch_results.py --check    # exit 1 if the stored numbers differ from a new run
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "lstm_core" / "figures" / "torch_results.py"
TOLERANCE = 1e-12  # float64 rounding differs a little between machines and builds; the results do not

HEADER = '''"""PyTorch's results for notebook 07's weights: written by ``tools/record_torch_results.py``, do not edit.

``RESULTS[cell][name]`` for ``cell`` in ``"lstm"``, ``"gru"``: what ``torch.nn.LSTM`` and
``torch.nn.GRU`` (float64, PyTorch {version}) report for the weights and data of
``lstm_core.figures.frameworks.comparison_problem()``: ``h`` (T, B, H), ``dx`` (T, B, D),
``dh0`` and (LSTM) ``dc0`` (B, H), and each parameter's gradient under its PyTorch name,
for the loss ``L = Σ_t g_t · h_t``. Read them with ``frameworks.stored_torch_results()``.
"""

# fmt: off
RESULTS = {{'''


def record() -> dict:
    """A new PyTorch run on the notebook's problem (imports torch)."""
    import torch

    from lstm_core.figures import frameworks

    return {"torch": torch.__version__, **frameworks.torch_run(frameworks.comparison_problem())}


def _nested(array: np.ndarray) -> str:
    """An array as nested Python lists of exact floats (``repr`` round-trips a float64)."""
    if array.ndim == 0:
        return repr(float(array))
    return "[" + ", ".join(_nested(row) for row in array) + "]"


def module_text(results: dict) -> str:
    """The text of ``torch_results.py`` holding ``results``."""
    lines = [HEADER.format(version=results["torch"]), f'    "torch": {results["torch"]!r},']
    for cell in ("lstm", "gru"):
        lines.append(f'    "{cell}": {{')
        for name, value in results[cell].items():
            lines.append(f'        "{name}": {_nested(np.asarray(value, dtype=np.float64))},')
        lines.append("    },")
    lines += ["}", "# fmt: on", ""]
    return "\n".join(lines)


def largest_differences(new: dict, stored: dict) -> dict[str, float]:
    """``{"cell name": largest absolute difference}`` between two sets of results."""
    return {f"{cell} {name}": float(np.max(np.abs(np.asarray(new[cell][name]) - np.asarray(stored[cell][name]))))
            for cell in ("lstm", "gru") for name in stored[cell]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare a new run with the stored numbers")
    args = parser.parse_args(argv)
    results = record()
    if args.check:
        from lstm_core.figures.frameworks import stored_torch_results

        differences = largest_differences(results, stored_torch_results())
        worst = max(differences, key=differences.get)
        ok = differences[worst] < TOLERANCE
        print(f"largest difference from the stored results: {differences[worst]:.1e} ({worst}); "
              f"{'the same' if ok else 'DIFFERENT'} below {TOLERANCE:.0e}")
        return 0 if ok else 1
    TARGET.write_text(module_text(results), encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: written (PyTorch {results['torch']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
