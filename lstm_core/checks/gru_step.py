"""Notebook 07's exercise: one backward step of a cell the course has not shown, the GRU,
``gru_step_backward(dh, x, h_prev, r, z, n, hn, W_h) -> (dh_prev, dZ, dW_x, dW_h)``.

The GRU is PyTorch's (:mod:`lstm_core.gru`)::

    r_t = σ(Z_r),  z_t = σ(Z_z),  hn = W_hn h_{t-1} + b_hn,
    n_t = tanh(Z_n) with Z_n = W_in x_t + b_in + r_t ⊙ hn,
    h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}.

The student gets what a GRU step's cache holds (``x_t``, ``h_{t-1}``, the gates ``r_t``,
``z_t``, ``n_t``, ``hn`` and the recurrent weights ``W_h``) and the total ``δh_t``, and
returns what reaches ``h_{t-1}`` along both of its paths (directly through ``z_t``, and
through the gates and ``n_t``), the pre-activations' gradients ``δZ = [δZ_r, δZ_z, δZ_n]``
and this step's ``δW_x = δZ x_tᵀ`` and ``δW_h = [δZ_r, δZ_z, r_t ⊙ δZ_n] h_{t-1}ᵀ``.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..gru import GRU_GATE_ORDER, GRUParams, gru_step_backward, gru_step_forward
from .checker import Case, CheckResult, Exercise, Mistake, hidden_name, run_check, sized_seeds

INPUTS = ("dh", "x", "h_prev", "r", "z", "n", "hn", "W_h")
OUTPUTS = ("dh_prev", "dZ", "dW_x", "dW_h")


def random_gru_case(seed: int, D: int, H: int) -> Case:
    """One case: random weights with non-zero biases, one forward step, a random ``δh_t``,
    and the engine's answer (``lc.gru_step_backward``)."""
    rng = np.random.default_rng(seed)
    params = GRUParams(rng.uniform(-1, 1, (3 * H, D)), rng.uniform(-1, 1, (3 * H, H)),
                       rng.uniform(-0.5, 0.5, 3 * H), rng.uniform(-0.5, 0.5, 3 * H))
    x, h_prev = rng.standard_normal(D), rng.uniform(-1, 1, H)  # a GRU's h stays within (-1, 1)
    step = gru_step_forward(params, x, h_prev)
    dh = rng.standard_normal(H)  # the total δh_t
    back = gru_step_backward(step, dh)
    return Case((dh, x, h_prev, step.r, step.z, step.n, step.hn, params.W_h),
                (back.dh_prev, back.dZ, back.dW_x, back.dW_h))


def _sigmoid_slope_at_the_output(g):
    return g * (1 - g)  # σ'(Z) written with σ(Z) = g


def _sigmoid_slope_at_the_wrong_point(g):
    return sigmoid(g) * (1 - sigmoid(g))  # σ'(g): g is already σ(Z)


def _backward(case, direct="z", dn_by="1-z", dz_sign=1.0, reset="hn", tanh_slope="output", sigmoid_slope="output",
              through_gates=True, r_in_n=True, transposed=True):
    """One GRU step back, each keyword a way to get it wrong (the defaults get it right)."""
    dh, x, h_prev, r, z, n, hn, W_h = case.args
    H = len(dh)
    W_hr, W_hz, W_hn = W_h[:H], W_h[H:2 * H], W_h[2 * H:]
    dn = dh * {"1-z": 1 - z, "z": z}[dn_by]  # δn_t = δh_t ⊙ (1 - z_t)
    dz = dz_sign * dh * (h_prev - n)  # δz_t = δh_t ⊙ (h_{t-1} - n_t)
    dZ_n = dn * {"output": 1 - n ** 2, "wrong_point": 1 - np.tanh(n) ** 2, "missing": np.ones_like(n)}[tanh_slope]
    dr = {"hn": dZ_n * hn, "h_prev": dZ_n * h_prev, "cho": h_prev * (W_hn.T @ dZ_n), "missing": dZ_n}[reset]
    slope = {"output": _sigmoid_slope_at_the_output, "wrong_point": _sigmoid_slope_at_the_wrong_point,
             "missing": np.ones_like}[sigmoid_slope]
    dZ_r, dZ_z = dr * slope(r), dz * slope(z)
    dZ = np.concatenate([dZ_r, dZ_z, dZ_n])
    dZh = np.concatenate([dZ_r, dZ_z, r * dZ_n if r_in_n else dZ_n])  # the gradient of W_h h_{t-1} + b_h
    if transposed:
        back = W_h.T @ dZh
    else:
        back = W_hr @ dZh[:H] + W_hz @ dZh[H:2 * H] + W_hn @ dZh[2 * H:]
    dh_prev = {"z": z, "1-z": 1 - z, "missing": np.zeros_like(z)}[direct] * dh + (back if through_gates else 0.0)
    return dh_prev, dZ, np.outer(dZ, x), np.outer(dZh, h_prev)


def _parts(output, array):
    """δh_{t-1} whole; δZ, δW_x and δW_h by their gate blocks r, z, n."""
    if output == 0:
        return [("δh_{t-1}", np.s_[...])]
    H = array.shape[0] // 3
    label = {1: "δZ_{}", 2: "δW_x's {} rows", 3: "δW_h's {} rows"}[output]
    return [(label.format(gate), np.s_[k * H:(k + 1) * H]) for k, gate in enumerate(GRU_GATE_ORDER)]


def _locate(case, output, index):
    if not index:
        return ""
    if output == 0:
        return f" (unit {index[0] + 1})"
    H = len(case.args[0])
    where = f"gate {GRU_GATE_ORDER[index[0] // H]}, unit {index[0] % H + 1}"
    return f" ({where}, column {index[1] + 1})" if len(index) > 1 else f" ({where})"


SWAPPED = ("(1 - z_t) and z_t are swapped: in PyTorch's GRU h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}, so the "
           "direct path is z_t ⊙ δh_t and δn_t = δh_t ⊙ (1 - z_t)")
WRONG_POINT = ("a slope is taken at the wrong point: n_t, r_t and z_t are already the activations' outputs, so "
               "tanh' = 1 - n_t² (not 1 - tanh²(n_t)) and σ' = r_t (1 - r_t), z_t (1 - z_t) (not σ(r_t)(1 - σ(r_t)))")
SLOPE_MISSING = ("an activation's derivative is missing: δZ_n = δn_t ⊙ (1 - n_t²), δZ_r = δr_t ⊙ r_t (1 - r_t), "
                 "δZ_z = δz_t ⊙ z_t (1 - z_t)")
RESET = ("r_t's gradient is not taken through hn = W_hn h_{t-1} + b_hn: r_t multiplies hn inside Z_n, so "
         "δr_t = δZ_n ⊙ hn (r_t ⊙ h_{t-1} before the matrix is Cho et al.'s GRU, not PyTorch's)")


def gru_step_backward_exercise(hidden: bool = False) -> Exercise:
    cases = tuple(random_gru_case(seed, D, H) for seed, D, H in sized_seeds(700, hidden))

    def model(**mistake):
        return lambda case: _backward(case, **mistake)

    mistakes = [
        Mistake("direct_path_missing", "the direct path z_t ⊙ δh_t is missing from δh_{t-1}: h_t = (1 - z_t) ⊙ n_t "
                "+ z_t ⊙ h_{t-1} holds h_{t-1} itself, so δh_{t-1} gets z_t ⊙ δh_t besides what comes back through "
                "the gates and n_t", model(direct="missing")),
        Mistake("gate_terms_missing", "δh_{t-1} is missing the terms through the gates and n_t: h_{t-1} also enters "
                "Z_r, Z_z and Z_n through W_h, so add W_hrᵀ δZ_r + W_hzᵀ δZ_z + W_hnᵀ (r_t ⊙ δZ_n)",
                model(through_gates=False)),
        Mistake("one_minus_z", SWAPPED, model(direct="1-z", dn_by="z", dz_sign=-1.0)),
        Mistake("one_minus_z", SWAPPED, model(direct="1-z")),
        Mistake("one_minus_z", SWAPPED, model(dn_by="z")),
        Mistake("update_gate_sign", "the sign of δz_t is wrong: ∂h_t/∂z_t = h_{t-1} - n_t, so "
                "δz_t = δh_t ⊙ (h_{t-1} - n_t)", model(dz_sign=-1.0)),
        Mistake("reset_not_through_hn", RESET, model(reset="h_prev")),
        Mistake("reset_not_through_hn", RESET, model(reset="cho")),
        Mistake("reset_not_through_hn", RESET, model(reset="missing")),
        Mistake("reset_missing_in_n", "r_t is missing on the way back from Z_n into W_hn h_{t-1} + b_hn: Z_n = … + "
                "r_t ⊙ (W_hn h_{t-1} + b_hn), so W_hn h_{t-1} + b_hn gets r_t ⊙ δZ_n, not δZ_n", model(r_in_n=False)),
        Mistake("activation_derivative_wrong_point", WRONG_POINT, model(tanh_slope="wrong_point")),
        Mistake("activation_derivative_wrong_point", WRONG_POINT, model(sigmoid_slope="wrong_point")),
        Mistake("activation_derivative_wrong_point", WRONG_POINT,
                model(tanh_slope="wrong_point", sigmoid_slope="wrong_point")),
        Mistake("activation_derivative_missing", SLOPE_MISSING, model(tanh_slope="missing")),
        Mistake("activation_derivative_missing", SLOPE_MISSING, model(sigmoid_slope="missing")),
        Mistake("activation_derivative_missing", SLOPE_MISSING, model(tanh_slope="missing", sigmoid_slope="missing")),
        Mistake("W_not_transposed", "W_h's blocks are used where their transposes belong: the gradient flows back "
                "to h_{t-1} through W_hᵀ, W_hrᵀ δZ_r + W_hzᵀ δZ_z + W_hnᵀ (r_t ⊙ δZ_n)", model(transposed=False)),
    ]
    return Exercise(hidden_name("gru_step_backward", hidden), INPUTS, OUTPUTS, cases, tuple(mistakes), _parts,
                    _locate)


def check_gru_step_backward(gru_step_backward, hidden: bool = False) -> CheckResult:
    """Check ``gru_step_backward(dh, x, h_prev, r, z, n, hn, W_h) -> (dh_prev, dZ, dW_x, dW_h)`` (notebook 7).

    One backward step of PyTorch's GRU. ``dh`` (H,) is the total ``δh_t``; ``x`` (D,) is
    ``x_t``, ``h_prev`` (H,) ``h_{t-1}``; ``r, z, n`` (H,) are the gates' values and ``hn``
    (H,) is ``W_hn h_{t-1} + b_hn``; ``W_h`` (3H, H) is ``[W_hr; W_hz; W_hn]``. Returns
    ``δh_{t-1}`` (H,), both paths; ``δZ = [δZ_r, δZ_z, δZ_n]`` (3H,); ``δW_x = δZ x_tᵀ``
    (3H, D); ``δW_h = [δZ_r, δZ_z, r_t ⊙ δZ_n] h_{t-1}ᵀ`` (3H, H).

    ``hidden=True`` runs other cases (other seeds and sizes), as nbgrader's hidden tests do.
    """
    return run_check(gru_step_backward_exercise(hidden), gru_step_backward)


__all__ = ["check_gru_step_backward", "gru_step_backward_exercise", "random_gru_case"]
