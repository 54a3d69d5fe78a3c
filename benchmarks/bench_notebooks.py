"""Time what a student waits for: each notebook top to bottom, and each widget's redraw.

Run:  make bench      (or: python benchmarks/bench_notebooks.py [--repeat N] [--skip-notebooks])

1. Every notebook in ``notebooks/`` is executed in a fresh kernel (as ``make notebooks``
   does, without writing it back). The time runs from starting the kernel until the last
   cell's output is in: what a student waits for after *Restart Kernel and Run All*. The
   kernel's shutdown after that (about 0.4 s, jupyter_client waiting for the process to
   end) is not counted. Goal (2-core machine, quiet): at most 4 s each, 15 s for the
   training notebook (06). Notebook 07 compares with PyTorch live where it is installed: its goal is 4 s plus the
   time ``import torch`` alone takes (measured in a fresh interpreter and printed).
2. In a real IPython kernel (started with jupyter_client, matplotlib's inline backend
   active), every builder in ``lstm_core.figures.widgets.__all__`` is built and each of its
   controls is moved through its range; the time from setting the value to the new PNG
   being handed to the Image widget (and sent on the comm) is recorded, for every stepper
   of the course: ``lstm_core.figures.widgets.__all__`` and notebook 07's
   ``lstm_core.figures.frameworks.gate_product_explorer``. Goal: median at most 30 ms per
   builder (over all its controls). The browser's side is ``bench_browser.py``'s.

The kernels run BLAS on one thread, as the course's JupyterLab starts them
(``tools/lab_config/jupyter_server_config.py``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.__main__ import ONE_BLAS_THREAD  # noqa: E402 - the course's own setting, from the repository

NOTEBOOK_BUDGET_S = 4.0
BUDGETS_S = {"06_training.ipynb": 15.0}  # the training notebook trains for real
TORCH_NOTEBOOK = "07_frameworks.ipynb"  # imports PyTorch where it is installed, for a live comparison
LATENCY_GOAL_MS = 30.0

# Runs inside the kernel: moves every control of every builder, prints JSON.
LATENCY_CODE = r"""
import json, statistics, time
import ipywidgets
from IPython.display import display
from lstm_core.figures import frameworks, widgets

BUILDERS = [(name, getattr(widgets, name)) for name in widgets.__all__]
BUILDERS.append(("gate_product_explorer", frameworks.gate_product_explorer))

def values_for(control, repeat):
    if isinstance(control, ipywidgets.SelectionSlider):
        stops = list(control._options_values)
        return (stops + stops[::-1]) * repeat
    if isinstance(control, (ipywidgets.ToggleButtons, ipywidgets.Dropdown)):
        options = [value for _, value in control.options]
        return (options[1:] + options[:1]) * 4 * repeat
    if isinstance(control, ipywidgets.FloatLogSlider):
        lo, hi = control.min, control.max
        return [control.base ** (lo + (hi - lo) * k / 7) for k in range(8)] * repeat
    if isinstance(control, ipywidgets.FloatSlider):
        return [control.min + (control.max - control.min) * k / 7 for k in range(8)] * repeat
    steps = list(range(control.min, control.max + 1, control.step))
    return (steps + steps[::-1]) * repeat

results = {}
for name, builder in BUILDERS:
    stepper = builder()
    display(stepper)
    results[name] = {}
    for cname, control in stepper.controls.items():
        if cname == "play":
            continue
        start_value = control.value
        times, kept = [], 0
        framed = stepper.frames is not None and control is stepper.frames.control
        for value in values_for(control, REPEAT):
            if value == control.value:
                continue
            if framed:  # the browser has this picture already: the kernel only writes the readout
                if stepper.frames.fresh(stepper.frames.position_of(value), stepper._others()):
                    control.value = value
                    kept += 1
                    continue
            t0 = time.perf_counter()
            control.value = value
            times.append(1e3 * (time.perf_counter() - t0))
        control.value = start_value
        results[name][cname] = {"times": times, "kept": kept}
print("RESULT" + json.dumps(results))
"""


def time_notebooks() -> list[tuple[str, float]]:
    import nbformat
    from nbclient import NotebookClient

    rows = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        with client.setup_kernel():  # starts the kernel; shuts it down on leaving
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            rows.append((path.name, time.perf_counter() - start))  # the last cell's output is in
    return rows


def torch_import_seconds() -> float:
    """How long ``import torch`` takes in a fresh interpreter (0 if PyTorch is not installed)."""
    if importlib.util.find_spec("torch") is None:
        return 0.0
    code = "import time; t = time.perf_counter(); import torch; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def widget_latency(repeat: int) -> dict:
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        out = []

        def keep(msg):
            if msg["header"]["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["header"]["msg_type"] == "error":
                raise RuntimeError("\n".join(msg["content"]["traceback"]))

        client.execute_interactive("%matplotlib inline", timeout=120)
        client.execute_interactive(LATENCY_CODE.replace("REPEAT", str(repeat)), timeout=600, output_hook=keep)
        text = "".join(out)
        return json.loads(text[text.index("RESULT") + len("RESULT"):])
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="passes over each control's range")
    parser.add_argument("--skip-notebooks", action="store_true", help="only measure widget latency")
    args = parser.parse_args(argv)
    for name, value in ONE_BLAS_THREAD.items():  # the kernels of the course's lab run BLAS on one thread
        os.environ.setdefault(name, value)
    ok = True
    if not args.skip_notebooks:
        torch_s = torch_import_seconds()
        budgets = {**BUDGETS_S, TORCH_NOTEBOOK: NOTEBOOK_BUDGET_S + torch_s}
        print("notebook                       seconds   goal")
        for name, seconds in time_notebooks():
            budget = budgets.get(name, NOTEBOOK_BUDGET_S)
            ok &= seconds <= budget
            print(f"{name:30s} {seconds:7.1f}   {budget:4.1f} s  {'ok' if seconds <= budget else 'TOO SLOW'}")
        if torch_s:
            print(f"(07's goal: 4 s plus {torch_s:.1f} s, the time import torch alone took)")
        print()
    print(f"kernel-side redraw, ms      median      max   drawn   goal: median at most {LATENCY_GOAL_MS:.0f} ms"
          "   (+ moves to a picture the browser had: frames)")
    for builder, controls in widget_latency(args.repeat).items():
        for control, moves in controls.items():
            times = moves["times"]
            print(f"  {builder + ' ' + control:26s} {statistics.median(times):6.1f} {max(times):8.1f} {len(times):7d}"
                  + (f"   + {moves['kept']} from frames" if moves["kept"] else ""))
        times = [time for moves in controls.values() for time in moves["times"]]
        median = statistics.median(times)
        ok &= median <= LATENCY_GOAL_MS
        flag = "ok" if median <= LATENCY_GOAL_MS else "MISSES THE GOAL"
        print(f"{builder:28s} {median:6.1f} {max(times):8.1f} {len(times):7d}   {flag}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
