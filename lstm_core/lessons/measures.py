"""What the figures measure: numbers computed from a trace and its gradients.

Every still figure and every stepper that shows the same thing takes its numbers from
one function here, so the two cannot disagree. Nothing here draws.

Traces and gradients are those of :func:`~lstm_core.sequence.lstm_forward` and
:func:`~lstm_core.sequence.lstm_backward`; axis 0 is time, and entry ``k`` is step
``t = k + 1``. Functions that pick one unit want one sequence (no batch axis).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..params import GATE_ORDER, gate_slice, init_params
from ..rnn import init_rnn_params, rnn_backward, rnn_forward
from ..sequence import lstm_backward, lstm_forward


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
                   input_size: int = 4, seed: int = 0, input_scale: float = 0.1) -> dict[str, np.ndarray]:
    """How far back a gradient reaches, in an LSTM and in a vanilla RNN of the same size.

    Both read the same small random inputs (standard deviation ``input_scale``, so that
    the recurrence rather than the input drives the state); the loss reads only the last
    output, ``L = g · h_T`` with a fixed random unit vector ``g``. ``scale`` multiplies
    both networks' default weight range ``1/sqrt(H)``; ``keep_bias`` is the LSTM's ``b_f``.

    Returns, ordered by distance back from the last step (``distance`` (T,) = T - t), each
    relative to its size at the last step so that all start level:

    - ``lstm``: the LSTM's ``‖δS_t‖``;
    - ``lstm_dh``: the LSTM's ``‖δh_t‖``, to set beside the RNN's;
    - ``rnn``: the RNN's ``‖δh_t‖``;
    - ``carousel``: ``‖δS_T ⊙ f_T ⊙ f_{T-1} ⊙ … ⊙ f_{t+1}‖``, what path 2 alone would carry
      back: the constant error carousel, without the feedback of path 1;

    and ``mean_f``, the LSTM's mean keep gate over every step and unit.

    Each setting is computed once and kept (the last 256): a slider that comes back to a
    setting gets its curves at once. The arrays returned are the caller's own copies.
    """
    curves = _gradient_decay(T, keep_bias, scale, hidden_size, input_size, seed, input_scale)
    return {key: values.copy() for key, values in curves.items()}


@lru_cache(maxsize=256)
def _gradient_decay(T, keep_bias, scale, hidden_size, input_size, seed, input_scale) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = input_scale * rng.standard_normal((T, input_size))
    g = rng.standard_normal(hidden_size)
    dh_loss = np.zeros((T, hidden_size))
    dh_loss[-1] = g / np.linalg.norm(g)
    weight_range = scale / np.sqrt(hidden_size)
    lstm = init_params(input_size, hidden_size, seed=seed, keep_bias=keep_bias, scale=weight_range)
    rnn = init_rnn_params(input_size, hidden_size, seed=seed, scale=weight_range)
    with np.errstate(all="ignore"):
        trace = lstm_forward(lstm, x)
        grads = lstm_backward(trace, dh_loss)
        dh_rnn = rnn_backward(rnn_forward(rnn, x), dh_loss).dh
        keep_after = np.ones((T, hidden_size))  # keep_after[k] = f_{k+2} ⊙ … ⊙ f_T, the keep gates after step k + 1
        keep_after[:-1] = np.cumprod(trace.f[:0:-1], axis=0)[::-1]
        carried = grads.ds[-1] * keep_after  # (T, H): δS_T carried back by path 2 alone

        def by_distance(values):  # (T, H) -> (T,) sizes, last step first, relative to it
            sizes = np.linalg.norm(values, axis=1)[::-1]
            return sizes / sizes[0]

        return {"distance": np.arange(T), "lstm": by_distance(grads.ds), "lstm_dh": by_distance(grads.dh),
                "rnn": by_distance(dh_rnn), "carousel": by_distance(carried), "mean_f": np.float64(trace.f.mean())}


def unit_quantity(trace, quantity: str) -> np.ndarray:
    """(T, H) one quantity of every unit at every step of one sequence: ``"s"`` (the cell
    state ``S_t``), ``"h"``, or a gate ``"a"``, ``"i"``, ``"f"``, ``"o"``."""
    if quantity == "s":
        return trace.s
    if quantity == "h":
        return trace.h
    if quantity in GATE_ORDER:
        return trace.gate(quantity)
    raise ValueError(f"quantity must be 's', 'h' or a gate in {GATE_ORDER}, got {quantity!r}")


def text_features(text: str) -> dict[str, np.ndarray]:
    """Two facts about each character of ``text``, (T,) each, to look for in a unit:

    ``"position in line"``: how many characters of its line come before it (0 at a line's
    start; a newline ends its line); ``"inside a word"``: 1 for a letter or an apostrophe, else 0.
    """
    if not isinstance(text, str) or not text:
        raise ValueError("text must be a non-empty string")
    position, column = np.zeros(len(text)), 0
    for k, char in enumerate(text):
        position[k] = column
        column = 0 if char == "\n" else column + 1
    inside = np.array([char.isalpha() or char == "'" for char in text], dtype=float)
    return {"position in line": position, "inside a word": inside}


def unit_correlations(values, feature) -> np.ndarray:
    """(H,) the correlation (Pearson's r) of each unit's values, (T, H), with ``feature``, (T,).

    A unit that never changes correlates with nothing: its r is 0.
    """
    values, feature = np.asarray(values, dtype=float), np.asarray(feature, dtype=float)
    if values.ndim != 2 or feature.shape != values.shape[:1]:
        raise ValueError(f"values must be (T, H) and feature (T,), got {values.shape} and {feature.shape}")
    values = values - values.mean(axis=0)
    feature = feature - feature.mean()
    spread = np.sqrt(np.sum(values**2, axis=0) * np.sum(feature**2))
    return np.divide(values.T @ feature, spread, out=np.zeros(values.shape[1]), where=spread > 0)


def backward_step_sizes(grads, dh_loss=None) -> dict[str, float]:
    """The norm, over units (and batch), of every gradient of one backward step.

    ``grads`` is a :class:`~lstm_core.cell.StepGrads` (from :func:`~lstm_core.lstm_step_backward`);
    ``dh_loss`` (B, H) or (H,), the loss's direct term ``g_t = ∂L/∂h_t``, splits ``δh_t`` into its two
    parts ``g_t`` and ``δh_next = δh_t - g_t`` (without it neither part has a number).
    Keys are those of :class:`~lstm_core.figures.backward_step.BackwardStepDiagram`'s boxes and arrows.
    """
    def size(values) -> float:
        return float(np.linalg.norm(values))

    sizes = {"dh": size(grads.dh), "ds_via_h": size(grads.ds_via_h), "ds_via_next": size(grads.ds_via_next),
             "ds": size(grads.ds), "ds_prev": size(grads.ds_prev), "dx": size(grads.dx),
             "dh_prev": size(grads.dh_prev), "dI": float(np.hypot(size(grads.dx), size(grads.dh_prev))),
             "dW": size(grads.dW), "db": size(grads.db)}
    for name in GATE_ORDER:
        sizes[f"d{name}"] = size(grads.dgate(name))
        sizes[f"dz_{name}"] = size(grads.dz[..., gate_slice(name, grads.ds.shape[-1])])
    if dh_loss is not None:
        dh_loss = np.asarray(dh_loss, dtype=float)
        if dh_loss.shape != grads.dh.shape:
            raise ValueError(f"dh_loss must have the shape of δh_t, {grads.dh.shape}, got {dh_loss.shape}")
        sizes["dh_loss"] = size(dh_loss)
        sizes["dh_next"] = size(grads.dh - dh_loss)  # δh_next = δh_t - g_t
    return sizes


__all__ = [
    "backward_step_sizes",
    "gate_gradient_norms",
    "gradient_decay",
    "path_norms",
    "path_sizes",
    "text_features",
    "unit_correlations",
    "unit_history",
    "unit_quantity",
    "unit_values",
    "weight_gradient_shares",
]
