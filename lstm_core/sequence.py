"""An LSTM over a whole sequence: forward, and backpropagation through time.

The math is :mod:`lstm_core.cell`'s, step for step; what changes is where the work
happens. Everything that does not depend on the recurrence is computed for all T steps
at once, outside the loop over time:

- forward: the input part of ``Z_t``, ``W_x · x_t + b``, for every t in one product;
- backward: the activation slopes, ``δW``, ``δb`` and ``δx``, each in one product.

Inside the loop there is one matrix product per step (``W_h · h_{t-1}`` forward,
``W_hᵀ · δZ_t`` backward) and a handful of elementwise operations, for all units,
gates and examples at once. ``tests/test_sequence.py`` checks that this gives exactly
what looping :func:`~lstm_core.cell.lstm_step_forward` and
:func:`~lstm_core.cell.lstm_step_backward` gives.

Axis 0 is always time: ``x`` is (T, B, D) for a batch or (T, D) for one sequence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_shape
from .activations import sigmoid, tanh_grad_from_output
from .cell import StepTrace, activation_derivatives, gate_gradients
from .params import LSTMParams, gate_slice


@dataclass(frozen=True)
class LSTMTrace:
    """Everything the forward pass computed, kept for the backward pass and for plots.

    Axis 0 is time: entry ``k`` belongs to step ``t = k + 1``. Shapes are for a batch;
    for one sequence (``x`` of shape (T, D)) every array lacks the B axis.

    Attributes
    ----------
    x : (T, B, D) inputs ``x_1 .. x_T``
    h0, s0 : (B, H) initial ``h_0`` and ``S_0``
    z : (T, B, 4H) pre-activations ``Z_t``, blocks ``a, i, f, o``
    gates : (T, B, 4H) activations; also as ``.a .i .f .o``, each (T, B, H)
    s : (T, B, H) cell states ``S_1 .. S_T``
    squashed_s : (T, B, H) ``tanh(S_t)`` (``S_t`` itself when ``linear``)
    h : (T, B, H) outputs ``h_1 .. h_T``
    linear : whether the article's linear simplification was used
    """

    x: np.ndarray
    h0: np.ndarray
    s0: np.ndarray
    z: np.ndarray
    gates: np.ndarray
    s: np.ndarray
    squashed_s: np.ndarray
    h: np.ndarray
    linear: bool

    @property
    def batched(self) -> bool:
        """True when there is a batch axis (``x`` was (T, B, D))."""
        return self.x.ndim == 3

    @property
    def hidden_size(self) -> int:
        return self.h.shape[-1]

    def gate(self, name: str) -> np.ndarray:
        """One gate's activations over time, (T, B, H); ``name`` in ``GATE_ORDER``."""
        return self.gates[..., gate_slice(name, self.hidden_size)]

    a = property(lambda self: self.gate("a"), doc="candidate values a_t, (T, B, H)")
    i = property(lambda self: self.gate("i"), doc="input gate i_t, (T, B, H)")
    f = property(lambda self: self.gate("f"), doc="keep gate f_t, (T, B, H)")
    o = property(lambda self: self.gate("o"), doc="output gate o_t, (T, B, H)")

    @property
    def h_prev(self) -> np.ndarray:
        """(T, B, H) ``h_{t-1}`` for every step: ``h_0 .. h_{T-1}``."""
        return np.concatenate([self.h0[None], self.h[:-1]])

    @property
    def s_prev(self) -> np.ndarray:
        """(T, B, H) ``S_{t-1}`` for every step: ``S_0 .. S_{T-1}``."""
        return np.concatenate([self.s0[None], self.s[:-1]])

    @property
    def I(self) -> np.ndarray:  # noqa: E743 - the equations' symbol
        """(T, B, D+H) ``I_t = [x_t, h_{t-1}]`` for every step."""
        return np.concatenate([self.x, self.h_prev], axis=-1)

    def step(self, k: int) -> StepTrace:
        """The record of step ``t = k + 1`` as a :class:`StepTrace` (``k`` may be negative)."""
        T = len(self.x)
        if not -T <= k < T:
            raise IndexError(f"k must be in [-{T}, {T}), got {k}")
        k = k % T
        h_prev = self.h0 if k == 0 else self.h[k - 1]
        s_prev = self.s0 if k == 0 else self.s[k - 1]
        return StepTrace(self.x[k], h_prev, s_prev, self.z[k], self.gates[k], self.s[k],
                         self.squashed_s[k], self.h[k], self.linear)


@dataclass(frozen=True)
class LSTMGrads:
    """Gradients from backpropagation through time.

    Axis 0 is time (entry ``k`` is step ``t = k + 1``); for one sequence the B axis is
    absent everywhere.

    Attributes
    ----------
    dW : (4H, D+H) ``δW = Σ_t δZ_t · I_tᵀ``
    db : (4H,) ``δb = Σ_t δZ_t``
    dx : (T, B, D) ``δx_t``
    dh0, ds0 : (B, H) ``∂L/∂h_0`` and ``∂L/∂S_0``
    dh : (T, B, H) total ``δh_t`` (from the loss and from step t+1)
    ds : (T, B, H) total ``δS_t``
    ds_via_h : (T, B, H) path 1 into ``S_t``, through ``h_t``
    ds_via_next : (T, B, H) path 2 into ``S_t``, ``δS_{t+1} ⊙ f_{t+1}``
    dgates : (T, B, 4H) ``[δa, δi, δf, δo]``; one block with ``.dgate(name)``
    dz : (T, B, 4H) ``δZ_t``
    """

    dW: np.ndarray
    db: np.ndarray
    dx: np.ndarray
    dh0: np.ndarray
    ds0: np.ndarray
    dh: np.ndarray
    ds: np.ndarray
    ds_via_h: np.ndarray
    ds_via_next: np.ndarray
    dgates: np.ndarray
    dz: np.ndarray

    def dgate(self, name: str) -> np.ndarray:
        """One block of ``dgates`` over time: ``δa``, ``δi``, ``δf`` or ``δo``, (T, B, H)."""
        return self.dgates[..., gate_slice(name, self.ds.shape[-1])]

    def parameter_grads(self) -> dict[str, np.ndarray]:
        """``{"W": dW, "b": db}``, keyed like the fields of :class:`LSTMParams`."""
        return {"W": self.dW, "b": self.db}


def _check_params(params) -> None:
    if not isinstance(params, LSTMParams):
        raise TypeError(f"params must be an LSTMParams, got {type(params).__name__}")


def _initial_state(name, value, shape):
    if value is None:
        return np.zeros(shape)
    value = as_float_array(name, value)
    check_shape(name, value, shape, "batch size of x, H units" if len(shape) == 2 else "H units")
    return value


def lstm_forward(params: LSTMParams, x, h0=None, s0=None, linear: bool = False) -> LSTMTrace:
    """Run the LSTM over a sequence.

    Parameters
    ----------
    params : LSTMParams with ``W`` (4H, D+H) and ``b`` (4H,)
    x : (T, B, D) a batch of sequences, or (T, D) one sequence; axis 0 is time
    h0, s0 : (B, H) or (H,) initial ``h_0`` and ``S_0``; zeros if None
    linear : the article's simplification: every σ and tanh is the identity (pass
        parameters with ``b = 0`` to match the article)

    Returns
    -------
    LSTMTrace with ``h`` and ``s`` of shape (T, B, H) (or (T, H)), the gates and
    what :func:`lstm_backward` needs.
    """
    _check_params(params)
    x = as_float_array("x", x, ndim=(2, 3))
    D, H = params.input_size, params.hidden_size
    if x.shape[-1] != D:
        raise ValueError(
            f"x must have D = {D} features on its last axis (W has {D} input columns), "
            f"got shape {x.shape}"
        )
    batched = x.ndim == 3
    h0 = _initial_state("h0", h0, x.shape[1:-1] + (H,))
    s0 = _initial_state("s0", s0, x.shape[1:-1] + (H,))
    xb = x if batched else x[:, None]
    h, s = (h0, s0) if batched else (h0[None], s0[None])

    T, B, _ = xb.shape
    z = xb @ params.W_x.T + params.b  # input part of Z_t = W · I_t + b, all steps at once
    W_hT = params.W_h.T
    gates = np.empty_like(z)
    s_all = np.empty((T, B, H))
    squashed_all = np.empty((T, B, H))
    h_all = np.empty((T, B, H))
    for t in range(T):
        z[t] += h @ W_hT  # Z_t = W_x x_t + b + W_h h_{t-1}
        g = gates[t]
        if linear:
            g[:] = z[t]
        else:
            np.tanh(z[t, :, :H], out=g[:, :H])  # a_t = tanh(Z_a)
            g[:, H:] = sigmoid(z[t, :, H:])  # i_t, f_t, o_t = σ(Z_i, Z_f, Z_o)
        a, i, f, o = g[:, :H], g[:, H : 2 * H], g[:, 2 * H : 3 * H], g[:, 3 * H :]
        s = s_all[t] = a * i + f * s  # S_t = a_t ⊙ i_t + f_t ⊙ S_{t-1}
        squashed_all[t] = s if linear else np.tanh(s)
        h = h_all[t] = o * squashed_all[t]  # h_t = o_t ⊙ tanh(S_t)

    unbatch = (lambda v: v) if batched else (lambda v: v[:, 0])
    return LSTMTrace(
        x=x.copy(), h0=h0.copy(), s0=s0.copy(), z=unbatch(z), gates=unbatch(gates),
        s=unbatch(s_all), squashed_s=unbatch(squashed_all), h=unbatch(h_all),
        linear=bool(linear),
    )


def lstm_backward(params: LSTMParams, trace: LSTMTrace, dh, dh_next=None, ds_next=None) -> LSTMGrads:
    """Backpropagation through time.

    Parameters
    ----------
    params : the LSTMParams that produced ``trace``
    trace : LSTMTrace from :func:`lstm_forward`
    dh : (T, B, H) or (T, H), like ``trace.h``: ``∂L/∂h_t`` arriving directly from the
        loss at each step (zero where the loss does not read ``h_t``)
    dh_next, ds_next : (B, H) or (H,), gradients arriving from beyond the last step
        (``∂L/∂h_T`` through a later chunk, and ``δS_{T+1} ⊙ f_{T+1}``); zeros if None

    Returns
    -------
    LSTMGrads with ``dW``, ``db``, ``dx``, ``dh0``, ``ds0`` and, per step, ``dh``,
    ``ds`` and its two paths ``ds_via_h`` and ``ds_via_next``, ``dgates``, ``dz``.
    """
    _check_params(params)
    if not isinstance(trace, LSTMTrace):
        raise TypeError(f"trace must be an LSTMTrace from lstm_forward, got {type(trace).__name__}")
    D, H = params.input_size, params.hidden_size
    if trace.x.shape[-1] != D or trace.hidden_size != H:
        raise ValueError(
            f"params (D = {D}, H = {H}) do not match the trace "
            f"(D = {trace.x.shape[-1]}, H = {trace.hidden_size})"
        )
    dh = as_float_array("dh", dh)
    check_shape("dh", dh, trace.h.shape, "like trace.h")
    state_shape = trace.h0.shape
    dh_next = _initial_state("dh_next", dh_next, state_shape)
    ds_next = _initial_state("ds_next", ds_next, state_shape)

    batch = (lambda v: v) if trace.batched else (lambda v: v[:, None])
    unbatch = (lambda v: v) if trace.batched else (lambda v: v[:, 0])
    if not trace.batched:
        dh_next, ds_next = dh_next[None], ds_next[None]
    dh_loss = batch(dh)
    gates, s, squashed_s = batch(trace.gates), batch(trace.s), batch(trace.squashed_s)
    s_prev = np.concatenate([batch(trace.s0[None]), s[:-1]])
    f, o = gates[..., 2 * H : 3 * H], gates[..., 3 * H :]
    T, B, _ = s.shape

    # Hoisted out of the loop: local derivatives that do not depend on δ.
    # path 1 factor  o_t ⊙ (1 - tanh²(S_t))
    via_h_factor = o if trace.linear else o * tanh_grad_from_output(squashed_s)
    # δZ_t = [δS ⊙ i ⊙ (1-a²), δS ⊙ a ⊙ i(1-i), δS ⊙ S_{t-1} ⊙ f(1-f), δh ⊙ tanh(S) ⊙ o(1-o)]
    #      = [δS, δS, δS, δh] ⊙ dz_factor
    dz_factor = activation_derivatives(gates, trace.linear) * gate_gradients(
        np.ones_like(s), np.ones_like(s), gates, s_prev, squashed_s
    )

    W_h = params.W_h
    dh_all = np.empty((T, B, H))
    ds_all = np.empty((T, B, H))
    ds_via_h = np.empty((T, B, H))
    dz = np.empty((T, B, 4 * H))
    dz_blocks = dz.reshape(T, B, 4, H)  # views with the four gate blocks on their own axis
    factor_blocks = dz_factor.reshape(T, B, 4, H)
    ds_last = ds_next
    for t in reversed(range(T)):
        dh_t = dh_all[t] = dh_loss[t] + dh_next  # δh_t = dh_t + δh_next
        path1 = ds_via_h[t] = dh_t * via_h_factor[t]
        ds_t = ds_all[t] = path1 + ds_next  # δS_t = path 1 + path 2
        dz_blocks[t, :, :3] = ds_t[:, None, :] * factor_blocks[t, :, :3]  # δZ_a, δZ_i, δZ_f
        dz_blocks[t, :, 3] = dh_t * factor_blocks[t, :, 3]  # δZ_o
        dh_next = dz[t] @ W_h  # last H entries of δI_t = Wᵀ · δZ_t
        ds_next = ds_t * f[t]  # path 2 for step t-1: δS_t ⊙ f_t

    # Hoisted out of the loop: everything that only needs δZ_t (and δS_t) for all t.
    xb, h0b = batch(trace.x), batch(trace.h0[None])
    h_prev = np.concatenate([h0b, batch(trace.h)[:-1]])
    dz2 = dz.reshape(T * B, 4 * H)
    dW = np.empty_like(params.W)
    dW[:, :D] = dz2.T @ xb.reshape(T * B, D)  # δW = Σ_t δZ_t · I_tᵀ, I_t = [x_t, h_{t-1}]
    dW[:, D:] = dz2.T @ h_prev.reshape(T * B, H)
    db = dz2.sum(axis=0)  # δb = Σ_t δZ_t
    dx = dz @ params.W_x  # first D entries of δI_t, all steps at once
    ds_via_next = np.concatenate([ds_all[1:] * f[1:], ds_last[None]])  # δS_{t+1} ⊙ f_{t+1}
    dgates = gate_gradients(ds_all, dh_all, gates, s_prev, squashed_s)

    return LSTMGrads(
        dW=dW, db=db, dx=unbatch(dx),
        dh0=dh_next if trace.batched else dh_next[0],
        ds0=ds_next if trace.batched else ds_next[0],
        dh=unbatch(dh_all), ds=unbatch(ds_all), ds_via_h=unbatch(ds_via_h),
        ds_via_next=unbatch(ds_via_next), dgates=unbatch(dgates), dz=unbatch(dz),
    )


__all__ = ["LSTMGrads", "LSTMTrace", "lstm_backward", "lstm_forward"]
