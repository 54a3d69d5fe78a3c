"""Notebook 07's stored PyTorch results (``lstm_core/figures/torch_results.py``): what PyTorch reports
for the notebook's weights, and what our engine computes, to rounding.

Notebook 07 prints "largest difference from PyTorch's …: below 1e-12" from these stored
numbers, and also from a live run where PyTorch is installed, so it prints the same lines
either way. The tests here that need PyTorch record again with ``tools/record_torch_results.py``
and check that the stored numbers are what PyTorch gives; without PyTorch they are skipped
with the reason. The others check the stored numbers against our engine, without PyTorch.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from course_tools import load_tool

import lstm_core as lc
from lstm_core.figures import frameworks
from lstm_core.layouts import gru_to_torch, to_torch

TOLERANCE = 1e-12  # what the notebook prints
TOOL = load_tool("record_torch_results")
NO_TORCH = "PyTorch is not installed: recording nn.LSTM's and nn.GRU's results needs the torch extra " \
           "(pip install -e '.[torch]', which pins the CPU build torch==2.13.0)"
needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason=NO_TORCH)


def ours(problem):
    """Our engine's results on the notebook's problem, in PyTorch's names and layout."""
    trace = lc.lstm_forward(problem.lstm, problem.x, problem.h0, problem.s0)
    grads = lc.lstm_backward(trace, problem.dh_loss)
    lstm = to_torch(lc.LSTMParams(grads.dW, grads.db))
    lstm["bias_hh_l0"] = lstm["bias_ih_l0"]  # b = b_ih + b_hh: both receive δb
    lstm.update(h=trace.h, dx=grads.dx, dh0=grads.dh0, dc0=grads.ds0)
    gru_trace = lc.gru_forward(problem.gru, problem.x, problem.h0)
    gru_grads = lc.gru_backward(gru_trace, problem.dh_loss)
    gru = gru_to_torch(lc.GRUParams(gru_grads.dW_x, gru_grads.dW_h, gru_grads.db_x, gru_grads.db_h))
    gru.update(h=gru_trace.h, dx=gru_grads.dx, dh0=gru_grads.dh0)
    return {"lstm": lstm, "gru": gru}


def test_the_stored_results_have_every_name_and_shape():
    problem, stored = frameworks.comparison_problem(), frameworks.stored_torch_results()
    T, B, D = problem.x.shape
    H = problem.h0.shape[-1]
    assert (D, H) == (3, 4) and B == 2
    shapes = {"h": (T, B, H), "dx": (T, B, D), "dh0": (B, H), "dc0": (B, H)}
    for cell, blocks in (("lstm", 4), ("gru", 3)):
        assert list(stored[cell]) == list(frameworks.RESULT_NAMES[cell])
        shapes.update(weight_ih_l0=(blocks * H, D), weight_hh_l0=(blocks * H, H), bias_ih_l0=(blocks * H,),
                      bias_hh_l0=(blocks * H,))
        for name, value in stored[cell].items():
            assert value.shape == shapes[name] and value.dtype == np.float64, (cell, name)
    assert frameworks.recorded_with().startswith("2.13.0")


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_our_engine_gives_the_stored_pytorch_results(cell):
    stored, mine = frameworks.stored_torch_results()[cell], ours(frameworks.comparison_problem())[cell]
    for name, value in stored.items():
        assert np.max(np.abs(mine[name] - value)) < TOLERANCE, name
        assert np.max(np.abs(value)) > 1e-3, name  # a real number, not a zero left by a broken run


def test_the_stored_module_is_what_the_tool_writes():
    """Written by the tool from the stored numbers, the module comes out as it is."""
    from lstm_core.figures import torch_results

    stored = {"torch": torch_results.RESULTS["torch"], **frameworks.stored_torch_results()}
    text = TOOL.module_text(stored)
    assert text == TOOL.TARGET.read_text(encoding="utf-8")
    assert TOOL.TARGET == Path(torch_results.__file__).resolve()


def test_the_notebook_prints_the_same_lines_without_pytorch(monkeypatch):
    """Without PyTorch, pytorch_runs gives the stored results alone; with it, a live run too."""
    monkeypatch.setattr(frameworks, "torch_available", lambda: False)
    runs = frameworks.pytorch_runs()
    assert len(runs) == 1 and runs[0]["lstm"].keys() == frameworks.stored_torch_results()["lstm"].keys()


@needs_torch
def test_a_new_pytorch_run_gives_the_stored_results():
    new, stored = TOOL.record(), frameworks.stored_torch_results()
    differences = TOOL.largest_differences(new, stored)
    assert max(differences.values()) < TOLERANCE, differences
    assert new["torch"] == frameworks.recorded_with()


@needs_torch
def test_the_notebook_compares_live_where_pytorch_is_installed():
    runs = frameworks.pytorch_runs()
    assert len(runs) == 2
    assert TOOL.main(["--check"]) == 0
