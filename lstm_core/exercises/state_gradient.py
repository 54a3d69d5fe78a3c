"""Notebook 02's exercise: both paths into the cell state, ``state_gradient(dh, o, s, ds_next, f_next) -> ds``."""

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
        dh, ds_next, f_next = rng.standard_normal(H), rng.standard_normal(H), rng.uniform(0.05, 0.95, H)
        ds = lstm_step_backward(params, step, dh=dh, ds_next=ds_next * f_next).ds
        cases.append(Case((dh, step.o, step.s, ds_next, f_next), (ds,)))

    def paths(case, slope=lambda s: 1 - np.tanh(s) ** 2, path1=True, path2=lambda ds, f: ds * f):
        dh, o, s, ds_next, f_next = case.args
        return (dh * o * slope(s) if path1 else 0.0) + path2(ds_next, f_next)

    mistakes = [
        Mistake("path2_missing", "path 2 (δS_{t+1} ⊙ f_{t+1}, through the next cell state) is missing",
                lambda case: paths(case, path2=lambda ds, f: 0.0 * ds)),
        Mistake("path1_missing", "path 1 (δh_t ⊙ o_t ⊙ (1 - tanh²(S_t)), through h_t) is missing",
                lambda case: paths(case, path1=False)),
        Mistake("path2_without_f", "path 2 is not multiplied by the next keep gate: it is δS_{t+1} ⊙ f_{t+1}",
                lambda case: paths(case, path2=lambda ds, f: ds)),
        Mistake("activation_derivative_missing",
                "the derivative of tanh is missing in path 1: multiply by 1 - tanh²(S_t)",
                lambda case: paths(case, slope=np.ones_like)),
        Mistake("activation_derivative_wrong_point",
                "the derivative of tanh is taken at the wrong point: 1 - tanh²(S_t), not 1 - S_t²",
                lambda case: paths(case, slope=lambda s: 1 - s ** 2)),
    ]
    return Exercise("state_gradient", ("dh", "o", "s", "ds_next", "f_next"), ("ds",), tuple(cases), tuple(mistakes),
                    whole_outputs(("δS_t",)), unit_location)


def check_state_gradient(state_gradient) -> CheckResult:
    """Check ``state_gradient(dh, o, s, ds_next, f_next) -> ds`` (notebook 2).

    All arrays are (H,): the total ``δh_t``, ``o_t``, ``S_t``, then ``δS_{t+1}`` and
    ``f_{t+1}`` from the next step. Returns ``δS_t``, the sum of both paths.
    """
    return run_check(state_gradient_exercise(), state_gradient)


__all__ = ["check_state_gradient", "state_gradient_exercise"]
