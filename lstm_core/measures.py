"""What the figures measure: numbers computed from a trace and its gradients.

Every still figure and every stepper that shows the same thing takes its numbers from
one function here, so the two cannot disagree. Nothing here draws.

Traces and gradients are those of :func:`~lstm_core.sequence.lstm_forward` and
:func:`~lstm_core.sequence.lstm_backward`; axis 0 is time, and entry ``k`` is step
``t = k + 1``. Functions that pick one unit want one sequence (no batch axis).
"""

from __future__ import annotations

import numpy as np

from .params import GATE_ORDER, init_params
from .rnn import init_rnn_params, rnn_backward, rnn_forward
from .sequence import lstm_backward, lstm_forward


def unit_values(trace, k: int, unit: int = 0) -> dict:
    """The numbers of step ``t = k + 1`` for one unit: each gate, ``S_{t-1}``, ``S_t``,
    ``h_{t-1}``, ``h_t``, and ``x`` (the first three entries of ``x_t``: every unit sees all of it).
    """
    step = trace.step(k)
    values = {name: float(step.gate(name)[unit]) for name in GATE_ORDER}
    values.update(s_prev=float(step.s_prev[unit]), s=float(step.s[unit]),
                  h_prev=float(step.h_prev[unit]), h=float(step.h[unit]), x=tuple(step.x[:3].tolist()))
    return values


def unit_history(trace, unit: int = 0) -> dict[str, np.ndarray]:
    """One unit over the whole sequence: ``gates`` (T, 4) in gate order, ``s`` (T,), ``h`` (T,)."""
    gates = np.stack([trace.gate(name)[:, unit] for name in GATE_ORDER], axis=1)  # (T, 4)
    return {"gates": gates, "s": trace.s[:, unit], "h": trace.h[:, unit]}


def path_sizes(grads, k: int) -> dict[str, float]:
    """At step ``t = k + 1``, norms over units (and batch) of path 1 and path 2 into ``S_t``,
    of their sum ``δS_t``, and of what goes on to step t-1, ``δS_t ⊙ f_t``.
    """
    return {
        "via_h": float(np.linalg.norm(grads.ds_via_h[k])),
        "via_next": float(np.linalg.norm(grads.ds_via_next[k])),
        "total": float(np.linalg.norm(grads.ds[k])),
        "carried": float(np.linalg.norm(grads.ds[k] * grads.trace.f[k])),
    }


def path_norms(grads) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per step: ``‖path 1‖``, ``‖path 2‖`` and ``‖δS_t‖``, each (T,)."""
    T = len(grads.ds)

    def per_step(values):
        return np.linalg.norm(np.reshape(values, (T, -1)), axis=1)  # (T, B·H) -> (T,)

    return per_step(grads.ds_via_h), per_step(grads.ds_via_next), per_step(grads.ds)


def gate_gradient_norms(grads) -> np.ndarray:
    """(4, T): ``‖δZ‖`` of each gate block (rows a, i, f, o) at each step, over units and batch."""
    H = grads.ds.shape[-1]
    T = len(grads.dz)
    blocks = np.reshape(grads.dz, (T, -1, 4, H))  # (T, B, 4, H)
    return np.linalg.norm(blocks, axis=(1, 3)).T


def weight_gradient_shares(grads) -> tuple[np.ndarray, np.ndarray]:
    """Each step's share of ``δW`` and the running sum as the backward pass meets the steps.

    Returns ``shares`` (T, 4H, D+H), ``shares[k] = δZ_t · I_tᵀ`` (summed over the batch),
    and ``running`` (T, 4H, D+H), ``running[k] = Σ_{t' ≥ t} δZ_{t'} · I_{t'}ᵀ``: what the
    backward pass, walking t = T … 1, has added when it reaches t. ``running[0]`` is ``δW``.
    """
    T = len(grads.dz)
    dz = np.reshape(grads.dz, (T, -1, grads.dz.shape[-1]))  # (T, B, 4H)
    inputs = np.reshape(grads.trace.I, (T, -1, grads.trace.I.shape[-1]))  # (T, B, D+H)
    shares = np.einsum("tbj,tbk->tjk", dz, inputs)  # (T, 4H, D+H)
    running = np.cumsum(shares[::-1], axis=0)[::-1]  # (T, 4H, D+H)
    return shares, running


def gradient_decay(T: int = 100, keep_bias: float = 0.0, scale: float = 1.0, hidden_size: int = 16,
                   input_size: int = 4, seed: int = 0) -> dict[str, np.ndarray]:
    """How far back a gradient reaches, in an LSTM and in a vanilla RNN of the same size.

    Both read the same small random inputs (standard deviation 0.1, so that the
    recurrence rather than the input drives the state); the loss reads only the last output,
    ``L = g · h_T`` with a fixed unit vector ``g``. ``scale`` multiplies both networks'
    default weight range ``1/sqrt(H)``; ``keep_bias`` is the LSTM's ``b_f``.

    Returns ``distance`` (T,) = T - t, and per step ``lstm`` = ``‖δS_t‖ / ‖δS_T‖`` and
    ``rnn`` = ``‖δh_t‖ / ‖δh_T‖``, ordered by distance (0 = the last step): each
    relative to its size at the last step, so that the two start level.
    """
    rng = np.random.default_rng(seed)
    x = 0.1 * rng.standard_normal((T, input_size))
    g = rng.standard_normal(hidden_size)
    dh_loss = np.zeros((T, hidden_size))
    dh_loss[-1] = g / np.linalg.norm(g)
    weight_range = scale / np.sqrt(hidden_size)
    lstm = init_params(input_size, hidden_size, seed=seed, keep_bias=keep_bias, scale=weight_range)
    rnn = init_rnn_params(input_size, hidden_size, seed=seed, scale=weight_range)
    with np.errstate(all="ignore"):
        ds = lstm_backward(lstm, lstm_forward(lstm, x), dh_loss).ds
        dh_rnn = rnn_backward(rnn, rnn_forward(rnn, x), dh_loss).dh
        lstm_sizes = np.linalg.norm(ds, axis=1)[::-1]
        rnn_sizes = np.linalg.norm(dh_rnn, axis=1)[::-1]
        return {"distance": np.arange(T), "lstm": lstm_sizes / lstm_sizes[0], "rnn": rnn_sizes / rnn_sizes[0]}


__all__ = [
    "gate_gradient_norms",
    "gradient_decay",
    "path_norms",
    "path_sizes",
    "unit_history",
    "unit_values",
    "weight_gradient_shares",
]
