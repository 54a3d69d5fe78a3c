"""A vanilla RNN, forward and backward, for comparison with the LSTM.

Same notation and API style as the LSTM: ``I_t = [x_t, h_{t-1}]``, one weight matrix
``W = [W_x | W_h]`` of shape (H, D+H), and

    Z_t = W · I_t + b            h_t = tanh(Z_t)

Backward, walking t = T, ..., 1 with ``δh_next`` from step t+1 (zero at t = T unless given):

    δh_t = g_t + δh_next         δZ_t = δh_t ⊙ (1 - h_t²)
    δI_t = Wᵀ · δZ_t             split into δx_t (first D) and δh_next for step t-1 (last H)
    δW = Σ_t δZ_t · I_tᵀ          δb = Σ_t δZ_t

There is no cell state: the only way back in time is through ``W_hᵀ`` and the slope
``1 - h²`` at every step, which is why the gradient of a vanilla RNN vanishes or explodes.
Axis 0 is time: ``x`` is (T, B, D) for a batch or (T, D) for one sequence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._checks import array_or_zeros, as_float_array, check_shape, positive_float, positive_int
from .params import StackedWeights, check_input, check_params, check_stacked_weights, check_trace


@dataclass(frozen=True, eq=False)
class RNNParams(StackedWeights):
    """Weights of one vanilla RNN layer: ``W`` (H, D+H) = ``[W_x | W_h]`` and ``b`` (H,).

    The arrays are copied on construction.
    """

    W: np.ndarray
    b: np.ndarray

    def __post_init__(self):
        W, b = check_stacked_weights(self.W, self.b, 1, "H")
        object.__setattr__(self, "W", W)
        object.__setattr__(self, "b", b)


def init_rnn_params(input_size: int, hidden_size: int, seed: int = 0, scale: float | None = None) -> RNNParams:
    """Random RNN weights, uniform in ``[-scale, scale]`` (default ``1/sqrt(H)``), zero bias."""
    D = positive_int("input_size", input_size)
    H = positive_int("hidden_size", hidden_size)
    scale = 1.0 / np.sqrt(H) if scale is None else positive_float("scale", scale, allow_zero=True)
    W = np.random.default_rng(seed).uniform(-scale, scale, size=(H, D + H))
    return RNNParams(W, np.zeros(H))


@dataclass(frozen=True, eq=False)
class RNNTrace:
    """What :func:`rnn_forward` computed: ``x`` (T, B, D), ``h0`` (B, H), ``h`` (T, B, H).

    For one sequence every array lacks the B axis.
    """

    params: RNNParams = field(repr=False)
    x: np.ndarray
    h0: np.ndarray
    h: np.ndarray

    @property
    def batched(self) -> bool:
        return self.x.ndim == 3

    @property
    def h_prev(self) -> np.ndarray:
        """(T, B, H) ``h_{t-1}`` for every step."""
        return np.concatenate([self.h0[None], self.h[:-1]])  # (T, B, H)

    @property
    def I(self) -> np.ndarray:  # noqa: E743 - the equations' symbol
        """(T, B, D+H) ``I_t = [x_t, h_{t-1}]``."""
        return np.concatenate([self.x, self.h_prev], axis=-1)


@dataclass(frozen=True, eq=False)
class RNNGrads:
    """Gradients from :func:`rnn_backward`.

    ``dW`` (H, D+H), ``db`` (H,), ``dx`` (T, B, D), ``dh0`` (B, H), and per step the
    total ``dh`` (T, B, H) and ``dz`` (T, B, H) (``δZ_t``).
    """

    trace: RNNTrace = field(repr=False)
    dW: np.ndarray
    db: np.ndarray
    dx: np.ndarray
    dh0: np.ndarray
    dh: np.ndarray
    dz: np.ndarray

    def parameter_grads(self) -> dict[str, np.ndarray]:
        """``{"W": dW, "b": db}``, keyed like the fields of :class:`RNNParams`."""
        return {"W": self.dW, "b": self.db}


def rnn_forward(params: RNNParams, x, h0=None) -> RNNTrace:
    """Run the RNN over a sequence: ``h_t = tanh(W · [x_t, h_{t-1}] + b)``.

    ``x`` is (T, B, D) or (T, D), time first; ``h0`` is (B, H) or (H,), zeros if None.
    Returns an :class:`RNNTrace` with ``h`` of shape (T, B, H) (or (T, H)).
    """
    check_params(params, RNNParams)
    x = check_input(params, x)  # (T, B, D) or (T, D)
    H = params.hidden_size
    state_shape = x.shape[1:-1] + (H,)  # (B, H) or (H,)
    h0 = array_or_zeros("h0", h0, state_shape, "batch size of x, H units" if x.ndim == 3 else "H units")
    h_all = np.empty(x.shape[:-1] + (H,))  # (T, B, H)
    z_input = x @ params.W_x.T + params.b  # (T, B, H): the input part of Z_t, all steps at once
    h, W_h_T = h0, params.W_h.T  # W_h_T: (H, H)
    for t in range(len(x)):
        h = np.tanh(z_input[t] + h @ W_h_T, out=h_all[t])  # h_t = tanh(Z_t), (B, H)
    return RNNTrace(params=params, x=x.copy(), h0=h0.copy(), h=h_all)


def rnn_backward(trace: RNNTrace, dh_loss, dh_next=None) -> RNNGrads:
    """Backpropagation through time for the RNN.

    ``trace`` is an :class:`RNNTrace` from :func:`rnn_forward` (it holds the parameters);
    ``dh_loss`` is like ``trace.h``: ``g_t = ∂L/∂h_t``, the loss's direct term at each step
    (docs/notation.md); ``dh_next`` (like ``trace.h0``) is what arrives at the
    last step from beyond the sequence, zeros if None. The names are those of
    :mod:`lstm_core.sequence`'s table.
    """
    check_trace(trace, RNNTrace, "rnn_forward")
    params = trace.params
    dh_loss = as_float_array("dh_loss", dh_loss)
    check_shape("dh_loss", dh_loss, trace.h.shape, "like trace.h")
    dh_next = array_or_zeros("dh_next", dh_next, trace.h0.shape, "like trace.h0")  # (B, H)
    dh_all, dz = np.empty_like(trace.h), np.empty_like(trace.h)  # (T, B, H) each
    slopes = 1 - trace.h**2  # (T, B, H): tanh's slope at every step, from the forward pass alone
    W_h = params.W_h  # (H, H)
    for t in reversed(range(len(dh_loss))):
        dh_t = np.add(dh_loss[t], dh_next, out=dh_all[t])  # δh_t = g_t + δh_next
        dz_t = np.multiply(dh_t, slopes[t], out=dz[t])  # δZ_t = δh_t ⊙ (1 - h_t²)
        dh_next = dz_t @ W_h  # (B, H): last H entries of δI_t = Wᵀ · δZ_t
    H = params.hidden_size
    I = trace.I  # noqa: E741 - the equations' symbol
    inputs = I.reshape(-1, I.shape[-1])  # (T·B, D+H): I_t of every step and example
    dz_rows = dz.reshape(-1, H)  # (T·B, H)
    return RNNGrads(trace=trace, dW=dz_rows.T @ inputs, db=dz_rows.sum(axis=0), dx=dz @ params.W_x,
                    dh0=dh_next, dh=dh_all, dz=dz)


__all__ = ["RNNGrads", "RNNParams", "RNNTrace", "init_rnn_params", "rnn_backward", "rnn_forward"]
