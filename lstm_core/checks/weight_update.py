"""Notebook 04's exercises: back to the input (``input_gradient``), δW and δb over time
(``weight_gradients``), and one step of gradient descent (``sgd_update``)."""

from __future__ import annotations

import numpy as np

from ..cell import lstm_step_backward
from ..optim import SGD
from ..sequence import lstm_backward, lstm_forward
from .checker import (
    HIDDEN_SIZE,
    INPUT_SIZE,
    RAISES,
    Case,
    CheckResult,
    Exercise,
    Mistake,
    gate_row_location,
    hidden_name,
    no_location,
    random_problem,
    random_step,
    run_check,
    seeds,
    sized_seeds,
    whole_outputs,
)

# ------------------------------------------------------- 4a. back to the input: Wᵀ δZ


def _is_shape_error(error) -> bool:
    text = str(error).lower()
    return isinstance(error, ValueError) and any(word in text for word in ("shape", "mismatch", "aligned", "broadcast"))


def input_gradient_exercise(hidden: bool = False) -> Exercise:
    cases = []
    # (D, H): D = 3H makes W (4H, D+H) square; H = 1 and H ≠ D among them
    sizes = ((6, 2), (3, 1), (12, 4), (1, 3), (5, 1)) if hidden else \
        ((3 * HIDDEN_SIZE, HIDDEN_SIZE), (INPUT_SIZE, HIDDEN_SIZE), (3, 1), (4, 2), (6, 2))
    for seed, (D, H) in zip(seeds(400, hidden), sizes):
        params, step, rng = random_step(seed, D=D, H=H)
        back = lstm_step_backward(params, step, dh=rng.standard_normal(H), ds_via_next=rng.standard_normal(H))
        cases.append(Case((params.W, back.dz), (back.dx, back.dh_prev)))

    def split(case, dI):
        W = case.args[0]
        D = W.shape[1] - W.shape[0] // 4
        return dI[:D], dI[D:]

    def not_transposed(case):
        W, dz = case.args
        return split(case, W @ dz) if W.shape[0] == W.shape[1] else RAISES

    def swapped(case):
        W, dz = case.args
        H = W.shape[0] // 4
        dI = W.T @ dz
        return dI[H:], dI[:H]

    mistakes = [
        Mistake("W_instead_of_WT", "W is used where Wᵀ belongs: δI_t = Wᵀ δZ_t (it only runs when W is square)",
                not_transposed, partial=False),
        Mistake("W_instead_of_WT_shape", "a transposition mistake: W is (4H, D+H) and δZ_t is (4H,), so "
                "δI_t = Wᵀ δZ_t, of length D+H", lambda case: RAISES, partial=False),
        Mistake("split_swapped", "the split is the wrong way round: I_t = [x_t, h_{t-1}], so δx_t is the "
                "first D entries and the gradient for h_{t-1} the last H", swapped, partial=False),
    ]
    return Exercise(hidden_name("input_gradient", hidden), ("W", "dz"), ("dx", "dh_prev"), tuple(cases),
                    tuple(mistakes), whole_outputs(("δx_t", "W_hᵀ δZ_t (handed to h_{t-1})")), no_location,
                    explain_error=lambda error: "W_instead_of_WT_shape" if _is_shape_error(error) else None)


def check_input_gradient(input_gradient, hidden: bool = False) -> CheckResult:
    """Check ``input_gradient(W, dz) -> (dx, dh_prev)`` (notebook 4).

    W (4H, D+H), dz (4H,); returns the two parts of ``δI_t = Wᵀ δZ_t``: δx_t (D,) and
    the part handed back to h_{t-1} (H,), step t-1's δh_next. Some cases have D = 3H, where W is square.

    ``hidden=True`` runs other cases (other seeds and sizes), as nbgrader's hidden tests do.
    """
    return run_check(input_gradient_exercise(hidden), input_gradient)


# -------------------------------------------------- 4b. δW and δb, summed over time


def weight_gradients_exercise(hidden: bool = False) -> Exercise:
    cases = []
    for (seed, D, H), T in zip(sized_seeds(500, hidden), (6, 4, 8, 5, 7)):
        params, _, h0, s0, rng = random_problem(seed, D=D, H=H)
        x = rng.standard_normal((T, params.input_size))
        trace = lstm_forward(params, x, h0, s0)
        grads = lstm_backward(trace, rng.standard_normal((T, params.hidden_size)))
        cases.append(Case((grads.dz, trace.I), (grads.dW, grads.db)))

    def last_step_only(case):
        dz, I = case.args
        return np.outer(dz[-1], I[-1]), dz[-1].copy()

    def first_step_only(case):
        dz, I = case.args
        return np.outer(dz[0], I[0]), dz[0].copy()

    def mean_over_time(case):
        dz, I = case.args
        return dz.T @ I / len(dz), dz.mean(axis=0)

    def dW_transposed(case):
        dz, I = case.args
        return I.T @ dz, dz.sum(axis=0)

    mistakes = [
        Mistake("last_step_only", "δW (or δb) comes from the last step only; W is shared by every step, "
                "so δW = Σ_t δZ_t I_tᵀ and δb = Σ_t δZ_t", last_step_only),
        Mistake("first_step_only", "δW (or δb) comes from one step only; sum over all T steps", first_step_only),
        Mistake("mean_over_time", "δW (or δb) is averaged over time; the gradient is the sum, not the mean",
                mean_over_time),
        Mistake("dW_transposed", "δW is transposed: it has W's shape (4H, D+H), δZ_t I_tᵀ, not I_t δZ_tᵀ",
                dW_transposed, partial=False),
    ]
    row_of_dW = gate_row_location(lambda case: case.args[0].shape[-1] // 4)  # δZ is (T, 4H)

    def locate(case, output, index):
        return row_of_dW(case, output, index) if output == 0 else ""

    return Exercise(hidden_name("weight_gradients", hidden), ("dz", "I"), ("dW", "db"), tuple(cases), tuple(mistakes),
                    whole_outputs(("δW", "δb")), locate)


def check_weight_gradients(weight_gradients, hidden: bool = False) -> CheckResult:
    """Check ``weight_gradients(dz, I) -> (dW, db)`` (notebook 4).

    dz (T, 4H) holds δZ_t and I (T, D+H) holds I_t, time on axis 0; returns
    δW (4H, D+H) and δb (4H,), each summed over the T steps.

    ``hidden=True`` runs other cases (other seeds and sizes), as nbgrader's hidden tests do.
    """
    return run_check(weight_gradients_exercise(hidden), weight_gradients)


# ------------------------------------------------------------ 4c. one gradient step


def sgd_update_exercise(hidden: bool = False) -> Exercise:
    cases = []
    for (seed, D, H), lr in zip(sized_seeds(600, hidden), (0.1, 0.5, 0.03, 1.5, 0.2)):
        rng = np.random.default_rng(seed)
        W, dW = rng.standard_normal((4 * H, D + H)), rng.standard_normal((4 * H, D + H))
        cases.append(Case((W, dW, lr), (W - SGD(lr).update(None, dW),)))

    def sign_flipped(case):
        W, dW, lr = case.args
        return W + lr * dW

    def learning_rate_missing(case):
        W, dW, lr = case.args
        return W - dW

    def gradient_only(case):
        W, dW, lr = case.args
        return -lr * dW

    mistakes = [
        Mistake("update_sign", "a sign error: gradient descent steps against the gradient, W - η δW", sign_flipped),
        Mistake("learning_rate_missing", "the learning rate is missing: W - η δW", learning_rate_missing),
        Mistake("gradient_only", "only the step is returned; the new weights are W - η δW", gradient_only),
    ]
    return Exercise(hidden_name("sgd_update", hidden), ("W", "dW", "lr"), ("W_new",), tuple(cases), tuple(mistakes),
                    whole_outputs(("W_new",)),
                    gate_row_location(lambda case: case.args[0].shape[0] // 4))  # W is (4H, D+H)


def check_sgd_update(sgd_update, hidden: bool = False) -> CheckResult:
    """Check ``sgd_update(W, dW, lr) -> W_new``, one step of gradient descent (notebook 4).

    W and dW (4H, D+H), lr a positive float; returns new weights, leaving W unchanged.

    ``hidden=True`` runs other cases (other seeds and sizes), as nbgrader's hidden tests do.
    """
    return run_check(sgd_update_exercise(hidden), sgd_update)


__all__ = [
    "check_input_gradient",
    "check_sgd_update",
    "check_weight_gradients",
    "input_gradient_exercise",
    "sgd_update_exercise",
    "weight_gradients_exercise",
]
