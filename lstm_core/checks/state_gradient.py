"""Notebook 02's exercise: both paths into the cell state,
``state_gradient(dh, o, s, f, ds_after, f_after) -> ds``.

The student gets what a cache holds: this step's values (the total ``δh_t``, ``o_t``,
``S_t`` and its keep gate ``f_t``) and the next step's (``δS_{t+1}`` and its keep gate
``f_{t+1}``), and builds path 2, ``δS_{t+1} ⊙ f_{t+1}``, from them: so the check can tell
``f_t`` used where ``f_{t+1}`` belongs.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..cell import lstm_step_backward
from .checker import (
    Case,
    CheckResult,
    Exercise,
    Mistake,
    hidden_name,
    random_step,
    run_check,
    sized_seeds,
    unit_location,
    whole_outputs,
)


def state_gradient_exercise(hidden: bool = False) -> Exercise:
    cases = []
    for seed, D, H in sized_seeds(200, hidden):
        params, step, rng = random_step(seed, D=D, H=H)
        H = params.hidden_size
        dh, ds_after = rng.standard_normal(H), rng.standard_normal(H)  # δh_t (total) and δS_{t+1}
        f_after = sigmoid(rng.standard_normal(H))  # f_{t+1}, the next step's keep gate
        ds = lstm_step_backward(params, step, dh=dh, ds_via_next=ds_after * f_after).ds
        cases.append(Case((dh, step.o, step.s, step.f, ds_after, f_after), (ds,)))

    def paths(case, slope=lambda s: 1 - np.tanh(s) ** 2, gate=lambda o: o, path1=True, keep="next"):
        dh, o, s, f, ds_after, f_after = case.args
        path2 = {"next": ds_after * f_after, "this": ds_after * f, "none": ds_after, "missing": 0.0 * ds_after}[keep]
        return (dh * gate(o) * slope(s) if path1 else 0.0) + path2

    mistakes = [
        Mistake("path2_missing", "path 2 (δS_{t+1} ⊙ f_{t+1}, through the next cell state) is missing",
                lambda case: paths(case, keep="missing")),
        Mistake("keep_gate_of_this_step", "path 2 uses this step's keep gate f_t; δS_{t+1} reaches S_t through "
                "S_{t+1} = … + f_{t+1} ⊙ S_t, so it is δS_{t+1} ⊙ f_{t+1} (f_after)",
                lambda case: paths(case, keep="this")),
        Mistake("keep_gate_missing", "path 2 is missing the next keep gate: S_{t+1} = … + f_{t+1} ⊙ S_t, so "
                "δS_{t+1} arrives at S_t as δS_{t+1} ⊙ f_{t+1}",
                lambda case: paths(case, keep="none")),
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
    return Exercise(hidden_name("state_gradient", hidden), ("dh", "o", "s", "f", "ds_after", "f_after"), ("ds",),
                    tuple(cases), tuple(mistakes), whole_outputs(("δS_t",)), unit_location)


def check_state_gradient(state_gradient, hidden: bool = False) -> CheckResult:
    """Check ``state_gradient(dh, o, s, f, ds_after, f_after) -> ds`` (notebook 2).

    All arrays are (H,): this step's total ``δh_t``, ``o_t``, ``S_t`` and keep gate ``f_t``;
    the next step's ``δS_{t+1}`` (``ds_after``) and keep gate ``f_{t+1}`` (``f_after``).
    Returns ``δS_t``, the sum of both paths: path 1 through ``h_t`` and path 2,
    ``δS_{t+1} ⊙ f_{t+1}``, through ``S_{t+1}``.

    ``hidden=True`` runs other cases (other seeds and sizes), as nbgrader's hidden tests do.
    """
    return run_check(state_gradient_exercise(hidden), state_gradient)


__all__ = ["check_state_gradient", "state_gradient_exercise"]
