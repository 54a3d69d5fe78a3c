"""Notebook 03's exercise: the gate gradients, ``gate_gradients(ds, dh, a, i, f, o, s, s_prev) -> dz``."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..cell import lstm_step_backward
from ..params import GATE_ORDER
from .checker import (
    Case,
    CheckResult,
    Exercise,
    Mistake,
    gate_blocks,
    gate_row_location,
    hidden_name,
    order_message,
    random_step,
    run_check,
    sized_seeds,
    wrong_orders,
)


def _gate_gradients(ds, dh, a, i, f, o, s, s_prev, keep=None, slopes=None, order=GATE_ORDER, do_from=None):
    """``δZ_t`` with optional modelled mistakes; ``keep`` replaces S_{t-1} in δf.

    ``slopes`` maps each gate's name to its activation's slope, a function of the gate's value g.
    """
    gates = {"a": a, "i": i, "f": f, "o": o}
    dgates = {"a": ds * i, "i": ds * a, "f": ds * (s_prev if keep is None else keep),
              "o": (dh if do_from is None else do_from) * np.tanh(s)}
    if slopes is None:
        slopes = {"a": lambda g: 1 - g ** 2, "i": lambda g: g * (1 - g), "f": lambda g: g * (1 - g),
                  "o": lambda g: g * (1 - g)}
    dz_blocks = {gate: dgates[gate] * slopes[gate](gates[gate]) for gate in GATE_ORDER}
    return np.concatenate([dz_blocks[gate] for gate in order])


def gate_gradients_exercise(hidden: bool = False) -> Exercise:
    cases = []
    for seed, D, H in sized_seeds(300, hidden):
        params, step, rng = random_step(seed, D=D, H=H)
        H = params.hidden_size
        dh, ds_via_next = rng.standard_normal(H), rng.standard_normal(H)
        back = lstm_step_backward(params, step, dh=dh, ds_via_next=ds_via_next)
        cases.append(Case((back.ds, dh, step.a, step.i, step.f, step.o, step.s, step.s_prev), (back.dz,)))
    ones = {gate: np.ones_like for gate in GATE_ORDER}
    at_z = {"a": lambda g: 1 - np.tanh(g) ** 2, "i": lambda g: sigmoid(g) * (1 - sigmoid(g)),
            "f": lambda g: sigmoid(g) * (1 - sigmoid(g)), "o": lambda g: sigmoid(g) * (1 - sigmoid(g))}
    mistakes = [
        Mistake("s_instead_of_s_prev", "S_t is used in δf where S_{t-1} belongs: δf_t = δS_t ⊙ S_{t-1}",
                lambda case: _gate_gradients(*case.args, keep=case.args[6])),
        Mistake("activation_derivative_missing",
                "the activation's derivative is missing: δZ = δgate ⊙ (1 - a²) or ⊙ g(1 - g)",
                lambda case: _gate_gradients(*case.args, slopes=ones)),
        Mistake("activation_derivative_wrong_point",
                "the activation's derivative is taken at the wrong point: the gates are already "
                "tanh(Z) or σ(Z), so the slope is 1 - a² or g(1 - g), not σ'(g) or tanh'(g)",
                lambda case: _gate_gradients(*case.args, slopes=at_z)),
        Mistake("do_from_ds", "δo uses δS_t; the output gate acts after the cell state: δo_t = δh_t ⊙ tanh(S_t)",
                lambda case: _gate_gradients(*case.args, do_from=case.args[0])),
    ]
    mistakes += [Mistake("gates_wrong_order", order_message(order),
                         lambda case, order=order: _gate_gradients(*case.args, order=order), partial=False)
                 for order in wrong_orders()]
    return Exercise(hidden_name("gate_gradients", hidden), ("ds", "dh", "a", "i", "f", "o", "s", "s_prev"), ("dz",),
                    tuple(cases), tuple(mistakes), gate_blocks,
                    gate_row_location(lambda case: case.args[0].shape[-1]))  # δS_t is (H,)


def check_gate_gradients(gate_gradients, hidden: bool = False) -> CheckResult:
    """Check ``gate_gradients(ds, dh, a, i, f, o, s, s_prev) -> dz`` (notebook 3).

    Every input is (H,); returns ``δZ_t`` (4H,), blocks in the order a, i, f, o.

    ``hidden=True`` runs other cases (other seeds and sizes), as nbgrader's hidden tests do.
    """
    return run_check(gate_gradients_exercise(hidden), gate_gradients)


__all__ = ["check_gate_gradients", "gate_gradients_exercise"]
