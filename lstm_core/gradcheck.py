"""Gradient checking: compare backpropagation with central finite differences.

The loss used for the LSTM is ``L = Σ_t g_t · h_t`` for a fixed array ``dh_loss``: its
gradient with respect to every ``h_t`` is exactly ``g_t``, so ``lstm_backward(
trace, dh_loss)`` must reproduce the finite differences of ``L`` with respect to anything.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, positive_float
from .cell import squash
from .params import LSTMParams
from .sequence import lstm_backward, lstm_forward, run_lstm

CHECKABLE = ("W", "b", "x", "h0", "s0", "h", "s")
"""What :func:`gradcheck` can check: parameters, inputs, and the totals ``δh_t``, ``δS_t``."""


def relative_error(analytic, numeric) -> float:
    """``‖analytic - numeric‖ / (‖analytic‖ + ‖numeric‖)``, or 0.0 when both are zero."""
    analytic = as_float_array("analytic", analytic)
    numeric = as_float_array("numeric", numeric)
    if analytic.shape != numeric.shape:
        raise ValueError(f"analytic and numeric must have the same shape, got {analytic.shape} and {numeric.shape}")
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    if scale == 0.0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / scale)


def numerical_gradient(f, x, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences ``(f(x + ε e_j) - f(x - ε e_j)) / 2ε`` for every entry j.

    ``f`` takes an array shaped like ``x`` and returns a number. ``x`` is not changed:
    ``f`` is called with a perturbed copy.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of one array returning a number, got {type(f).__name__}")
    x = as_float_array("x", x)
    eps = positive_float("eps", eps)
    probe = x.copy()
    grad = np.empty_like(probe)
    flat_probe, flat_grad = probe.reshape(-1), grad.reshape(-1)
    for j in range(flat_probe.size):
        original = flat_probe[j]
        flat_probe[j] = original + eps
        plus = float(f(probe))
        flat_probe[j] = original - eps
        minus = float(f(probe))
        flat_probe[j] = original
        flat_grad[j] = (plus - minus) / (2 * eps)
    return grad


def lstm_loss(params: LSTMParams, x, dh_loss, h0=None, s0=None, linear: bool = False) -> float:
    """``L = Σ_t g_t · h_t``: a scalar loss whose ``∂L/∂h_t`` is exactly ``g_t`` (``dh_loss[t]``)."""
    trace = lstm_forward(params, x, h0, s0, linear)
    return float(np.sum(as_float_array("dh_loss", dh_loss) * trace.h))


def _checked_loss(params: LSTMParams, x, dh_loss, h0, s0, linear: bool) -> float:
    """:func:`lstm_loss` on input already checked (every probe of the finite differences)."""
    return float(np.sum(dh_loss * run_lstm(params, x, h0, s0, linear).h))


def _loss_with_state_nudge(params, trace, dh_loss, k, new_h=None, new_s=None) -> float:
    """``L`` when step ``t = k + 1`` ends in ``new_h`` / ``new_s`` instead of its own values.

    Used to take finite differences with respect to ``h_t`` (``S_t`` held) and ``S_t``
    (``h_t = o_t ⊙ tanh(S_t)`` follows it), then run the rest of the sequence on.
    """
    s_k = trace.s[k] if new_s is None else new_s
    if new_h is not None:
        h_k = new_h
    elif new_s is not None:
        h_k = trace.o[k] * squash(new_s, trace.linear)
    else:
        h_k = trace.h[k]
    loss = float(np.sum(dh_loss[:k] * trace.h[:k])) + float(np.sum(dh_loss[k] * h_k))
    if k + 1 < len(trace.x):
        loss += _checked_loss(params, trace.x[k + 1 :], dh_loss[k + 1 :], h_k, s_k, trace.linear)
    return loss


def numerical_lstm_gradients(
    params: LSTMParams, x, dh_loss, h0=None, s0=None, linear: bool = False, wrt=CHECKABLE, eps: float = 1e-6
) -> dict[str, np.ndarray]:
    """Finite-difference gradients of ``L = Σ_t g_t · h_t`` for each name in ``wrt``.

    Names: ``"W"``, ``"b"``, ``"x"``, ``"h0"``, ``"s0"`` (shaped like those arrays) and
    ``"h"``, ``"s"`` (the totals ``δh_t`` and ``δS_t``, shaped like ``trace.h``).
    """
    wrt = _check_wrt(wrt)
    trace = lstm_forward(params, x, h0, s0, linear)
    dh_loss = as_float_array("dh_loss", dh_loss)
    if dh_loss.shape != trace.h.shape:
        raise ValueError(f"dh_loss must have shape {trace.h.shape} (like trace.h), got {dh_loss.shape}")
    # Checked once, above; each probe runs the loop on its perturbed copy without checks or copies.
    x, h0, s0, linear = trace.x, trace.h0, trace.s0, trace.linear
    losses = {
        "W": lambda W: _checked_loss(LSTMParams.from_checked(W, params.b), x, dh_loss, h0, s0, linear),
        "b": lambda b: _checked_loss(LSTMParams.from_checked(params.W, b), x, dh_loss, h0, s0, linear),
        "x": lambda x_: _checked_loss(params, x_, dh_loss, h0, s0, linear),
        "h0": lambda h0_: _checked_loss(params, x, dh_loss, h0_, s0, linear),
        "s0": lambda s0_: _checked_loss(params, x, dh_loss, h0, s0_, linear),
    }
    starts = {"W": params.W, "b": params.b, "x": x, "h0": h0, "s0": s0}
    result = {}
    for name in wrt:
        if name in losses:
            result[name] = numerical_gradient(losses[name], starts[name], eps)
        else:  # "h" or "s": one step at a time
            values = trace.h if name == "h" else trace.s
            per_step = []
            for k in range(len(values)):

                def nudged_loss(v, k=k, name=name):
                    return _loss_with_state_nudge(params, trace, dh_loss, k, **{"new_" + name: v})

                per_step.append(numerical_gradient(nudged_loss, values[k], eps))
            result[name] = np.stack(per_step)
    return result


def gradcheck(
    params: LSTMParams,
    x,
    dh_loss=None,
    h0=None,
    s0=None,
    linear: bool = False,
    wrt=CHECKABLE,
    eps: float = 1e-6,
    seed: int = 0,
) -> dict[str, float]:
    """Relative error between :func:`lstm_backward` and finite differences, per array.

    Parameters
    ----------
    params, x, h0, s0, linear : as for :func:`lstm_forward`
    dh_loss : like ``trace.h``, the loss's direct term ``g_t = ∂L/∂h_t``; drawn from a seeded normal if None
    wrt : which gradients to check, a subset of ``CHECKABLE``:
        ``"W", "b", "x", "h0", "s0"`` and the per-step totals ``"h"`` (δh_t), ``"s"`` (δS_t)
    eps : finite-difference step (about 1e-6 suits float64)

    Returns
    -------
    dict mapping each name in ``wrt`` to its relative error; below 1e-7 means the
    backward pass is right.
    """
    wrt = _check_wrt(wrt)
    trace = lstm_forward(params, x, h0, s0, linear)
    if dh_loss is None:
        dh_loss = np.random.default_rng(seed).standard_normal(trace.h.shape)
    grads = lstm_backward(trace, dh_loss)
    analytic = {"W": grads.dW, "b": grads.db, "x": grads.dx, "h0": grads.dh0,
                "s0": grads.ds0, "h": grads.dh, "s": grads.ds}
    numeric = numerical_lstm_gradients(params, trace.x, dh_loss, trace.h0, trace.s0, linear, wrt, eps)
    return {name: relative_error(analytic[name], numeric[name]) for name in wrt}


def _check_wrt(wrt) -> tuple[str, ...]:
    if isinstance(wrt, str):
        wrt = (wrt,)
    wrt = tuple(wrt)
    unknown = [name for name in wrt if name not in CHECKABLE]
    if unknown or not wrt:
        raise ValueError(f"wrt must name some of {CHECKABLE}, got {wrt!r}")
    return wrt


__all__ = ["CHECKABLE", "gradcheck", "lstm_loss", "numerical_gradient", "numerical_lstm_gradients", "relative_error"]
