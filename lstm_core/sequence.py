"""An LSTM over a whole sequence: forward, and backpropagation through time.

The math is :mod:`lstm_core.cell`'s, step for step; what changes is where the work
happens. Everything that does not depend on the recurrence is computed for all T steps
at once, outside the loop over time:

- forward: the input part of ``Z_t``, ``W_x · x_t + b``, for every t in one product;
- backward: every activation's slope (``1 - a_t²``, ``i_t(1 - i_t)``, ..., ``1 - tanh²(S_t)``), which the
  forward pass alone fixes, before the loop; ``δW`` and ``δb`` after it, and ``δx`` when first
  read (training does not need it), each in one product over all steps.

Inside the loop there is one matrix product per step (``W_h · h_{t-1}`` forward,
``W_hᵀ · δZ_t`` backward) and one call of the step kernel, :func:`~lstm_core.cell.cell_forward`
or :func:`~lstm_core.cell.cell_backward`, for all units, gates and examples at once,
writing into arrays allocated once, which keep each step's values as columns, one per
example, so that each gate's block is contiguous in memory (:func:`_step_columns`). What
the loop does not need (``Z_t``, the gate gradients, the split of ``δS_t`` into its two
paths) is computed when first asked for. ``tests/test_sequence.py`` checks that all of this gives
what looping :func:`~lstm_core.cell.lstm_step_forward` and
:func:`~lstm_core.cell.lstm_step_backward` gives.

Axis 0 is always time: ``x`` is (T, B, D) for a batch or (T, D) for one sequence.

The names are those of :mod:`lstm_core.cell`'s table (and of ``docs/notation.md``), with
time on axis 0: ``grads.dh`` is ``δh_t`` at every step, ``grads.ds_via_next`` path 2 at every
step, and so on. Only these are new over a whole sequence::

    name                    meaning
    ----------------------  ---------------------------------------------------------------
    dh_next, ds_via_next    lstm_backward's arguments: what reaches h_T and S_T from beyond the sequence
    grads.ds_beyond         path 2 at t = T: lstm_backward's ds_via_next, as it was given
    grads.dh0, grads.ds0    δh_0 = dL/dh_0 and δS_0 = dL/dS_0: what step 1 hands back
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ._checks import array_or_zeros, as_float_array, check_shape
from .cell import (
    StepTrace,
    activation_derivatives,
    cell_backward,
    cell_forward,
    gate_gradients,
    split_gates,
    squash_derivative,
    state_gradient_via_h,
)
from .params import LSTMParams, check_input, check_params, check_trace, gate_slice


@dataclass(frozen=True, eq=False)
class LSTMTrace:
    """Everything the forward pass computed, kept for the backward pass and for plots.

    Axis 0 is time: entry ``k`` belongs to step ``t = k + 1``. Shapes are for a batch;
    for one sequence (``x`` of shape (T, D)) every array lacks the B axis.

    Attributes
    ----------
    params : the LSTMParams that were run
    x : (T, B, D) inputs ``x_1 .. x_T``
    h0, s0 : (B, H) initial ``h_0`` and ``S_0``
    gates : (T, B, 4H) activations ``[a_t, i_t, f_t, o_t]``; also as ``.a .i .f .o``
    s : (T, B, H) cell states ``S_1 .. S_T``
    squashed_s : (T, B, H) ``tanh(S_t)`` (``S_t`` itself when ``linear``)
    h : (T, B, H) outputs ``h_1 .. h_T``
    linear : whether the article's linear simplification was used
    z : (T, B, 4H) pre-activations ``Z_t = W · I_t + b`` (computed when first read)
    """

    params: LSTMParams = field(repr=False)
    x: np.ndarray
    h0: np.ndarray
    s0: np.ndarray
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
        return np.concatenate([self.h0[None], self.h[:-1]])  # (T, B, H)

    @property
    def s_prev(self) -> np.ndarray:
        """(T, B, H) ``S_{t-1}`` for every step: ``S_0 .. S_{T-1}``."""
        return np.concatenate([self.s0[None], self.s[:-1]])  # (T, B, H)

    @property
    def I(self) -> np.ndarray:  # noqa: E743 - the equations' symbol
        """(T, B, D+H) ``I_t = [x_t, h_{t-1}]`` for every step."""
        return np.concatenate([self.x, self.h_prev], axis=-1)

    @cached_property
    def z(self) -> np.ndarray:
        """(T, B, 4H) pre-activations ``Z_t = W · I_t + b``, blocks ``a, i, f, o``."""
        return self.I @ self.params.W.T + self.params.b

    def step(self, k: int) -> StepTrace:
        """The record of step ``t = k + 1`` as a :class:`StepTrace` (``k`` may be negative)."""
        T = len(self.x)
        if not -T <= k < T:
            raise IndexError(f"k must be in [-{T}, {T}), got {k}")
        k = k % T
        h_prev = self.h0 if k == 0 else self.h[k - 1]
        s_prev = self.s0 if k == 0 else self.s[k - 1]
        z = np.concatenate([self.x[k], h_prev], axis=-1) @ self.params.W.T + self.params.b
        return StepTrace(self.x[k], h_prev, s_prev, z, self.gates[k], self.s[k],
                         self.squashed_s[k], self.h[k], self.linear)


@dataclass(frozen=True, eq=False)
class LSTMGrads:
    """Gradients from backpropagation through time.

    Axis 0 is time (entry ``k`` is step ``t = k + 1``); for one sequence the B axis is
    absent everywhere.

    Attributes
    ----------
    trace : the LSTMTrace these gradients belong to
    dW : (4H, D+H) ``δW = Σ_t δZ_t · I_tᵀ``
    db : (4H,) ``δb = Σ_t δZ_t``
    dh0, ds0 : (B, H) ``δh_0 = dL/dh_0`` and ``δS_0 = dL/dS_0``
    dh : (T, B, H) total ``δh_t`` (from the loss and from step t+1)
    ds : (T, B, H) total ``δS_t = ds_via_h + ds_via_next``
    dz : (T, B, 4H) ``δZ_t``
    ds_beyond : (B, H) path 2 into ``S_T``: what ``lstm_backward``'s ``ds_via_next``
        brought from beyond the sequence (zeros by default)
    ds_via_h : (T, B, H) path 1 into ``S_t``, through ``h_t``: ``δh_t ⊙ o_t ⊙ (1 - tanh²(S_t))``
    ds_via_next : (T, B, H) path 2 into ``S_t``: ``δS_{t+1} ⊙ f_{t+1}``
    dgates : (T, B, 4H) ``[δa, δi, δf, δo]``; one block with ``.dgate(name)``
    dx : (T, B, D) ``δx_t``, the first D entries of ``δI_t = Wᵀ · δZ_t``

    The last four are computed when first read (training needs none of them), the first
    three with the same operations as the backward loop, so ``ds_via_h + ds_via_next == ds``
    holds exactly.
    """

    trace: LSTMTrace = field(repr=False)
    dW: np.ndarray
    db: np.ndarray
    dh0: np.ndarray
    ds0: np.ndarray
    dh: np.ndarray
    ds: np.ndarray
    dz: np.ndarray
    ds_beyond: np.ndarray

    @cached_property
    def ds_via_h(self) -> np.ndarray:
        tr = self.trace
        return state_gradient_via_h(self.dh, tr.o, tr.squashed_s, tr.linear)

    @cached_property
    def ds_via_next(self) -> np.ndarray:
        return np.concatenate([self.ds[1:] * self.trace.f[1:], self.ds_beyond[None]])  # (T, B, H)

    @cached_property
    def dgates(self) -> np.ndarray:
        tr = self.trace
        return gate_gradients(self.ds, self.dh, tr.gates, tr.s_prev, tr.squashed_s)

    @cached_property
    def dx(self) -> np.ndarray:
        D = self.trace.x.shape[-1]
        rows = self.dz.reshape(-1, self.dz.shape[-1])  # (T·B, 4H), every step's δZ_t as a row
        return (rows @ self.trace.params.W_x).reshape(self.dz.shape[:-1] + (D,))  # δx_t = W_xᵀ δZ_t

    def dgate(self, name: str) -> np.ndarray:
        """One block of ``dgates`` over time: ``δa``, ``δi``, ``δf`` or ``δo``, (T, B, H)."""
        return self.dgates[..., gate_slice(name, self.ds.shape[-1])]

    def parameter_grads(self) -> dict[str, np.ndarray]:
        """``{"W": dW, "b": db}``, keyed like the fields of :class:`LSTMParams`."""
        return {"W": self.dW, "b": self.db}


def _step_columns(T: int, B: int, *sizes: int) -> list[np.ndarray]:
    """Float64 arrays of shape (T, B, n), one for each n in ``sizes``, stored step by step as columns.

    Each is the memory of a (T, n, B) array seen through a transpose: its shape, indexing and
    values are those of any (T, B, n) array. What the layout changes is speed. One step's
    block of one gate, ``gates[t][:, H:2H]`` (B, H), is then a single contiguous piece of
    memory (as the column vectors of the equations are), so the step's elementwise
    equations run over contiguous data; with rows of 4H, each block is B short pieces,
    and for the small batches of the lessons numpy spends more time stepping from piece
    to piece than computing. At the lessons' sizes the forward and backward loops together
    ran 1.2 to 1.4 times faster this way on the 2-core machine of the README's speed
    section. The products ``W_h · h_{t-1}`` and ``W_hᵀ · δZ_t`` are then taken column-wise,
    and for some sizes BLAS adds their terms in another order: results can differ in
    their last bits, as they do between machines. All arrays are cut from one allocation
    (:func:`_arrays_in_one_block`).
    """
    return [array.transpose(0, 2, 1) for array in _arrays_in_one_block(*((T, n, B) for n in sizes))]


def _arrays_in_one_block(*shapes) -> list[np.ndarray]:
    """C-contiguous float64 arrays of the given shapes, cut from one allocation.

    One large block costs the operating system far fewer page faults than many
    medium-sized arrays (numpy asks for huge pages for blocks of 4 MiB and more).
    """
    sizes = [int(np.prod(shape)) for shape in shapes]
    block = np.empty(sum(sizes))
    ends = np.cumsum(sizes)
    return [block[end - size : end].reshape(shape) for shape, size, end in zip(shapes, sizes, ends)]


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
    check_params(params)
    x = check_input(params, x)  # (T, B, D) or (T, D)
    state_shape = x.shape[1:-1] + (params.hidden_size,)  # (B, H) or (H,)
    meaning = "batch size of x, H units" if x.ndim == 3 else "H units"
    h0 = array_or_zeros("h0", h0, state_shape, meaning)
    s0 = array_or_zeros("s0", s0, state_shape, meaning)
    return run_lstm(params, x.copy(), h0.copy(), s0.copy(), bool(linear))


def run_lstm(params: LSTMParams, x: np.ndarray, h0: np.ndarray, s0: np.ndarray, linear: bool) -> LSTMTrace:
    """:func:`lstm_forward` on input it has checked: the loop itself, which trusts its arguments.

    ``x`` is a float array (T, B, D) or (T, D) with ``params``' D, and ``h0``, ``s0`` float
    arrays (B, H) or (H,). The trace keeps ``x``, ``h0`` and ``s0`` as they are, without
    copies; nothing here writes into them. For the engine's own loops, such as the finite
    differences of :mod:`lstm_core.gradcheck`; everyone else calls :func:`lstm_forward`.
    """
    H = params.hidden_size
    batched = x.ndim == 3
    x_batch = x if batched else x[:, None]  # (T, B, D): one sequence is a batch of one
    h, s = (h0, s0) if batched else (h0[None], s0[None])  # (B, H) each
    T, B, D = x_batch.shape

    gates, s_all, squashed_all, h_all = _step_columns(T, B, 4 * H, H, H, H)  # (T, B, ·), stored as columns
    # Z_t is built in `gates` and then activated there. Its input part, W_x · x_t + b,
    # for all steps in one product:
    np.add(np.matmul(x_batch.reshape(T * B, D), params.W_x.T).reshape(T, B, 4 * H), params.b, out=gates)
    recurrent = np.empty((4 * H, B))  # W_h · h_{t-1}, one column per example
    for t in range(T):
        z = gates[t]  # (B, 4H)
        z += np.matmul(params.W_h, h.T, out=recurrent).T  # Z_t = W_x x_t + b + W_h h_{t-1}
        _, s, _, h = cell_forward(z, s, linear, out=(z, s_all[t], squashed_all[t], h_all[t]))

    if not batched:  # drop the batch axis of one
        gates, s_all, squashed_all, h_all = gates[:, 0], s_all[:, 0], squashed_all[:, 0], h_all[:, 0]  # (T, ·)
    return LSTMTrace(params=params, x=x, h0=h0, s0=s0, gates=gates, s=s_all, squashed_s=squashed_all, h=h_all,
                     linear=linear)


def lstm_backward(trace: LSTMTrace, dh_loss, dh_next=None, ds_via_next=None) -> LSTMGrads:
    """Backpropagation through time.

    Parameters
    ----------
    trace : LSTMTrace from :func:`lstm_forward`; it holds the parameters that produced it
    dh_loss : (T, B, H) or (T, H), like ``trace.h``: ``g_t = ∂L/∂h_t``, the loss's direct
        term at each step (zero where the loss does not read ``h_t``)
    dh_next, ds_via_next : (B, H) or (H,), ``δh_next`` and path 2 at the last step: what
        arrives from beyond the sequence (from a later chunk of it); zeros if None

    Returns
    -------
    LSTMGrads with ``dW``, ``db``, ``dx``, ``dh0``, ``ds0`` and, per step, ``dh``,
    ``ds`` and its two paths ``ds_via_h`` and ``ds_via_next``, ``dgates``, ``dz``.
    """
    check_trace(trace, LSTMTrace, "lstm_forward")
    params = trace.params
    dh_loss = as_float_array("dh_loss", dh_loss)
    check_shape("dh_loss", dh_loss, trace.h.shape, "like trace.h")
    dh_next = array_or_zeros("dh_next", dh_next, trace.h0.shape, "like trace.h0")  # (B, H) or (H,)
    ds_via_next = array_or_zeros("ds_via_next", ds_via_next, trace.s0.shape, "like trace.s0")
    ds_beyond = ds_via_next.copy()  # kept for LSTMGrads.ds_via_next

    x, h0, s0, gates, s, squashed_s, h = (trace.x, trace.h0, trace.s0, trace.gates, trace.s, trace.squashed_s,
                                          trace.h)
    if not trace.batched:  # one sequence: a batch of one, the axis dropped again at the end
        x, dh_loss = x[:, None], dh_loss[:, None]  # (T, 1, D), (T, 1, H)
        gates, s, squashed_s, h = gates[:, None], s[:, None], squashed_s[:, None], h[:, None]  # (T, 1, ·)
        h0, s0, dh_next, ds_via_next = h0[None], s0[None], dh_next[None], ds_via_next[None]  # (1, H)
    T, B, D = x.shape
    H = params.hidden_size

    # δZ_t as rows, as the products over all steps after the loop want them; the rest as columns.
    dz, *columns = _arrays_in_one_block((T, B, 4 * H), *((T, n, B) for n in (H, H, 4 * H, H)))
    dh_all, ds_all, gate_slopes, squash_slopes = (array.transpose(0, 2, 1) for array in columns)
    # Every activation's slope depends on the forward pass alone: all steps at once.
    activation_derivatives(gates, trace.linear, out=gate_slopes)  # [1 - a², i(1 - i), f(1 - f), o(1 - o)]
    squash_derivative(squashed_s, trace.linear, out=squash_slopes)  # 1 - tanh²(S_t)
    f = split_gates(gates)[2]  # (T, B, H) keep gates
    # One step's [δa, δi, δf, δo] (LSTMGrads derives them all later) and δZ_t, as columns:
    dgates, dz_t = (array[0] for array in _step_columns(1, B, 4 * H, 4 * H))
    W_h_T = params.W_h.T  # (H, 4H)
    back = np.empty((H, B))  # W_hᵀ · δZ_t, one column per example
    for t in reversed(range(T)):
        dh_t = np.add(dh_loss[t], dh_next, out=dh_all[t])  # δh_t = g_t + δh_next, (B, H)
        s_prev = s[t - 1] if t else s0
        _, ds_t, _, _ = cell_backward(dh_t, ds_via_next, gates[t], s_prev, squashed_s[t], trace.linear,
                                      out=(ds_all[t], dgates, dz_t), slopes=(gate_slopes[t], squash_slopes[t]))
        dz[t] = dz_t
        # (B, H): δh_next for step t-1, W_hᵀ · δZ_t, the last H entries of δI_t = Wᵀ · δZ_t
        dh_next = np.matmul(W_h_T, dz_t.T, out=back).T
        ds_via_next = ds_t * f[t]  # (B, H): path 2 into S_{t-1}, δS_t ⊙ f_t

    # Everything that only needs δZ_t, for all steps at once.
    dz_rows = dz.reshape(T * B, 4 * H)  # (T·B, 4H)
    inputs = np.empty((T, B, D + H))  # I_t = [x_t, h_{t-1}]
    inputs[:, :, :D], inputs[0, :, D:], inputs[1:, :, D:] = x, h0, h[:-1]
    dW = np.ascontiguousarray((inputs.reshape(T * B, D + H).T @ dz_rows).T)  # (4H, D+H): δW = Σ_t δZ_t · I_tᵀ
    db = dz_rows.sum(axis=0)  # (4H,): δb = Σ_t δZ_t  (δx_t: LSTMGrads.dx, when first read)

    if not trace.batched:  # drop the batch axis of one
        dh_all, ds_all, dz = dh_all[:, 0], ds_all[:, 0], dz[:, 0]
        dh_next, ds_via_next = dh_next[0], ds_via_next[0]
    return LSTMGrads(trace=trace, dW=dW, db=db, dh0=dh_next, ds0=ds_via_next, dh=dh_all, ds=ds_all, dz=dz,
                     ds_beyond=ds_beyond)


__all__ = ["LSTMGrads", "LSTMTrace", "lstm_backward", "lstm_forward", "run_lstm"]
