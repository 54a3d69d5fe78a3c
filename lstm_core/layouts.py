"""Our LSTM's weights in PyTorch's, Keras's and CS231n's layouts, and back; the GRU's in PyTorch's.

Ours: ``W`` (4H, D+H) with columns ``[x, h]`` and row blocks ``a, i, f, o`` (``a`` is the
candidate, the tanh block), and one bias ``b`` (4H,). The others (``docs/notation.md``,
"The same quantities in other texts")::

    layout            weights                                       gate order   the candidate
    ----------------  --------------------------------------------  -----------  -------------
    PyTorch nn.LSTM   weight_ih_l0 (4H, D), weight_hh_l0 (4H, H),   i, f, g, o   g
                      bias_ih_l0 + bias_hh_l0 (4H,): two, summed
    Keras LSTM        kernel (D, 4H), recurrent_kernel (H, 4H),     i, f, c, o   c
                      bias (4H,)
    CS231n            Wx (D, 4H), Wh (H, 4H), b (4H,)               i, f, o, g   g

PyTorch stores one gate per row block, as we do; Keras and CS231n store the transpose, one
gate per column block (they compute ``x @ Wx + h @ Wh + b``). Only the weights differ:
the equations, and so h, are the same in all four. Their *inputs* may not be: PyTorch's
``nn.LSTM`` takes (T, B, D) with time first like ours, while Keras and CS231n's
``lstm_forward`` take (B, T, D), batch first (``x.transpose(1, 0, 2)``).

Everything here is numpy. To load weights into PyTorch::

    lstm = torch.nn.LSTM(D, H, dtype=torch.float64)
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in to_torch(params).items()})
    params = from_torch(lstm.state_dict())      # tensors are accepted as they are

>>> import numpy as np
>>> from lstm_core import init_params
>>> from lstm_core.layouts import from_torch, to_torch
>>> params = init_params(input_size=3, hidden_size=2, seed=0)
>>> {name: array.shape for name, array in to_torch(params).items()}
{'weight_ih_l0': (8, 3), 'weight_hh_l0': (8, 2), 'bias_ih_l0': (8,), 'bias_hh_l0': (8,)}
>>> back = from_torch(to_torch(params))
>>> np.array_equal(back.W, params.W) and np.array_equal(back.b, params.b)
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

from ._checks import as_float_array
from .gru import GRUParams
from .params import GATE_ORDER, LSTMParams

TORCH_GATE_ORDER = ("i", "f", "g", "o")
"""PyTorch's row blocks: input gate, forget (our keep) gate, candidate ``g``, output gate."""
KERAS_GATE_ORDER = ("i", "f", "c", "o")
"""Keras's column blocks: input, forget (keep), candidate ``c``, output."""
CS231N_GATE_ORDER = ("i", "f", "o", "g")
"""CS231n assignment 3's column blocks: input, forget (keep), output, candidate ``g``."""

TORCH_KEYS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
"""The keys of a one-layer, one-direction ``nn.LSTM``'s (or ``nn.GRU``'s) state dict."""


# ------------------------------------------------------------------- gate orders


def _ours_from(order: tuple[str, ...]) -> list[int]:
    """Our block k is their block ``result[k]`` (their candidate is our ``a``)."""
    candidate = next(name for name in order if name not in ("i", "f", "o"))
    return [order.index(candidate if gate == "a" else gate) for gate in GATE_ORDER]


def _theirs_from_ours(order: tuple[str, ...]) -> list[int]:
    """Their block j is our block ``result[j]``."""
    return [GATE_ORDER.index("a" if name not in ("i", "f", "o") else name) for name in order]


def _reorder_rows(rows: np.ndarray, blocks: list[int]) -> np.ndarray:
    """A new array whose row block j is block ``blocks[j]`` of ``rows`` (4H, ...) or (4H,)."""
    H = rows.shape[0] // 4
    return rows.reshape(4, H, *rows.shape[1:])[blocks].reshape(rows.shape)


# ---------------------------------------------------------------- checks on input


def _as_numpy(name: str, value, ndim: int | None = None) -> np.ndarray:
    """``value`` (a numpy array, a list, or a torch tensor) as a finite float64 array."""
    if hasattr(value, "detach"):  # a torch tensor, perhaps requiring grad; torch is never imported
        value = value.detach()
        if hasattr(value, "cpu"):
            value = value.cpu()
    return as_float_array(name, value, ndim)


def _check_lstm_params(params) -> LSTMParams:
    if not isinstance(params, LSTMParams):
        hint = " (a GRUParams converts with gru_to_torch)" if isinstance(params, GRUParams) else ""
        raise TypeError(f"params must be an LSTMParams{hint}, got {type(params).__name__}")
    return params


def _looks_like(cell: str, layout: str = "PyTorch") -> str:
    if cell == "LSTM":
        return "they look like an LSTM's weights (four gate blocks); convert them with from_torch"
    if layout == "PyTorch":
        return "they look like a GRU's weights (nn.GRU: blocks r, z, n); convert them with gru_from_torch"
    return ("they look like a GRU's weights (three gate blocks); this converts an LSTM's. The course's GRU is "
            "PyTorch's, converted with gru_from_torch")


def _check_torch_keys(state_dict, cell: str) -> list[str]:
    """The keys of ``state_dict`` checked against a one-layer, one-direction ``nn.{cell}``'s."""
    if not isinstance(state_dict, Mapping):
        hint = " (call .state_dict() on it)" if callable(getattr(state_dict, "state_dict", None)) else ""
        raise TypeError(f"state_dict must be a mapping of names to arrays, such as nn.{cell}(...).state_dict(), "
                        f"got {type(state_dict).__name__}{hint}")
    keys = list(state_dict)
    if not all(isinstance(key, str) for key in keys):
        raise TypeError(f"state_dict's keys must be strings such as {TORCH_KEYS[0]!r}, got {keys!r}")
    layers = {int(m.group(1)) for key in keys if (m := re.search(r"_l(\d+)(?:_reverse)?$", key))}
    reverse = sorted(key for key in keys if key.endswith("_reverse"))
    if reverse or layers - {0}:
        n_layers = max(layers, default=0) + 1
        what = " ".join(([f"{n_layers}-layer"] if n_layers > 1 else []) + (["bidirectional"] if reverse else []))
        example = reverse[0] if reverse else next(key for key in keys if key.endswith(f"_l{max(layers)}"))
        raise ValueError(f"state_dict comes from a {what} {cell} (it has {example!r}); one layer in one direction "
                         f"is supported: nn.{cell}(D, H) with num_layers=1, bidirectional=False. To convert one "
                         f"layer of it, pass that layer's four arrays under the keys {', '.join(TORCH_KEYS)}")
    if "weight_hr_l0" in keys:
        raise ValueError("state_dict has 'weight_hr_l0': it comes from an nn.LSTM with proj_size > 0, whose h is "
                         "projected; only proj_size=0 is supported")
    unexpected = [key for key in keys if key not in TORCH_KEYS]
    prefixed = [key for key in unexpected if any(key.endswith("." + name) for name in TORCH_KEYS)]
    if prefixed:
        raise ValueError(f"state_dict's keys carry a prefix ({prefixed[0]!r}): pass the {cell} layer's own "
                         f"state_dict (model.<layer>.state_dict()), whose keys are {', '.join(TORCH_KEYS)}")
    if unexpected:
        raise ValueError(f"state_dict has keys {unexpected} that an nn.{cell} does not have; "
                         f"expected {', '.join(TORCH_KEYS)}")
    biases = [name in keys for name in TORCH_KEYS[2:]]
    missing = [name for name in TORCH_KEYS[:2] if name not in keys]
    if any(biases):  # nn.{cell}(bias=False) has neither bias; one alone is a mistake
        missing += [name for name, present in zip(TORCH_KEYS[2:], biases) if not present]
    if missing:
        raise ValueError(f"state_dict is missing {', '.join(map(repr, missing))}: an nn.{cell}'s state dict has "
                         f"{', '.join(TORCH_KEYS)} (or only the two weights, with bias=False)")
    return keys


def _read_torch(state_dict, blocks: int, cell: str):
    """``(weight_ih, weight_hh, bias_ih, bias_hh)`` of a one-layer ``nn.{cell}``, checked, as float64."""
    keys = _check_torch_keys(state_dict, cell)
    other = "GRU" if cell == "LSTM" else "LSTM"
    other_blocks = 7 - blocks  # 3 for the GRU, 4 for the LSTM
    W_hh = _as_numpy("state_dict['weight_hh_l0']", state_dict["weight_hh_l0"], ndim=2)
    W_ih = _as_numpy("state_dict['weight_ih_l0']", state_dict["weight_ih_l0"], ndim=2)
    H = W_hh.shape[1]
    for name, array, width in (("weight_hh_l0", W_hh, "H"), ("weight_ih_l0", W_ih, "D")):
        rows = array.shape[0]
        if rows == blocks * H:
            continue
        if rows == other_blocks * H:
            raise ValueError(f"state_dict['{name}'] has {rows} = {other_blocks}·H rows for H = {H}, not "
                             f"{blocks}·H = {blocks * H}: {_looks_like(other)}")
        raise ValueError(f"state_dict['{name}'] must have shape ({blocks}·H, {width}) with H = {H} (weight_hh_l0's "
                         f"columns), so {blocks * H} rows, got shape {array.shape}")
    if "bias_ih_l0" in keys:
        b_ih = _as_numpy("state_dict['bias_ih_l0']", state_dict["bias_ih_l0"], ndim=1)
        b_hh = _as_numpy("state_dict['bias_hh_l0']", state_dict["bias_hh_l0"], ndim=1)
        for name, bias in (("bias_ih_l0", b_ih), ("bias_hh_l0", b_hh)):
            if bias.shape != (blocks * H,):
                raise ValueError(f"state_dict['{name}'] must have shape ({blocks * H},), {blocks}·H for H = {H}, "
                                 f"got {bias.shape}")
    else:  # bias=False
        b_ih, b_hh = np.zeros(blocks * H), np.zeros(blocks * H)
    return W_ih, W_hh, b_ih, b_hh


def _read_columns(layout: str, names: tuple[str, str, str], x_kernel, h_kernel, bias):
    """Keras's or CS231n's ``(D, 4H)``, ``(H, 4H)`` and ``(4H,)`` arrays, checked, as float64."""
    x_name, h_name, b_name = names
    h_kernel = _as_numpy(h_name, h_kernel, ndim=2)
    rows, cols = h_kernel.shape
    H = rows
    if cols != 4 * H:
        if rows == 4 * cols:
            raise ValueError(f"{h_name} has shape {h_kernel.shape}, which is (4H, H) for H = {cols}: {layout} stores "
                             f"it as (H, 4H), one unit per row and the gates side by side. Was it passed "
                             f"transposed? (pass {h_name}.T)")
        if cols == 3 * rows or rows == 3 * cols:
            raise ValueError(f"{h_name} has shape {h_kernel.shape}, 3·H gate columns instead of 4·H: "
                             f"{_looks_like('GRU', layout)}")
        raise ValueError(f"{h_name} must have shape (H, 4H) = ({H}, {4 * H}) (H from its rows), got {h_kernel.shape}")
    x_kernel = _as_numpy(x_name, x_kernel, ndim=2)
    if x_kernel.shape[1] != 4 * H:
        if x_kernel.shape[0] == 4 * H:
            raise ValueError(f"{x_name} has shape {x_kernel.shape}, which is (4H, D) for H = {H}: {layout} stores it "
                             f"as (D, 4H) = ({x_kernel.shape[1]}, {4 * H}), one input feature per row. Was it "
                             f"passed transposed? (pass {x_name}.T)")
        if x_kernel.shape[1] == 3 * H:
            raise ValueError(f"{x_name} has shape {x_kernel.shape}, 3·H gate columns for H = {H} instead of 4·H: "
                             f"{_looks_like('GRU', layout)}")
        raise ValueError(f"{x_name} must have shape (D, 4H) with 4H = {4 * H} ({h_name} has H = {H}), "
                         f"got {x_kernel.shape}")
    if bias is None:  # Keras's use_bias=False
        return x_kernel, h_kernel, np.zeros(4 * H)
    bias = _as_numpy(b_name, bias)
    if bias.shape in ((3 * H,), (2, 3 * H)):  # (2, 3H): a Keras GRU with reset_after=True
        raise ValueError(f"{b_name} has shape {bias.shape} for H = {H} instead of (4H,) = ({4 * H},): "
                         f"{_looks_like('GRU', layout)}")
    if bias.shape != (4 * H,):
        raise ValueError(f"{b_name} must have shape (4H,) = ({4 * H},), got {bias.shape}")
    return x_kernel, h_kernel, bias


def _from_columns(order, x_kernel, h_kernel, bias) -> LSTMParams:
    """Column blocks in ``order`` (one input per row) to our row blocks a, i, f, o."""
    blocks = _ours_from(order)
    W_x, W_h = _reorder_rows(x_kernel.T, blocks), _reorder_rows(h_kernel.T, blocks)  # (4H, D), (4H, H)
    return LSTMParams(np.hstack([W_x, W_h]), _reorder_rows(bias, blocks))


def _to_columns(params, order):
    """Our rows to column blocks in ``order``: ``(x kernel (D, 4H), h kernel (H, 4H), bias (4H,))``."""
    params = _check_lstm_params(params)
    blocks = _theirs_from_ours(order)
    return (np.ascontiguousarray(_reorder_rows(params.W_x, blocks).T),
            np.ascontiguousarray(_reorder_rows(params.W_h, blocks).T),
            _reorder_rows(params.b, blocks))


# ------------------------------------------------------------------------ PyTorch


def to_torch(params: LSTMParams) -> dict[str, np.ndarray]:
    """Our LSTM as a state dict for ``torch.nn.LSTM(D, H)`` (numpy arrays, float64).

    Returns ``{"weight_ih_l0": (4H, D), "weight_hh_l0": (4H, H), "bias_ih_l0": (4H,),
    "bias_hh_l0": (4H,)}``, row blocks in PyTorch's order i, f, g, o. PyTorch adds its two
    biases, so ``b`` goes into ``bias_ih_l0`` and ``bias_hh_l0`` is zeros.
    """
    params = _check_lstm_params(params)
    blocks = _theirs_from_ours(TORCH_GATE_ORDER)
    return {
        "weight_ih_l0": _reorder_rows(params.W_x, blocks),  # (4H, D): rows i, f, g, o
        "weight_hh_l0": _reorder_rows(params.W_h, blocks),  # (4H, H)
        "bias_ih_l0": _reorder_rows(params.b, blocks),  # (4H,): all of b
        "bias_hh_l0": np.zeros(4 * params.hidden_size),  # b = b_ih + b_hh, so zeros here
    }


def from_torch(state_dict) -> LSTMParams:
    """An ``nn.LSTM``'s state dict (one layer, one direction) as our :class:`LSTMParams`.

    ``weight_ih_l0`` (4H, D), ``weight_hh_l0`` (4H, H), ``bias_ih_l0`` and ``bias_hh_l0``
    (4H,), row blocks i, f, g, o, become ``W = [weight_ih_l0, weight_hh_l0]`` (4H, D+H) and
    ``b = bias_ih_l0 + bias_hh_l0`` (4H,), row blocks reordered to a, i, f, o. The values
    may be numpy arrays or torch tensors (torch is not imported); without biases
    (``bias=False``) ``b`` is zero.
    """
    W_ih, W_hh, b_ih, b_hh = _read_torch(state_dict, 4, "LSTM")
    blocks = _ours_from(TORCH_GATE_ORDER)
    return LSTMParams(_reorder_rows(np.hstack([W_ih, W_hh]), blocks), _reorder_rows(b_ih + b_hh, blocks))


def gru_to_torch(params: GRUParams) -> dict[str, np.ndarray]:
    """Our GRU as a state dict for ``torch.nn.GRU(D, H)``: the same arrays, rows r, z, n.

    ``{"weight_ih_l0": W_x (3H, D), "weight_hh_l0": W_h (3H, H), "bias_ih_l0": b_x,
    "bias_hh_l0": b_h}``, copies.
    """
    if not isinstance(params, GRUParams):
        hint = " (an LSTMParams converts with to_torch)" if isinstance(params, LSTMParams) else ""
        raise TypeError(f"params must be a GRUParams{hint}, got {type(params).__name__}")
    return {"weight_ih_l0": params.W_x.copy(), "weight_hh_l0": params.W_h.copy(),
            "bias_ih_l0": params.b_x.copy(), "bias_hh_l0": params.b_h.copy()}


def gru_from_torch(state_dict) -> GRUParams:
    """An ``nn.GRU``'s state dict (one layer, one direction) as our :class:`GRUParams`.

    ``weight_ih_l0`` (3H, D) becomes ``W_x``, ``weight_hh_l0`` (3H, H) ``W_h``, and the
    biases (3H,) ``b_x`` and ``b_h``; the rows stay in PyTorch's order r, z, n. The values
    may be numpy arrays or torch tensors; without biases (``bias=False``) both are zero.
    """
    W_ih, W_hh, b_ih, b_hh = _read_torch(state_dict, 3, "GRU")
    return GRUParams(W_ih, W_hh, b_ih, b_hh)


# -------------------------------------------------------------------------- Keras


def to_keras(params: LSTMParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Our LSTM as a Keras ``LSTM`` layer's ``(kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,))``.

    Column blocks in Keras's order i, f, c, o; ``layer.set_weights(list(to_keras(params)))``.
    """
    return _to_columns(params, KERAS_GATE_ORDER)


def from_keras(kernel, recurrent_kernel, bias=None) -> LSTMParams:
    """A Keras ``LSTM`` layer's weights (``layer.get_weights()``) as our :class:`LSTMParams`.

    ``kernel`` (D, 4H), ``recurrent_kernel`` (H, 4H), ``bias`` (4H,), column blocks i, f,
    c, o; ``bias`` None (``use_bias=False``) means zero.
    """
    arrays = _read_columns("Keras", ("kernel", "recurrent_kernel", "bias"), kernel, recurrent_kernel, bias)
    return _from_columns(KERAS_GATE_ORDER, *arrays)


# ------------------------------------------------------------------------- CS231n


def to_cs231n(params: LSTMParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Our LSTM as CS231n assignment 3's ``(Wx (D, 4H), Wh (H, 4H), b (4H,))``, blocks i, f, o, g.

    Its ``lstm_forward(x, h0, Wx, Wh, b)`` takes ``x`` batch first, (N, T, D).
    """
    return _to_columns(params, CS231N_GATE_ORDER)


def from_cs231n(Wx, Wh, b) -> LSTMParams:
    """CS231n assignment 3's ``Wx`` (D, 4H), ``Wh`` (H, 4H), ``b`` (4H,) (blocks i, f, o, g) as :class:`LSTMParams`."""
    if b is None:
        raise TypeError("b must be an array of real numbers, got NoneType")
    return _from_columns(CS231N_GATE_ORDER, *_read_columns("CS231n", ("Wx", "Wh", "b"), Wx, Wh, b))


__all__ = [
    "CS231N_GATE_ORDER",
    "KERAS_GATE_ORDER",
    "TORCH_GATE_ORDER",
    "TORCH_KEYS",
    "from_cs231n",
    "from_keras",
    "from_torch",
    "gru_from_torch",
    "gru_to_torch",
    "to_cs231n",
    "to_keras",
    "to_torch",
]
