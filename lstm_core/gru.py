"""The GRU, forward and backward, by the same differential approach as the LSTM.

The formulation is PyTorch's (and cuDNN's), so that it equals ``torch.nn.GRU``. Its three
row blocks are in PyTorch's order ``r, z, n`` (reset gate, update gate, candidate)::

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
    h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}

r_t scales ``W_hn h_{t-1} + b_hn`` *after* the matrix, so ``b_hn`` cannot be merged into
``b_in`` and the LSTM's one ``Z = W · I + b`` does not carry over: the weights are kept
as PyTorch keeps them, ``W_x`` (3H, D), ``W_h`` (3H, H), ``b_x`` (3H,), ``b_h`` (3H,). (Cho
et al. (2014) multiply ``r_t ⊙ h_{t-1}`` *before* the matrix; that is another cell.)

The pre-activations are written with a capital Z, to keep them apart from the update
gate z: ``Z_r`` and ``Z_z`` are the arguments of the two σ, and
``Z_n = W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn)`` that of tanh.

Backward, walking t = T, ..., 1 with ``δh_next`` from step t+1 (zero at t = T unless
given); ``h_{t-1}`` reaches the loss along two paths, directly through ``z_t`` and
through the gates and ``n_t``::

    δh_t  = g_t + δh_next                      the total at h_t
    δn_t  = δh_t ⊙ (1 - z_t)                   δZ_n = δn_t ⊙ (1 - n_t²)
    δz_t  = δh_t ⊙ (h_{t-1} - n_t)             δZ_z = δz_t ⊙ z_t (1 - z_t)
    δr_t  = δZ_n ⊙ (W_hn h_{t-1} + b_hn)       δZ_r = δr_t ⊙ r_t (1 - r_t)
    δh_{t-1} = z_t ⊙ δh_t                                            the direct path
             + W_hrᵀ δZ_r + W_hzᵀ δZ_z + W_hnᵀ (r_t ⊙ δZ_n)          through the gates and n_t
    δx_t  = W_irᵀ δZ_r + W_izᵀ δZ_z + W_inᵀ δZ_n
    δW_x = Σ_t δZ_t x_tᵀ, δb_x = Σ_t δZ_t           with δZ_t = [δZ_r, δZ_z, δZ_n]
    δW_h = Σ_t δZh_t h_{t-1}ᵀ, δb_h = Σ_t δZh_t     with δZh_t = [δZ_r, δZ_z, r_t ⊙ δZ_n]

Axis 0 is time: ``x`` is (T, B, D) for a batch or (T, D) for one sequence, and entry
``k`` of an array over the sequence belongs to step ``t = k + 1``.

Names (``d`` stands for δ, the total gradient dL/dv over every path)::

    name           symbol                          meaning
    -------------  ------------------------------  --------------------------------------
    dh_loss        g_t = ∂L/∂h_t                   the loss's direct term (gru_backward's input)
    dh_next        δh_next                         what reaches h_t from step t+1
    dh             δh_t = g_t + δh_next            the total gradient dL/dh_t
    dgates         [δr_t, δz_t, δn_t]              the gates' gradients
    dZ             [δZ_r, δZ_z, δZ_n]              the pre-activations' gradients (input side)
    dZh            [δZ_r, δZ_z, r_t ⊙ δZ_n]        the gradient of W_h h_{t-1} + b_h
    dh_direct      z_t ⊙ δh_t                      what step t hands h_{t-1} along the direct path
    dh_via_gates   W_hᵀ δZh_t                      what step t hands h_{t-1} through the gates and n_t
    dh_prev        the sum of the two              step t-1's dh_next
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ._checks import array_or_zeros, as_float_array, check_shape, positive_float, positive_int
from .activations import sigmoid, sigmoid_grad_from_output, tanh_grad_from_output
from .params import block_slice

GRU_GATE_ORDER = ("r", "z", "n")
"""Order of the row blocks of ``W_x``, ``W_h``, ``b_x``, ``b_h``: reset gate, update gate, candidate."""


def gru_gate_slice(gate: str, hidden_size: int) -> slice:
    """The rows of the GRU's weights (or entries of its biases, gates) that belong to ``gate``.

    >>> gru_gate_slice("n", 3)
    slice(6, 9, None)
    """
    return block_slice(gate, GRU_GATE_ORDER, hidden_size)


def split_gru_blocks(stacked: np.ndarray):
    """Views of the three blocks ``r, z, n`` of ``stacked`` (..., 3H) along the last axis."""
    H = stacked.shape[-1] // 3
    return stacked[..., :H], stacked[..., H : 2 * H], stacked[..., 2 * H :]


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True, eq=False)
class GRUParams:
    """Weights of one GRU layer, as PyTorch's ``nn.GRU`` keeps them (row blocks ``r, z, n``).

    Attributes
    ----------
    W_x : (3H, D) array
        Input weights ``[W_ir; W_iz; W_in]`` (PyTorch's ``weight_ih_l0``).
    W_h : (3H, H) array
        Recurrent weights ``[W_hr; W_hz; W_hn]`` (``weight_hh_l0``).
    b_x : (3H,) array
        Input biases ``[b_ir, b_iz, b_in]`` (``bias_ih_l0``).
    b_h : (3H,) array
        Recurrent biases ``[b_hr, b_hz, b_hn]`` (``bias_hh_l0``); ``b_hn`` sits inside
        ``r_t ⊙ (…)`` and cannot be merged into ``b_in``.

    The arrays are copied on construction, so later changes to the arrays you passed in
    do not change the parameters (and nothing here ever writes into yours).
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b_x: np.ndarray
    b_h: np.ndarray

    def __post_init__(self):
        W_x = as_float_array("W_x", self.W_x, ndim=2)
        W_h = as_float_array("W_h", self.W_h, ndim=2)
        b_x = as_float_array("b_x", self.b_x, ndim=1)
        b_h = as_float_array("b_h", self.b_h, ndim=1)
        H = W_h.shape[1]
        if W_h.shape[0] != 3 * H:
            hint = "; 4·H rows are an LSTM's (LSTMParams)" if W_h.shape[0] == 4 * H else ""
            raise ValueError(f"W_h must have shape (3·H, H) = ({3 * H}, {H}): three gate blocks r, z, n of H = {H} "
                             f"rows (H from its columns), got {W_h.shape}{hint}")
        check_shape("W_x", W_x, (3 * H, W_x.shape[1]), "3·H rows, as W_h, for blocks r, z, n")
        check_shape("b_x", b_x, (3 * H,), "one entry per row of W_x")
        check_shape("b_h", b_h, (3 * H,), "one entry per row of W_h")
        for name, value in (("W_x", W_x), ("W_h", W_h), ("b_x", b_x), ("b_h", b_h)):
            object.__setattr__(self, name, value.copy())

    @property
    def hidden_size(self) -> int:
        """H, the number of units."""
        return self.W_h.shape[1]

    @property
    def input_size(self) -> int:
        """D, the size of each input vector ``x_t``."""
        return self.W_x.shape[1]

    def gate(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One gate's ``(W_x rows, W_h rows, b_x entries, b_h entries)``; ``name`` in ``"r", "z", "n"``."""
        rows = gru_gate_slice(name, self.hidden_size)
        return self.W_x[rows], self.W_h[rows], self.b_x[rows], self.b_h[rows]


def init_gru_params(input_size: int, hidden_size: int, seed: int = 0, scale: float | None = None) -> GRUParams:
    """Random GRU weights, reproducible from ``seed``.

    ``W_x`` and ``W_h`` are drawn uniformly from ``[-scale, scale]``, ``scale = 1/sqrt(H)``
    by default (PyTorch's scale); the biases are zero, as :func:`~lstm_core.init_params`
    leaves them (PyTorch draws them from the same uniform).

    Returns a :class:`GRUParams` with ``W_x`` (3H, D), ``W_h`` (3H, H), ``b_x`` and ``b_h`` (3H,).
    """
    D = positive_int("input_size", input_size)
    H = positive_int("hidden_size", hidden_size)
    scale = 1.0 / np.sqrt(H) if scale is None else positive_float("scale", scale, allow_zero=True)
    W = np.random.default_rng(seed).uniform(-scale, scale, size=(3 * H, D + H))  # [W_x | W_h], one draw
    return GRUParams(W[:, :D], W[:, D:], np.zeros(3 * H), np.zeros(3 * H))


def _check_gru_params(params) -> GRUParams:
    if not isinstance(params, GRUParams):
        raise TypeError(f"params must be a GRUParams (from init_gru_params or gru_from_torch), "
                        f"got {type(params).__name__}")
    return params


# ----------------------------------------------------------------- forward, by equation


def reset_and_update_gates(zx: np.ndarray, zh: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``r_t, z_t = σ(W_i· x_t + b_i· + W_h· h_{t-1} + b_h·)``: the first 2H entries of ``out``."""
    H2 = 2 * (zx.shape[-1] // 3)
    np.add(zx[..., :H2], zh[..., :H2], out=out[..., :H2])  # Z_r, Z_z: input part + recurrent part
    sigmoid(out[..., :H2], out=out[..., :H2])  # r_t = σ(Z_r), z_t = σ(Z_z)
    return out


def candidate(zx_n: np.ndarray, r: np.ndarray, hn: np.ndarray, out=None) -> np.ndarray:
    """``n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))``; ``hn`` is ``W_hn h_{t-1} + b_hn``."""
    out = np.multiply(r, hn, out=out)  # r_t ⊙ (W_hn h_{t-1} + b_hn): r scales after the matrix
    out += zx_n  # Z_n = W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn)
    return np.tanh(out, out=out)  # n_t = tanh(Z_n)


def new_gru_hidden_state(n: np.ndarray, z: np.ndarray, h_prev: np.ndarray, out=None) -> np.ndarray:
    """``h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}``."""
    out = np.multiply(1.0 - z, n, out=out)  # (1 - z_t) ⊙ n_t
    out += z * h_prev  # + z_t ⊙ h_{t-1}
    return out


def gru_cell_forward(zx: np.ndarray, zh: np.ndarray, h_prev: np.ndarray, out=None):
    """One step forward from the two products: ``W_x x_t + b_x`` (``zx``) and ``W_h h_{t-1} + b_h`` (``zh``).

    ``zx`` and ``zh`` are (..., 3H), ``h_prev`` (..., H). ``out``, if given, is a tuple
    ``(gates, hn, h)`` of arrays (..., 3H), (..., H), (..., H) to write into. Returns that
    tuple: ``gates = [r_t, z_t, n_t]``, ``hn = W_hn h_{t-1} + b_hn``, ``h = h_t``.
    """
    if out is None:
        out = (np.empty_like(zx), np.empty_like(h_prev), np.empty_like(h_prev))
    gates, hn, h = out
    reset_and_update_gates(zx, zh, out=gates)
    r, z, n = split_gru_blocks(gates)
    hn[...] = split_gru_blocks(zh)[2]  # W_hn h_{t-1} + b_hn, kept for δr_t
    candidate(split_gru_blocks(zx)[2], r, hn, out=n)
    new_gru_hidden_state(n, z, h_prev, out=h)
    return out


# ---------------------------------------------------------------- backward, by equation


def direct_path(dh: np.ndarray, z: np.ndarray) -> np.ndarray:
    """What reaches ``h_{t-1}`` straight through ``h_t = … + z_t ⊙ h_{t-1}``: ``z_t ⊙ δh_t``."""
    return z * dh


def candidate_gradient(dh: np.ndarray, z: np.ndarray, out=None) -> np.ndarray:
    """``δn_t = δh_t ⊙ (1 - z_t)``."""
    return np.multiply(dh, 1.0 - z, out=out)


def update_gate_gradient(dh: np.ndarray, h_prev: np.ndarray, n: np.ndarray, out=None) -> np.ndarray:
    """``δz_t = δh_t ⊙ (h_{t-1} - n_t)``: z_t moves h_t from n_t towards h_{t-1}."""
    return np.multiply(dh, h_prev - n, out=out)


def reset_gate_gradient(dZ_n: np.ndarray, hn: np.ndarray, out=None) -> np.ndarray:
    """``δr_t = δZ_n ⊙ (W_hn h_{t-1} + b_hn)``: r_t multiplies what ``hn`` holds inside Z_n."""
    return np.multiply(dZ_n, hn, out=out)


def gru_cell_backward(dh: np.ndarray, gates: np.ndarray, hn: np.ndarray, h_prev: np.ndarray, out=None):
    """One step back from the total ``δh_t``: the gates' and pre-activations' gradients.

    ``out``, if given, is a tuple ``(dgates, dZ, dZh)`` of (..., 3H) arrays to write into.
    Returns ``(dgates, dZ, dZh, dh_direct)``: ``[δr, δz, δn]``, ``[δZ_r, δZ_z, δZ_n]``,
    ``[δZ_r, δZ_z, r_t ⊙ δZ_n]`` (the gradient of ``W_h h_{t-1} + b_h``) and ``z_t ⊙ δh_t``.
    """
    if out is None:
        out = tuple(np.empty(np.broadcast_shapes(dh.shape, h_prev.shape)[:-1] + gates.shape[-1:]) for _ in range(3))
    dgates, dZ, dZh = out
    r, z, n = split_gru_blocks(gates)
    dr, dz, dn = split_gru_blocks(dgates)
    dZ_r, dZ_z, dZ_n = split_gru_blocks(dZ)
    candidate_gradient(dh, z, out=dn)  # δn_t = δh_t ⊙ (1 - z_t)
    update_gate_gradient(dh, h_prev, n, out=dz)  # δz_t = δh_t ⊙ (h_{t-1} - n_t)
    np.multiply(dn, tanh_grad_from_output(n), out=dZ_n)  # δZ_n = δn_t ⊙ (1 - n_t²)
    reset_gate_gradient(dZ_n, hn, out=dr)  # δr_t = δZ_n ⊙ (W_hn h_{t-1} + b_hn)
    np.multiply(dr, sigmoid_grad_from_output(r), out=dZ_r)  # δZ_r = δr_t ⊙ r_t (1 - r_t)
    np.multiply(dz, sigmoid_grad_from_output(z), out=dZ_z)  # δZ_z = δz_t ⊙ z_t (1 - z_t)
    H2 = 2 * dh.shape[-1]
    dZh[..., :H2] = dZ[..., :H2]  # r and z: the recurrent part enters Z_r, Z_z as the input part does
    np.multiply(r, dZ_n, out=dZh[..., H2:])  # n: W_hn h_{t-1} + b_hn enters Z_n scaled by r_t
    return dgates, dZ, dZh, direct_path(dh, z)


# ------------------------------------------------------------------ one step, with records


@dataclass(frozen=True, eq=False)
class GRUStepTrace:
    """Everything one forward step of the GRU computed, named after the equations.

    Shapes are ``(B, ·)`` for a batch or ``(·,)`` for one example.

    Attributes
    ----------
    params : the GRUParams that were run
    x, h_prev : inputs ``x_t`` (B, D) and ``h_{t-1}`` (B, H)
    gates : (B, 3H) ``[r_t, z_t, n_t]``; also as ``.r .z .n``
    hn : (B, H) ``W_hn h_{t-1} + b_hn``, what ``r_t`` scales inside ``Z_n``
    h : (B, H) output ``h_t``
    """

    params: GRUParams = field(repr=False)
    x: np.ndarray
    h_prev: np.ndarray
    gates: np.ndarray
    hn: np.ndarray
    h: np.ndarray

    def gate(self, name: str) -> np.ndarray:
        """One gate's activation, ``name`` in ``"r", "z", "n"``."""
        return self.gates[..., gru_gate_slice(name, self.h.shape[-1])]

    r = property(lambda self: self.gate("r"), doc="reset gate r_t")
    z = property(lambda self: self.gate("z"), doc="update gate z_t")
    n = property(lambda self: self.gate("n"), doc="candidate n_t")


@dataclass(frozen=True, eq=False)
class GRUStepGrads:
    """Gradients of one backward step of the GRU.

    Attributes
    ----------
    dh : (B, H) total ``δh_t`` (from the loss and from step t+1)
    dgates : (B, 3H) ``[δr_t, δz_t, δn_t]``; one block with ``.dgate(name)``
    dZ : (B, 3H) ``[δZ_r, δZ_z, δZ_n]``, the gradient of ``W_x x_t + b_x``
    dZh : (B, 3H) ``[δZ_r, δZ_z, r_t ⊙ δZ_n]``, the gradient of ``W_h h_{t-1} + b_h``
    dx : (B, D) ``δx_t = W_xᵀ δZ_t``
    dh_direct : (B, H) ``z_t ⊙ δh_t``, what reaches ``h_{t-1}`` along the direct path
    dh_via_gates : (B, H) ``W_hᵀ δZh_t``, what reaches ``h_{t-1}`` through the gates and n_t
    dh_prev : (B, H) their sum: ``δh_next`` for step t-1
    dW_x, dW_h, db_x, db_h : this step's shares of the parameter gradients
    """

    dh: np.ndarray
    dgates: np.ndarray
    dZ: np.ndarray
    dZh: np.ndarray
    dx: np.ndarray
    dh_direct: np.ndarray
    dh_via_gates: np.ndarray
    dh_prev: np.ndarray
    dW_x: np.ndarray
    dW_h: np.ndarray
    db_x: np.ndarray
    db_h: np.ndarray

    def dgate(self, name: str) -> np.ndarray:
        """One block of ``dgates``: ``δr``, ``δz`` or ``δn``."""
        return self.dgates[..., gru_gate_slice(name, self.dh.shape[-1])]


def gru_step_forward(params: GRUParams, x_t, h_prev=None) -> GRUStepTrace:
    """One forward step of the GRU.

    Parameters
    ----------
    params : GRUParams with ``W_x`` (3H, D), ``W_h`` (3H, H), ``b_x``, ``b_h`` (3H,)
    x_t : (B, D) or (D,) input at this step
    h_prev : (B, H) or (H,) ``h_{t-1}``; zeros if None

    Returns
    -------
    GRUStepTrace with ``gates = [r, z, n]``, ``hn`` and ``h``, without the batch axis if
    ``x_t`` had none.
    """
    _check_gru_params(params)
    x_t = as_float_array("x_t", x_t, ndim=(1, 2))
    D, H = params.input_size, params.hidden_size
    check_shape("x_t", x_t, x_t.shape[:-1] + (D,), f"the last axis must be D = {D}, W_x's columns")
    h_prev = array_or_zeros("h_prev", h_prev, x_t.shape[:-1] + (H,), "batch size of x_t, H units")
    zx = x_t @ params.W_x.T + params.b_x  # W_x x_t + b_x, (B, 3H)
    zh = h_prev @ params.W_h.T + params.b_h  # W_h h_{t-1} + b_h, (B, 3H)
    gates, hn, h = gru_cell_forward(zx, zh, h_prev)
    return GRUStepTrace(params, x_t.copy(), h_prev.copy(), gates, hn, h)


def gru_step_backward(step: GRUStepTrace, dh) -> GRUStepGrads:
    """One backward step of the GRU: from the total ``δh_t`` to every gradient of step t.

    Parameters
    ----------
    step : GRUStepTrace from :func:`gru_step_forward` (it holds the parameters)
    dh : (B, H) or (H,) total ``δh_t``: the loss's direct term ``g_t`` plus ``δh_next``

    Returns
    -------
    GRUStepGrads; pass its ``dh_prev`` (plus the loss's ``g_{t-1}``) to step t-1.
    """
    if not isinstance(step, GRUStepTrace):
        raise TypeError(f"step must be a GRUStepTrace from gru_step_forward, got {type(step).__name__}")
    dh = as_float_array("dh", dh)
    check_shape("dh", dh, step.h.shape, "like step.h")
    params = step.params
    dgates, dZ, dZh, dh_direct = gru_cell_backward(dh, step.gates, step.hn, step.h_prev)
    dh_via_gates = dZh @ params.W_h  # W_hrᵀ δZ_r + W_hzᵀ δZ_z + W_hnᵀ (r_t ⊙ δZ_n)
    dZ_rows, dZh_rows = dZ.reshape(-1, dZ.shape[-1]), dZh.reshape(-1, dZh.shape[-1])  # (B, 3H)
    return GRUStepGrads(
        dh=dh.copy(),
        dgates=dgates,
        dZ=dZ,
        dZh=dZh,
        dx=dZ @ params.W_x,  # δx_t = W_xᵀ δZ_t
        dh_direct=dh_direct,
        dh_via_gates=dh_via_gates,
        dh_prev=dh_direct + dh_via_gates,  # δh_{t-1}'s share from step t: both paths
        dW_x=dZ_rows.T @ step.x.reshape(len(dZ_rows), -1),  # δZ_t x_tᵀ, summed over the batch
        dW_h=dZh_rows.T @ step.h_prev.reshape(len(dZh_rows), -1),  # δZh_t h_{t-1}ᵀ
        db_x=dZ_rows.sum(axis=0),  # δb_x: δZ_t
        db_h=dZh_rows.sum(axis=0),  # δb_h: δZh_t
    )


# ---------------------------------------------------------------------- a whole sequence


@dataclass(frozen=True, eq=False)
class GRUTrace:
    """Everything :func:`gru_forward` computed, kept for :func:`gru_backward` and for plots.

    Axis 0 is time: entry ``k`` belongs to step ``t = k + 1``. Shapes are for a batch;
    for one sequence (``x`` of shape (T, D)) every array lacks the B axis.

    Attributes
    ----------
    params : the GRUParams that were run
    x : (T, B, D) inputs ``x_1 .. x_T``
    h0 : (B, H) initial ``h_0``
    gates : (T, B, 3H) ``[r_t, z_t, n_t]``; also as ``.r .z .n``
    hn : (T, B, H) ``W_hn h_{t-1} + b_hn``, what ``r_t`` scales inside ``Z_n``
    h : (T, B, H) outputs ``h_1 .. h_T``
    """

    params: GRUParams = field(repr=False)
    x: np.ndarray
    h0: np.ndarray
    gates: np.ndarray
    hn: np.ndarray
    h: np.ndarray

    @property
    def batched(self) -> bool:
        """True when there is a batch axis (``x`` was (T, B, D))."""
        return self.x.ndim == 3

    @property
    def hidden_size(self) -> int:
        return self.h.shape[-1]

    def gate(self, name: str) -> np.ndarray:
        """One gate's activations over time, (T, B, H); ``name`` in ``GRU_GATE_ORDER``."""
        return self.gates[..., gru_gate_slice(name, self.hidden_size)]

    r = property(lambda self: self.gate("r"), doc="reset gate r_t, (T, B, H)")
    z = property(lambda self: self.gate("z"), doc="update gate z_t, (T, B, H)")
    n = property(lambda self: self.gate("n"), doc="candidate n_t, (T, B, H)")

    @property
    def h_prev(self) -> np.ndarray:
        """(T, B, H) ``h_{t-1}`` for every step: ``h_0 .. h_{T-1}``."""
        return np.concatenate([self.h0[None], self.h[:-1]])  # (T, B, H)

    def step(self, k: int) -> GRUStepTrace:
        """The record of step ``t = k + 1`` as a :class:`GRUStepTrace` (``k`` may be negative)."""
        T = len(self.x)
        if not -T <= k < T:
            raise IndexError(f"k must be in [-{T}, {T}), got {k}")
        k = k % T
        h_prev = self.h0 if k == 0 else self.h[k - 1]
        return GRUStepTrace(self.params, self.x[k], h_prev, self.gates[k], self.hn[k], self.h[k])


@dataclass(frozen=True, eq=False)
class GRUGrads:
    """Gradients from backpropagation through time in the GRU.

    Axis 0 is time (entry ``k`` is step ``t = k + 1``); for one sequence the B axis is
    absent everywhere.

    Attributes
    ----------
    trace : the GRUTrace these gradients belong to
    dW_x : (3H, D) ``Σ_t δZ_t x_tᵀ``;  db_x : (3H,) ``Σ_t δZ_t``
    dW_h : (3H, H) ``Σ_t δZh_t h_{t-1}ᵀ``;  db_h : (3H,) ``Σ_t δZh_t``
    dx : (T, B, D) ``δx_t``
    dh0 : (B, H) ``δh_0 = dL/dh_0``
    dh : (T, B, H) total ``δh_t`` (from the loss and from step t+1)
    dZ : (T, B, 3H) ``[δZ_r, δZ_z, δZ_n]``
    dZh : (T, B, 3H) ``[δZ_r, δZ_z, r_t ⊙ δZ_n]``, the gradient of ``W_h h_{t-1} + b_h``
    dgates : (T, B, 3H) ``[δr_t, δz_t, δn_t]``; one block with ``.dgate(name)``
    dh_direct : (T, B, H) ``z_t ⊙ δh_t``, what step t hands ``h_{t-1}`` along the direct path

    The last three are computed when first read.
    """

    trace: GRUTrace = field(repr=False)
    dW_x: np.ndarray
    dW_h: np.ndarray
    db_x: np.ndarray
    db_h: np.ndarray
    dx: np.ndarray
    dh0: np.ndarray
    dh: np.ndarray
    dZ: np.ndarray

    @cached_property
    def dZh(self) -> np.ndarray:
        H = self.dh.shape[-1]
        return np.concatenate([self.dZ[..., : 2 * H], self.trace.r * self.dZ[..., 2 * H :]], axis=-1)

    @cached_property
    def dgates(self) -> np.ndarray:
        tr = self.trace
        return gru_cell_backward(self.dh, tr.gates, tr.hn, tr.h_prev)[0]

    @cached_property
    def dh_direct(self) -> np.ndarray:
        return direct_path(self.dh, self.trace.z)

    def dgate(self, name: str) -> np.ndarray:
        """One block of ``dgates`` over time: ``δr``, ``δz`` or ``δn``, (T, B, H)."""
        return self.dgates[..., gru_gate_slice(name, self.dh.shape[-1])]

    def parameter_grads(self) -> dict[str, np.ndarray]:
        """``{"W_x": dW_x, "W_h": dW_h, "b_x": db_x, "b_h": db_h}``, keyed like :class:`GRUParams`."""
        return {"W_x": self.dW_x, "W_h": self.dW_h, "b_x": self.db_x, "b_h": self.db_h}


def gru_forward(params: GRUParams, x, h0=None) -> GRUTrace:
    """Run the GRU over a sequence.

    Parameters
    ----------
    params : GRUParams with ``W_x`` (3H, D), ``W_h`` (3H, H), ``b_x``, ``b_h`` (3H,)
    x : (T, B, D) a batch of sequences, or (T, D) one sequence; axis 0 is time
    h0 : (B, H) or (H,) initial ``h_0``; zeros if None

    Returns
    -------
    GRUTrace with ``h`` of shape (T, B, H) (or (T, H)), the gates and what
    :func:`gru_backward` needs.
    """
    _check_gru_params(params)
    x = as_float_array("x", x, ndim=(2, 3))  # (T, B, D) or (T, D)
    D, H = params.input_size, params.hidden_size
    if x.shape[-1] != D:
        raise ValueError(f"x must have D = {D} features on its last axis (W_x has {D} columns), got shape {x.shape}")
    batched = x.ndim == 3
    h0 = array_or_zeros("h0", h0, x.shape[1:-1] + (H,), "batch size of x, H units" if batched else "H units")
    x_batch = x if batched else x[:, None]  # (T, B, D): one sequence is a batch of one
    h = h0 if batched else h0[None]  # (B, H)
    T, B, _ = x_batch.shape

    zx = (x_batch.reshape(T * B, D) @ params.W_x.T + params.b_x).reshape(T, B, 3 * H)  # W_x x_t + b_x, all steps
    gates, hn, h_all = np.empty((T, B, 3 * H)), np.empty((T, B, H)), np.empty((T, B, H))
    for t in range(T):
        zh = h @ params.W_h.T + params.b_h  # W_h h_{t-1} + b_h, (B, 3H)
        _, _, h = gru_cell_forward(zx[t], zh, h, out=(gates[t], hn[t], h_all[t]))

    if not batched:  # drop the batch axis of one
        gates, hn, h_all = gates[:, 0], hn[:, 0], h_all[:, 0]
    return GRUTrace(params=params, x=x.copy(), h0=h0.copy(), gates=gates, hn=hn, h=h_all)


def gru_backward(trace: GRUTrace, dh_loss, dh_next=None) -> GRUGrads:
    """Backpropagation through time in the GRU.

    Parameters
    ----------
    trace : GRUTrace from :func:`gru_forward`; it holds the parameters that made it
    dh_loss : (T, B, H) or (T, H), like ``trace.h``: ``g_t = ∂L/∂h_t``, the loss's direct
        term at each step (zero where the loss does not read ``h_t``)
    dh_next : (B, H) or (H,), what reaches ``h_T`` from beyond the sequence; zeros if None

    Returns
    -------
    GRUGrads with ``dW_x``, ``dW_h``, ``db_x``, ``db_h``, ``dx``, ``dh0`` and, per step,
    ``dh``, ``dZ``, ``dZh``, ``dgates`` and ``dh_direct``.
    """
    if not isinstance(trace, GRUTrace):
        raise TypeError(f"trace must be a GRUTrace from gru_forward, got {type(trace).__name__}")
    params = _check_gru_params(trace.params)
    dh_loss = as_float_array("dh_loss", dh_loss)
    check_shape("dh_loss", dh_loss, trace.h.shape, "like trace.h")
    dh_next = array_or_zeros("dh_next", dh_next, trace.h0.shape, "like trace.h0")  # (B, H) or (H,)

    x, h0, gates, hn, h = trace.x, trace.h0, trace.gates, trace.hn, trace.h
    if not trace.batched:  # one sequence: a batch of one, the axis dropped again at the end
        x, h0, gates, hn, h, dh_loss, dh_next = x[:, None], h0[None], gates[:, None], hn[:, None], h[:, None], \
            dh_loss[:, None], dh_next[None]
    T, B, D = x.shape
    H = params.hidden_size

    dh_all, dZ, dZh = np.empty((T, B, H)), np.empty((T, B, 3 * H)), np.empty((T, B, 3 * H))
    dgates = np.empty((B, 3 * H))  # [δr, δz, δn] of one step; GRUGrads derives them all later
    for t in reversed(range(T)):
        dh_t = np.add(dh_loss[t], dh_next, out=dh_all[t])  # δh_t = g_t + δh_next
        h_prev = h[t - 1] if t else h0
        _, _, dZh_t, dh_direct = gru_cell_backward(dh_t, gates[t], hn[t], h_prev, out=(dgates, dZ[t], dZh[t]))
        dh_next = dh_direct + dZh_t @ params.W_h  # δh_{t-1} from step t: z_t ⊙ δh_t + W_hᵀ δZh_t

    # Everything that only needs δZ_t and δZh_t, for all steps at once.
    dZ_rows, dZh_rows = dZ.reshape(T * B, 3 * H), dZh.reshape(T * B, 3 * H)
    h_prev_rows = np.concatenate([h0[None], h[:-1]]).reshape(T * B, H)  # h_{t-1} of every step and example
    dW_x = dZ_rows.T @ x.reshape(T * B, D)  # (3H, D): δW_x = Σ_t δZ_t x_tᵀ
    dW_h = dZh_rows.T @ h_prev_rows  # (3H, H): δW_h = Σ_t δZh_t h_{t-1}ᵀ
    db_x, db_h = dZ_rows.sum(axis=0), dZh_rows.sum(axis=0)  # δb_x = Σ_t δZ_t, δb_h = Σ_t δZh_t
    dx = dZ @ params.W_x  # (T, B, D): δx_t = W_xᵀ δZ_t

    if not trace.batched:  # drop the batch axis of one
        dx, dh_all, dZ, dh_next = dx[:, 0], dh_all[:, 0], dZ[:, 0], dh_next[0]
    return GRUGrads(trace=trace, dW_x=dW_x, dW_h=dW_h, db_x=db_x, db_h=db_h, dx=dx, dh0=dh_next, dh=dh_all, dZ=dZ)


__all__ = [
    "GRUGrads",
    "GRUParams",
    "GRUStepGrads",
    "GRUStepTrace",
    "GRUTrace",
    "GRU_GATE_ORDER",
    "gru_backward",
    "gru_forward",
    "gru_gate_slice",
    "gru_step_backward",
    "gru_step_forward",
    "init_gru_params",
]
