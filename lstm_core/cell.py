"""One LSTM step, forward and backward, side by side.

Each small function below is one line of ``docs/notation.md``; ``cell_forward`` and
``cell_backward`` put them together into one step. They work on the last axis, so the
same code serves one example (vectors of shape (H,)) and a batch (shape (B, H)), and
each takes an optional ``out`` to write into, so that the loop over time in
:mod:`lstm_core.sequence` can call them without allocating.

``lstm_step_forward`` and ``lstm_step_backward`` are the checked entry points for one
step; ``lstm_forward`` and ``lstm_backward`` loop the same two kernels over time.

Names (``d`` stands for δ: ``δv = dL/dv``, the total gradient over every path), one meaning each,
as in ``docs/notation.md``::

    name         symbol                        meaning
    -----------  ----------------------------  ----------------------------------------
    dh_loss      g_t = ∂L/∂h_t                 the loss's direct term at step t (what lstm_backward is given)
    dh_next      δh_next                       what reaches h_t from step t+1 through I_{t+1}:
                                               the last H entries of Wᵀ δZ_{t+1}
    dh           δh_t = g_t + δh_next          the total gradient dL/dh_t
    ds_via_h     path 1                        δh_t ⊙ o_t ⊙ (1 - tanh²(S_t)), through h_t
    ds_via_next  path 2 = δS_{t+1} ⊙ f_{t+1}   what reaches S_t from step t+1 through its keep gate
    ds           δS_t                          path 1 + path 2, the total gradient dL/dS_t
    dh_prev      last H entries of Wᵀ δZ_t     what step t hands back to h_{t-1}: step t-1's dh_next
    ds_prev      δS_t ⊙ f_t                    what step t hands back to S_{t-1}: step t-1's ds_via_next
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import array_or_zeros, as_float_array, check_shape
from .activations import sigmoid, sigmoid_grad_from_output, tanh_grad_from_output
from .params import LSTMParams, check_params, gate_slice


def split_gates(gates: np.ndarray):
    """Views ``a, i, f, o`` of the four blocks of ``gates`` (or ``z``, ``δZ``) along the last axis."""
    H = gates.shape[-1] // 4
    return gates[..., :H], gates[..., H : 2 * H], gates[..., 2 * H : 3 * H], gates[..., 3 * H :]


# ---------------------------------------------------------------- forward, by equation


def gate_activations(z: np.ndarray, linear: bool = False, out=None) -> np.ndarray:
    """``[a, i, f, o] = [tanh(Z_a), σ(Z_i), σ(Z_f), σ(Z_o)]``, stacked like ``z`` (..., 4H).

    In the linear simplification every activation is the identity: the gates are ``z``.
    ``out`` may be ``z`` itself.
    """
    out = np.empty_like(z) if out is None else out
    if linear:
        out[...] = z
        return out
    H = z.shape[-1] // 4
    np.tanh(z[..., :H], out=out[..., :H])  # a_t = tanh(Z_a)
    sigmoid(z[..., H:], out=out[..., H:])  # i_t, f_t, o_t = σ(Z_i), σ(Z_f), σ(Z_o): the three gates, side by side
    return out


def new_cell_state(a, i, f, s_prev, out=None):
    """``S_t = a_t ⊙ i_t + f_t ⊙ S_{t-1}``."""
    out = np.multiply(a, i, out=out)
    out += f * s_prev
    return out


def squash(s: np.ndarray, linear: bool = False, out=None) -> np.ndarray:
    """``tanh(S_t)``, the cell state as the output gate sees it (``S_t`` when linear)."""
    if linear:
        out = np.empty_like(s) if out is None else out
        out[...] = s
        return out
    return np.tanh(s, out=out)


def new_hidden_state(o, squashed_s, out=None):
    """``h_t = o_t ⊙ tanh(S_t)``."""
    return np.multiply(o, squashed_s, out=out)


def cell_forward(z, s_prev, linear: bool = False, out=None):
    """One step forward from the pre-activations: ``Z_t, S_{t-1} → gates, S_t, tanh(S_t), h_t``.

    ``z`` is (..., 4H), ``s_prev`` is (..., H). ``out``, if given, is a tuple of arrays
    ``(gates, s, squashed_s, h)`` to write into (``gates`` may be ``z`` itself).
    Returns that tuple.
    """
    if out is None:
        out = (np.empty_like(z),) + tuple(np.empty_like(s_prev) for _ in range(3))
    gates, s, squashed_s, h = out
    gate_activations(z, linear, out=gates)
    a, i, f, o = split_gates(gates)
    new_cell_state(a, i, f, s_prev, out=s)
    squash(s, linear, out=squashed_s)
    new_hidden_state(o, squashed_s, out=h)
    return out


# --------------------------------------------------------------- backward, by equation


def squash_derivative(squashed_s: np.ndarray, linear: bool = False, out=None) -> np.ndarray:
    """``1 - tanh²(S_t)``: the slope of ``tanh(S_t)`` at ``S_t`` (1 when linear)."""
    if linear:
        out = np.empty_like(squashed_s) if out is None else out
        out[...] = 1.0
        return out
    return tanh_grad_from_output(squashed_s, out=out)


def state_gradient_via_h(dh, o, squashed_s, linear: bool = False, out=None, squash_slope=None):
    """Path 1 into ``S_t``: ``δh_t ⊙ o_t ⊙ (1 - tanh²(S_t))`` (``δh_t ⊙ o_t`` when linear).

    ``squash_slope``, if given, is ``1 - tanh²(S_t)`` computed ahead (:func:`squash_derivative`).
    """
    out = np.multiply(dh, o, out=out)
    if squash_slope is not None:
        out *= squash_slope
    elif not linear:
        out *= tanh_grad_from_output(squashed_s)
    return out


def gate_gradients(ds, dh, gates, s_prev, squashed_s, out=None) -> np.ndarray:
    """``[δa, δi, δf, δo] = [δS ⊙ i, δS ⊙ a, δS ⊙ S_{t-1}, δh ⊙ tanh(S_t)]``, stacked (..., 4H)."""
    out = np.empty_like(gates, shape=np.broadcast_shapes(ds.shape, dh.shape)[:-1] + gates.shape[-1:]) \
        if out is None else out
    a, i, _, _ = split_gates(gates)
    da, di, df, do = split_gates(out)
    np.multiply(ds, i, out=da)  # δa_t = δS_t ⊙ i_t
    np.multiply(ds, a, out=di)  # δi_t = δS_t ⊙ a_t
    np.multiply(ds, s_prev, out=df)  # δf_t = δS_t ⊙ S_{t-1}
    np.multiply(dh, squashed_s, out=do)  # δo_t = δh_t ⊙ tanh(S_t)
    return out


def activation_derivatives(gates: np.ndarray, linear: bool = False, out=None) -> np.ndarray:
    """``[1 - a², i(1 - i), f(1 - f), o(1 - o)]``: each gate's slope at its own ``Z`` (..., 4H)."""
    out = np.empty_like(gates) if out is None else out
    if linear:
        out[...] = 1.0
        return out
    H = gates.shape[-1] // 4
    tanh_grad_from_output(gates[..., :H], out=out[..., :H])  # ∂a/∂Z_a = 1 - a²
    sigmoid_grad_from_output(gates[..., H:], out=out[..., H:])  # ∂i/∂Z_i = i(1 - i), and so for f and o
    return out


def cell_backward(dh, ds_via_next, gates, s_prev, squashed_s, linear: bool = False, out=None, slopes=None):
    """One step back: ``δh_t`` and path 2 ``→ δS_t`` (with its path 1), ``[δa, δi, δf, δo]``, ``δZ_t``.

    ``dh`` is the total ``δh_t``; ``ds_via_next`` is path 2, ``δS_{t+1} ⊙ f_{t+1}``. ``out``,
    if given, is a tuple of arrays ``(ds, dgates, dz)`` to write into. ``slopes``, if given,
    is this step's ``(activation_derivatives(gates), squash_derivative(squashed_s))``: they
    depend on the forward pass alone, so the loop over time computes them for every step at
    once. Returns ``(ds_via_h, ds, dgates, dz)``.
    """
    if out is None:
        out = (np.empty_like(ds_via_next), np.empty_like(gates), np.empty_like(gates))
    ds, dgates, dz = out
    gate_slopes, squash_slope = (activation_derivatives(gates, linear), None) if slopes is None else slopes
    o = split_gates(gates)[3]
    ds_via_h = state_gradient_via_h(dh, o, squashed_s, linear, squash_slope=squash_slope)  # path 1
    np.add(ds_via_h, ds_via_next, out=ds)  # δS_t = path 1 + path 2
    gate_gradients(ds, dh, gates, s_prev, squashed_s, out=dgates)
    np.multiply(dgates, gate_slopes, out=dz)  # δZ = δgate ⊙ slope
    return ds_via_h, ds, dgates, dz


# ----------------------------------------------------------------- one step, with records


@dataclass(frozen=True, eq=False)
class StepTrace:
    """Everything one forward step computed, named after the equations.

    Shapes are ``(B, ·)`` for a batch or ``(·,)`` for one example.

    Attributes
    ----------
    x, h_prev, s_prev : inputs ``x_t`` (B, D), ``h_{t-1}`` (B, H), ``S_{t-1}`` (B, H)
    z : (B, 4H) pre-activations ``Z_t = W · I_t + b``, blocks ``a, i, f, o``
    gates : (B, 4H) activations ``[a_t, i_t, f_t, o_t]``; also as ``.a .i .f .o``
    s : (B, H) new cell state ``S_t``
    squashed_s : (B, H) ``tanh(S_t)`` (``S_t`` itself when ``linear``)
    h : (B, H) output ``h_t``
    linear : whether the article's linear simplification was used
    """

    x: np.ndarray
    h_prev: np.ndarray
    s_prev: np.ndarray
    z: np.ndarray
    gates: np.ndarray
    s: np.ndarray
    squashed_s: np.ndarray
    h: np.ndarray
    linear: bool

    def gate(self, name: str) -> np.ndarray:
        """One gate's activation, ``name`` in ``"a", "i", "f", "o"``."""
        return self.gates[..., gate_slice(name, self.s.shape[-1])]

    a = property(lambda self: self.gate("a"), doc="candidate values a_t")
    i = property(lambda self: self.gate("i"), doc="input gate i_t")
    f = property(lambda self: self.gate("f"), doc="keep gate f_t")
    o = property(lambda self: self.gate("o"), doc="output gate o_t")

    @property
    def I(self) -> np.ndarray:  # noqa: E743 - the equations' symbol
        """``I_t = [x_t, h_{t-1}]``, shape (B, D+H)."""
        return np.concatenate([self.x, self.h_prev], axis=-1)


@dataclass(frozen=True, eq=False)
class StepGrads:
    """Gradients of one backward step.

    Attributes
    ----------
    dh : (B, H) total ``δh_t`` (from the loss and from step t+1)
    ds_via_h : (B, H) path 1 into ``S_t``, through ``h_t``
    ds_via_next : (B, H) path 2 into ``S_t``, ``δS_{t+1} ⊙ f_{t+1}``
    ds : (B, H) total ``δS_t = ds_via_h + ds_via_next``
    dgates : (B, 4H) ``[δa, δi, δf, δo]``; one block with ``.dgate(name)``
    dz : (B, 4H) ``δZ_t``
    dx : (B, D) ``δx_t``, the first D entries of ``δI_t = Wᵀ δZ_t``
    dh_prev : (B, H) the last H entries of ``δI_t``: ``δh_next`` for step t-1
    ds_prev : (B, H) ``δS_t ⊙ f_t``: path 2 into ``S_{t-1}``, ``ds_via_next`` for step t-1
    dW : (4H, D+H) this step's share of ``δW``, ``δZ_t · I_tᵀ``
    db : (4H,) this step's share of ``δb``
    """

    dh: np.ndarray
    ds_via_h: np.ndarray
    ds_via_next: np.ndarray
    ds: np.ndarray
    dgates: np.ndarray
    dz: np.ndarray
    dx: np.ndarray
    dh_prev: np.ndarray
    ds_prev: np.ndarray
    dW: np.ndarray
    db: np.ndarray

    def dgate(self, name: str) -> np.ndarray:
        """One block of ``dgates``: ``δa``, ``δi``, ``δf`` or ``δo``."""
        return self.dgates[..., gate_slice(name, self.ds.shape[-1])]


def _check_step_input(params: LSTMParams, x_t, h_prev, s_prev):
    """Validate one step's input and previous state; zeros where a state is None."""
    check_params(params)
    x_t = as_float_array("x_t", x_t, ndim=(1, 2))
    D, H = params.input_size, params.hidden_size
    check_shape("x_t", x_t, x_t.shape[:-1] + (D,), f"the last axis must be D = {D}, W's input size")
    state_shape = x_t.shape[:-1] + (H,)
    h_prev = array_or_zeros("h_prev", h_prev, state_shape, "batch size of x_t, H units")
    s_prev = array_or_zeros("s_prev", s_prev, state_shape, "batch size of x_t, H units")
    return x_t, h_prev, s_prev


def lstm_step_forward(params: LSTMParams, x_t, h_prev=None, s_prev=None, linear: bool = False) -> StepTrace:
    """One forward step of the LSTM.

    Parameters
    ----------
    params : LSTMParams with ``W`` (4H, D+H) and ``b`` (4H,)
    x_t : (B, D) or (D,) input at this step
    h_prev, s_prev : (B, H) or (H,), ``h_{t-1}`` and ``S_{t-1}``; zeros if None
    linear : use the article's simplification (every activation is the identity)

    Returns
    -------
    StepTrace with ``z, gates, s, h`` and the inputs, all without the batch axis if
    ``x_t`` had none.
    """
    x_t, h_prev, s_prev = _check_step_input(params, x_t, h_prev, s_prev)
    I = np.concatenate([x_t, h_prev], axis=-1)  # I_t = [x_t, h_{t-1}]
    z = I @ params.W.T + params.b  # Z_t = W · I_t + b
    gates, s, squashed_s, h = cell_forward(z, s_prev, linear)
    return StepTrace(x_t.copy(), h_prev.copy(), s_prev.copy(), z, gates, s, squashed_s, h, bool(linear))


def lstm_step_backward(params: LSTMParams, step: StepTrace, dh, ds_via_next=None) -> StepGrads:
    """One backward step: from ``δh_t`` and path 2, ``δS_{t+1} ⊙ f_{t+1}``, to every gradient of step t.

    Parameters
    ----------
    params : the LSTMParams that produced ``step``
    step : StepTrace from :func:`lstm_step_forward`
    dh : (B, H) or (H,) total ``δh_t``: the loss's direct term ``g_t`` plus ``δh_next`` from step t+1
    ds_via_next : (B, H) or (H,) ``δS_{t+1} ⊙ f_{t+1}`` arriving through the keep gate
        of step t+1 (path 2); zeros if None, as at the last step

    Returns
    -------
    StepGrads; pass its ``dh_prev`` (plus the loss's ``g_{t-1}``) and ``ds_prev``
    to the backward step of t-1.
    """
    if not isinstance(step, StepTrace):
        raise TypeError(f"step must be a StepTrace from lstm_step_forward, got {type(step).__name__}")
    check_params(params)
    check_shape("params.W", params.W, (step.z.shape[-1], step.x.shape[-1] + step.h.shape[-1]),
                "the W that produced this step")
    dh = as_float_array("dh", dh)
    check_shape("dh", dh, step.h.shape, "like step.h")
    ds_via_next = array_or_zeros("ds_via_next", ds_via_next, step.s.shape, "like step.s")

    ds_via_h, ds, dgates, dz = cell_backward(dh, ds_via_next, step.gates, step.s_prev, step.squashed_s, step.linear)
    dI = dz @ params.W  # δI_t = Wᵀ · δZ_t
    D = params.input_size
    dz_rows = dz.reshape(-1, dz.shape[-1])  # (B, 4H), also for one example
    dW = dz_rows.T @ step.I.reshape(len(dz_rows), -1)  # δZ_t · I_tᵀ, summed over the batch
    db = dz_rows.sum(axis=0)
    return StepGrads(
        dh=dh.copy(),
        ds_via_h=ds_via_h,
        ds_via_next=ds_via_next.copy(),
        ds=ds,
        dgates=dgates,
        dz=dz,
        dx=dI[..., :D],
        dh_prev=dI[..., D:],
        ds_prev=ds * step.f,  # path 2 into S_{t-1}: δS_t ⊙ f_t
        dW=dW,
        db=db,
    )


__all__ = ["StepGrads", "StepTrace", "lstm_step_backward", "lstm_step_forward"]
