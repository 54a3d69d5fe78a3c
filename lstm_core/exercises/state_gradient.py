"""Notebook 02's exercise: both paths into the cell state, ``state_gradient(dh, o, s, ds_next) -> ds``.

``ds_next`` means what it means in the engine and in equations.md: ``δS_next = δS_{t+1} ⊙ f_{t+1}``,
what step t+1 hands back to S_t, already multiplied by its keep gate.
"""

from __future__ import annotations

import numpy as np

from ..cell import lstm_step_backward
from .checker import (Case, CheckResult, Exercise, Mistake, random_step, run_check, seeds, unit_location,
                      whole_outputs)


def state_gradient_exercise() -> Exercise:
    cases = []
    for seed in seeds(200):
        params, step, rng = random_step(seed)
        H = params.hidden_size
        dh, ds_next = rng.standard_normal(H), rng.standard_normal(H)  # ds_next = δS_{t+1} ⊙ f_{t+1}
        ds = lstm_step_backward(params, step, dh=dh, ds_next=ds_next).ds
        cases.append(Case((dh, step.o, step.s, ds_next), (ds,)))

    def paths(case, slope=lambda s: 1 - np.tanh(s) ** 2, gate=lambda o: o, path1=True, path2=True):
        dh, o, s, ds_next = case.args
        return (dh * gate(o) * slope(s) if path1 else 0.0) + (ds_next if path2 else 0.0 * ds_next)

    mistakes = [
        Mistake("path2_missing", "path 2 (δS_{t+1} ⊙ f_{t+1}, through the next cell state) is missing",
                lambda case: paths(case, path2=False)),
        Mistake("path1_missing", "path 1 (δh_t ⊙ o_t ⊙ (1 - tanh²(S_t)), through h_t) is missing",
                lambda case: paths(case, path1=False)),
        Mistake("output_gate_missing",
                "the output gate is missing in path 1: h_t = o_t ⊙ tanh(S_t), so multiply by o_t",
                lambda case: paths(case, gate=np.ones_like)),
        Mistake("activation_derivative_missing",
                "the derivative of tanh is missing in path 1: multiply by 1 - tanh²(S_t)",
                lambda case: paths(case, slope=np.ones_like)),
        Mistake("activation_derivative_wrong_point",
                "the derivative of tanh is taken at the wrong point: 1 - tanh²(S_t), not 1 - S_t²",
                lambda case: paths(case, slope=lambda s: 1 - s ** 2)),
    ]
    return Exercise("state_gradient", ("dh", "o", "s", "ds_next"), ("ds",), tuple(cases), tuple(mistakes),
                    whole_outputs(("δS_t",)), unit_location)


def check_state_gradient(state_gradient) -> CheckResult:
    """Check ``state_gradient(dh, o, s, ds_next) -> ds`` (notebook 2).

    All arrays are (H,): the total ``δh_t``, ``o_t``, ``S_t``, and ``ds_next``, what step t+1
    hands back, ``δS_{t+1} ⊙ f_{t+1}`` (already multiplied by its keep gate, as in
    ``lc.lstm_step_backward``). Returns ``δS_t``, the sum of both paths.
    """
    return run_check(state_gradient_exercise(), state_gradient)


__all__ = ["check_state_gradient", "state_gradient_exercise"]
