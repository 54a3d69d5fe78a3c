"""Notebook 01's exercise: one forward step, ``lstm_step(W, b, x_t, h_prev, s_prev) -> (h, s)``."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..params import GATE_ORDER
from .checker import (
    Case,
    CheckResult,
    Exercise,
    Mistake,
    hidden_name,
    order_message,
    permuted_blocks,
    random_step,
    run_check,
    sized_seeds,
    unit_location,
    whole_outputs,
    wrong_orders,
)


def _forward(W, b, x_t, h_prev, s_prev, order=GATE_ORDER, candidate=np.tanh, squash=np.tanh,
             bias=True, x_first=True, keep=True, swapped=False):
    """``(h_t, S_t)`` with optional modelled mistakes; ``order`` is how the student reads Z_t's blocks."""
    I = np.concatenate([x_t, h_prev] if x_first else [h_prev, x_t])
    z = W @ I + (b if bias else 0.0)
    named = permuted_blocks(dict(zip(GATE_ORDER, np.split(z, 4))), order)
    a, i, f, o = candidate(named["a"]), sigmoid(named["i"]), sigmoid(named["f"]), sigmoid(named["o"])
    s = a * i + (f * s_prev if keep else 0.0)
    h = o * squash(s)
    return (s, h) if swapped else (h, s)


def lstm_step_exercise(hidden: bool = False) -> Exercise:
    cases = []
    for seed, D, H in sized_seeds(100, hidden):
        params, step, _ = random_step(seed, D=D, H=H)
        cases.append(Case((params.W, params.b, step.x, step.h_prev, step.s_prev), (step.h, step.s)))
    mistakes = [
        Mistake("h_without_tanh", "tanh is missing in h_t: h_t = o_t ⊙ tanh(S_t), not o_t ⊙ S_t",
                lambda case: _forward(*case.args, squash=lambda s: s)),
        Mistake("candidate_sigmoid", "the candidate uses σ; it is a_t = tanh(Z_a), the gates i, f, o use σ",
                lambda case: _forward(*case.args, candidate=sigmoid)),
        Mistake("bias_missing", "the bias is missing: Z_t = W I_t + b", lambda case: _forward(*case.args, bias=False)),
        Mistake("input_order", "I_t is stacked the wrong way round: I_t = [x_t, h_{t-1}], x first",
                lambda case: _forward(*case.args, x_first=False)),
        Mistake("keep_term_missing", "the keep gate's term is missing from the cell state: "
                "S_t = a_t ⊙ i_t + f_t ⊙ S_{t-1}, so add f_t ⊙ S_{t-1}", lambda case: _forward(*case.args, keep=False)),
        Mistake("outputs_swapped", "the two outputs are swapped: return (h, s), h_t first, then S_t",
                lambda case: _forward(*case.args, swapped=True), partial=False),
    ]
    mistakes += [Mistake("gates_wrong_order", order_message(order),
                         lambda case, order=order: _forward(*case.args, order=order), partial=False)
                 for order in wrong_orders()]
    return Exercise(hidden_name("lstm_step", hidden), ("W", "b", "x_t", "h_prev", "s_prev"), ("h", "s"), tuple(cases),
                    tuple(mistakes), whole_outputs(("h_t", "S_t")), unit_location)


def check_lstm_step(lstm_step, hidden: bool = False) -> CheckResult:
    """Check ``lstm_step(W, b, x_t, h_prev, s_prev) -> (h, s)``, one forward step (notebook 1).

    W (4H, D+H), b (4H,), x_t (D,), h_prev and s_prev (H,); returns h_t and S_t, each (H,).

    ``hidden=True`` runs other cases (other seeds and sizes), as nbgrader's hidden tests do.
    """
    return run_check(lstm_step_exercise(hidden), lstm_step)


__all__ = ["check_lstm_step", "lstm_step_exercise"]
