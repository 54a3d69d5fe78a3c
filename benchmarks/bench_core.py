"""Time lstm_core's forward + backward, and PyTorch's nn.LSTM beside it when installed.

Run:  make bench      (or: python benchmarks/bench_core.py [--repeat N])

Prints, for a lecture-sized and a training-sized problem in float64, the median time
of one forward + backward pass, the GFLOP/s of its matrix products
(3 · 2·T·B·4H·(D+H) floating-point operations: Z forward, δW and δI backward), and, when PyTorch
is importable, torch.nn.LSTM's time on the same problem with the same number of
threads, and the ratio lstm_core / PyTorch (below 1 means lstm_core is faster). The
two are timed in alternating blocks, so that the noise of a shared machine falls on
both alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lstm_core import init_params, lstm_backward, lstm_forward  # noqa: E402

SIZES = {
    "lecture": dict(T=20, B=1, D=8, H=16),
    "training": dict(T=64, B=32, D=32, H=128),
}
TARGETS = {"lecture": 0.4, "training": 1.0}  # at most this fraction of PyTorch's time


def median_seconds(fn, rounds: int, budget: float = 0.05) -> float:
    """Median over ``rounds`` of the mean time of one call of ``fn``, after warming up."""
    fn()
    start = time.perf_counter()
    fn()
    inner = max(1, int(budget / max(time.perf_counter() - start, 1e-7)))
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - start) / inner)
    return statistics.median(times)


def compare(ours, theirs, rounds: int, passes: int = 3):
    """Median seconds per call of ``ours`` and of ``theirs`` (None: not timed).

    The two are timed in alternating blocks, ``passes`` of each, and the median over
    blocks is kept, so that a slow spell of a shared machine does not fall on one side
    only. Within a block only one library runs, so neither one's worker threads are
    competing with the other's.
    """
    ours_blocks, theirs_blocks = [], []
    for _ in range(passes):
        ours_blocks.append(median_seconds(ours, rounds))
        if theirs is not None:
            theirs_blocks.append(median_seconds(theirs, rounds))
    median = statistics.median
    return median(ours_blocks), (median(theirs_blocks) if theirs is not None else None)


def blas_threads() -> int | None:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    counts = [info["num_threads"] for info in threadpool_info() if info.get("user_api") == "blas"]
    return max(counts) if counts else None


def numpy_case(T, B, D, H):
    rng = np.random.default_rng(0)
    params = init_params(D, H, seed=0, keep_bias=1.0)
    x = rng.standard_normal((T, B, D))
    dh = rng.standard_normal((T, B, H))

    def run():
        trace = lstm_forward(params, x)
        return lstm_backward(trace, dh)

    return run


def torch_case(torch, T, B, D, H):
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(D, H, dtype=torch.float64)
    x = torch.randn(T, B, D, dtype=torch.float64, requires_grad=True)
    dh = torch.randn(T, B, H, dtype=torch.float64)

    def run():
        lstm.zero_grad(set_to_none=True)
        x.grad = None
        out, _ = lstm(x)
        out.backward(dh)

    return run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timing rounds per block (medians are reported)")
    args = parser.parse_args(argv)

    try:
        import torch
    except ImportError:
        torch = None
    threads = blas_threads()
    if torch is not None:
        torch.set_num_threads(threads or os.cpu_count() or 1)

    print(f"numpy {np.__version__}, BLAS threads: "
          f"{threads if threads is not None else 'unknown (pip install threadpoolctl)'}")
    print("PyTorch: "
          f"{torch.__version__ + f', {torch.get_num_threads()} threads' if torch else 'not installed, no comparison'}")
    print()
    header = f"{'size':<9} {'T':>3} {'B':>3} {'D':>3} {'H':>4}  {'lstm_core ms':>12} {'GFLOP/s':>8}"
    if torch is not None:
        header += f"  {'PyTorch ms':>10} {'ratio':>6} {'target':>7}"
    print(header)
    met = True
    for name, size in SIZES.items():
        T, B, D, H = size["T"], size["B"], size["D"], size["H"]
        theirs_case = torch_case(torch, **size) if torch is not None else None
        seconds, torch_seconds = compare(numpy_case(**size), theirs_case, args.repeat)
        flops = 3 * 2 * T * B * 4 * H * (D + H)
        line = f"{name:<9} {T:>3} {B:>3} {D:>3} {H:>4}  {seconds * 1e3:>12.3f} {flops / seconds / 1e9:>8.2f}"
        if torch is not None:
            ratio = seconds / torch_seconds
            ok = ratio <= TARGETS[name]
            met &= ok
            line += (f"  {torch_seconds * 1e3:>10.3f} {ratio:>6.2f} {'<= ' + str(TARGETS[name]):>7} "
                     f"{'ok' if ok else 'MISSED'}")
        print(line)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
