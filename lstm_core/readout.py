"""A linear read-out layer, ``y_t = W_y · h_t + b_y``, to turn LSTM outputs into predictions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_shape, positive_int


@dataclass(frozen=True, eq=False)
class ReadoutParams:
    """Weights of the read-out: ``W`` (O, H) and ``b`` (O,). Copied on construction."""

    W: np.ndarray
    b: np.ndarray

    def __post_init__(self):
        W = as_float_array("W", self.W, ndim=2)
        b = as_float_array("b", self.b, ndim=1)
        check_shape("b", b, (W.shape[0],), "one bias per row of W")
        object.__setattr__(self, "W", W.copy())
        object.__setattr__(self, "b", b.copy())


@dataclass(frozen=True, eq=False)
class ReadoutGrads:
    """Gradients of the read-out: ``dW`` (O, H), ``db`` (O,), and ``dh`` shaped like ``h``."""

    dW: np.ndarray
    db: np.ndarray
    dh: np.ndarray

    def parameter_grads(self) -> dict[str, np.ndarray]:
        """``{"W": dW, "b": db}``, keyed like the fields of :class:`ReadoutParams`."""
        return {"W": self.dW, "b": self.db}


def init_readout(hidden_size: int, output_size: int, seed: int = 0) -> ReadoutParams:
    """Random read-out weights, uniform in ``±1/sqrt(H)``, zero bias."""
    H = positive_int("hidden_size", hidden_size)
    O = positive_int("output_size", output_size)
    scale = 1.0 / np.sqrt(H)
    W = np.random.default_rng(seed).uniform(-scale, scale, size=(O, H))
    return ReadoutParams(W, np.zeros(O))


def _check(params, h):
    if not isinstance(params, ReadoutParams):
        raise TypeError(f"params must be a ReadoutParams, got {type(params).__name__}")
    h = as_float_array("h", h)
    H = params.W.shape[1]
    if h.shape[-1] != H:
        raise ValueError(f"h must have H = {H} features on its last axis (W is {params.W.shape}), got shape {h.shape}")
    return h


def readout_forward(params: ReadoutParams, h) -> np.ndarray:
    """``y = h @ Wᵀ + b`` for ``h`` of shape (..., H), e.g. (T, B, H); returns (..., O)."""
    h = _check(params, h)
    return h @ params.W.T + params.b


def readout_backward(params: ReadoutParams, h, dy) -> ReadoutGrads:
    """Gradients of the read-out given ``dy = ∂L/∂y`` (..., O) at the inputs ``h`` (..., H)."""
    h = _check(params, h)
    dy = as_float_array("dy", dy)
    check_shape("dy", dy, h.shape[:-1] + (params.W.shape[0],), "like the read-out's output y")
    O, H = params.W.shape
    dy_rows = dy.reshape(-1, O)  # (N, O): every step and example a row
    h_rows = h.reshape(-1, H)  # (N, H)
    return ReadoutGrads(dW=dy_rows.T @ h_rows, db=dy_rows.sum(axis=0), dh=dy @ params.W)


__all__ = ["ReadoutGrads", "ReadoutParams", "init_readout", "readout_backward", "readout_forward"]
