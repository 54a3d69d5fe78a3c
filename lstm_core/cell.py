"""One LSTM step, forward and backward, side by side.

Each function below is one line of ``equations.md``. They work on the last axis, so
the same code serves one example (vectors of shape (H,)) and a batch (shape (B, H)).
The per-equation functions take arrays that the step functions have already checked;
``lstm_step_forward`` and ``lstm_step_backward`` are the entry points.
The sequence functions in :mod:`lstm_core.sequence` are the same math with the loop
over time and the products that do not depend on the recurrence hoisted out of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_shape
from .activations import sigmoid, sigmoid_grad_from_output, tanh_grad_from_output
from .params import GATE_ORDER, LSTMParams, gate_slice

# ---------------------------------------------------------------- forward, by equation


def gate_activations(z: np.ndarray, linear: bool = False) -> np.ndarray:
    """``[a, i, f, o] = [tanh(Z_a), σ(Z_i), σ(Z_f), σ(Z_o)]``, stacked like ``z`` (..., 4H).

    In the linear simplification every activation is the identity: the gates are ``z``.
    """
    if linear:
        return z.copy()
    H = z.shape[-1] // 4
    gates = np.empty_like(z)
    gates[..., :H] = np.tanh(z[..., :H])  # a_t = tanh(Z_a)
    gates[..., H:] = sigmoid(z[..., H:])  # i_t, f_t, o_t = σ(Z_i), σ(Z_f), σ(Z_o)
    return gates


def new_cell_state(a, i, f, s_prev):
    """``S_t = a_t ⊙ i_t + f_t ⊙ S_{t-1}``."""
    return a * i + f * s_prev


def squash(s: np.ndarray, linear: bool = False) -> np.ndarray:
    """``tanh(S_t)``, the cell state as the output gate sees it (``S_t`` when linear)."""
    return s.copy() if linear else np.tanh(s)


def new_hidden_state(o, squashed_s):
    """``h_t = o_t ⊙ tanh(S_t)``."""
    return o * squashed_s


# --------------------------------------------------------------- backward, by equation


def state_gradient_via_h(dh, o, squashed_s, linear: bool = False):
    """Path 1 into ``S_t``: ``δh_t ⊙ o_t ⊙ (1 - tanh²(S_t))`` (``δh_t ⊙ o_t`` when linear)."""
    if linear:
        return dh * o
    return dh * o * tanh_grad_from_output(squashed_s)


def gate_gradients(ds, dh, gates, s_prev, squashed_s) -> np.ndarray:
    """``[δa, δi, δf, δo] = [δS ⊙ i, δS ⊙ a, δS ⊙ S_{t-1}, δh ⊙ tanh(S_t)]``, stacked (..., 4H)."""
    H = ds.shape[-1]
    a, i = gates[..., :H], gates[..., H : 2 * H]
    return np.concatenate([ds * i, ds * a, ds * s_prev, dh * squashed_s], axis=-1)


def activation_derivatives(gates: np.ndarray, linear: bool = False) -> np.ndarray:
    """``[1 - a², i(1 - i), f(1 - f), o(1 - o)]``: each gate's slope at its own ``Z`` (..., 4H)."""
    if linear:
        return np.ones_like(gates)
    H = gates.shape[-1] // 4
    slopes = np.empty_like(gates)
    slopes[..., :H] = tanh_grad_from_output(gates[..., :H])
    slopes[..., H:] = sigmoid_grad_from_output(gates[..., H:])
    return slopes


# ----------------------------------------------------------------- one step, with records


@dataclass(frozen=True)
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
        """One gate's activation, ``name`` in ``GATE_ORDER``."""
        return self.gates[..., gate_slice(name, self.s.shape[-1])]

    a = property(lambda self: self.gate("a"), doc="candidate values a_t")
    i = property(lambda self: self.gate("i"), doc="input gate i_t")
    f = property(lambda self: self.gate("f"), doc="keep gate f_t")
    o = property(lambda self: self.gate("o"), doc="output gate o_t")

    @property
    def I(self) -> np.ndarray:  # noqa: E743 - the equations' symbol
        """``I_t = [x_t, h_{t-1}]``, shape (B, D+H)."""
        return np.concatenate([self.x, self.h_prev], axis=-1)


@dataclass(frozen=True)
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
    ds_prev : (B, H) ``δS_t ⊙ f_t``: ``δS_next`` for step t-1
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


def _state_args(params: LSTMParams, x, h_prev, s_prev, names=("x_t", "h_prev", "s_prev")):
    """Validate one step's input and previous state; zeros where a state is None."""
    if not isinstance(params, LSTMParams):
        raise TypeError(f"params must be an LSTMParams, got {type(params).__name__}")
    x = as_float_array(names[0], x, ndim=(1, 2))
    D, H = params.input_size, params.hidden_size
    check_shape(names[0], x, x.shape[:-1] + (D,), f"the last axis must be D = {D}, W's input size")
    state_shape = x.shape[:-1] + (H,)
    states = []
    for name, value in zip(names[1:], (h_prev, s_prev)):
        if value is None:
            states.append(np.zeros(state_shape))
        else:
            value = as_float_array(name, value)
            check_shape(name, value, state_shape, "batch size of x, H units")
            states.append(value)
    return x, states[0], states[1]


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
    x_t, h_prev, s_prev = _state_args(params, x_t, h_prev, s_prev)
    I = np.concatenate([x_t, h_prev], axis=-1)  # I_t = [x_t, h_{t-1}]
    z = I @ params.W.T + params.b  # Z_t = W · I_t + b
    gates = gate_activations(z, linear)
    H = params.hidden_size
    a, i, f, o = (gates[..., k * H : (k + 1) * H] for k in range(4))
    s = new_cell_state(a, i, f, s_prev)
    squashed_s = squash(s, linear)
    h = new_hidden_state(o, squashed_s)
    return StepTrace(x_t, h_prev, s_prev, z, gates, s, squashed_s, h, bool(linear))


def lstm_step_backward(params: LSTMParams, step: StepTrace, dh, ds_next=None) -> StepGrads:
    """One backward step: from ``δh_t`` and ``δS_next`` to every gradient of step t.

    Parameters
    ----------
    params : the LSTMParams that produced ``step``
    step : StepTrace from :func:`lstm_step_forward`
    dh : (B, H) or (H,) total ``δh_t``: the loss's ``∂L/∂h_t`` plus ``δh_next`` from step t+1
    ds_next : (B, H) or (H,) ``δS_{t+1} ⊙ f_{t+1}`` arriving through the keep gate
        of step t+1 (path 2); zeros if None, as at the last step

    Returns
    -------
    StepGrads; pass its ``dh_prev`` (plus the loss's ``∂L/∂h_{t-1}``) and ``ds_prev``
    to the backward step of t-1.
    """
    if not isinstance(step, StepTrace):
        raise TypeError(f"step must be a StepTrace from lstm_step_forward, got {type(step).__name__}")
    if not isinstance(params, LSTMParams):
        raise TypeError(f"params must be an LSTMParams, got {type(params).__name__}")
    check_shape("params.W", params.W, (step.z.shape[-1], step.x.shape[-1] + step.h.shape[-1]),
                "the W that produced this step")
    dh = as_float_array("dh", dh)
    check_shape("dh", dh, step.h.shape, "like step.h")
    if ds_next is None:
        ds_next = np.zeros_like(step.s)
    ds_next = as_float_array("ds_next", ds_next)
    check_shape("ds_next", ds_next, step.s.shape, "like step.s")

    ds_via_h = state_gradient_via_h(dh, step.o, step.squashed_s, step.linear)  # path 1
    ds = ds_via_h + ds_next  # path 1 + path 2
    dgates = gate_gradients(ds, dh, step.gates, step.s_prev, step.squashed_s)
    dz = dgates * activation_derivatives(step.gates, step.linear)
    dI = dz @ params.W  # δI_t = Wᵀ · δZ_t
    D = params.input_size
    dz_rows = dz.reshape(-1, dz.shape[-1])  # (B, 4H), also for one example
    dW = dz_rows.T @ step.I.reshape(len(dz_rows), -1)  # δZ_t · I_tᵀ, summed over the batch
    db = dz_rows.sum(axis=0)
    return StepGrads(
        dh=dh.copy(),
        ds_via_h=ds_via_h,
        ds_via_next=ds_next.copy(),
        ds=ds,
        dgates=dgates,
        dz=dz,
        dx=dI[..., :D],
        dh_prev=dI[..., D:],
        ds_prev=ds * step.f,  # δS_next for step t-1 = δS_t ⊙ f_t
        dW=dW,
        db=db,
    )


__all__ = ["StepGrads", "StepTrace", "lstm_step_backward", "lstm_step_forward"]
