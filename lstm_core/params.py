"""The LSTM's weights: one stacked matrix ``W = [W_x | W_h]`` and one bias ``b``.

Rows of ``W`` (and entries of ``b``) come in four blocks of ``H``, in the gate order
``a, i, f, o``: candidate, input gate, keep (forget) gate, output gate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, finite_real, positive_float, positive_int

GATE_ORDER = ("a", "i", "f", "o")
"""Order of the gate blocks in ``Z``, ``W`` and ``b``: candidate, input, keep, output."""


def block_slice(gate: str, order: tuple[str, ...], hidden_size: int) -> slice:
    """The ``hidden_size`` rows of gate ``gate`` in weights stacked by gate in ``order``."""
    if gate not in order:
        raise ValueError(f"gate must be one of {order}, got {gate!r}")
    k = order.index(gate)
    return slice(k * hidden_size, (k + 1) * hidden_size)


def gate_slice(gate: str, hidden_size: int) -> slice:
    """The rows of ``W`` (or entries of ``b``, or columns of ``Z``) that belong to ``gate``.

    >>> gate_slice("f", 3)
    slice(6, 9, None)
    """
    return block_slice(gate, GATE_ORDER, hidden_size)


def check_stacked_weights(W, b, blocks: int, rows: str, note: str = "") -> tuple[np.ndarray, np.ndarray]:
    """``W`` (blocks·H, D+H) and ``b`` (blocks·H,) checked and copied, or a ValueError naming which.

    ``rows`` names W's number of rows in the messages ("4·H", "H"); ``note`` may explain it.
    """
    W = as_float_array("W", W, ndim=2)
    b = as_float_array("b", b, ndim=1)
    n_rows, cols = W.shape
    if n_rows % blocks:
        raise ValueError(f"W must have {rows} rows{note}, got {n_rows} rows")
    hidden = n_rows // blocks
    if cols <= hidden:
        raise ValueError(
            f"W must have D+H columns with D >= 1 (here H = {hidden}, so more than "
            f"{hidden} columns), got {cols}"
        )
    if b.shape != (n_rows,):
        raise ValueError(f"b must have shape ({n_rows},) to match W's {rows} rows, got {b.shape}")
    return W.copy(), b.copy()


class StackedWeights:
    """``W = [W_x | W_h]`` with ``BLOCKS`` row blocks of H rows each, and the sizes it implies."""

    BLOCKS = 1

    @property
    def hidden_size(self) -> int:
        """H, the number of units."""
        return self.W.shape[0] // self.BLOCKS

    @property
    def input_size(self) -> int:
        """D, the size of each input vector ``x_t``."""
        return self.W.shape[1] - self.hidden_size

    @property
    def W_x(self) -> np.ndarray:
        """(BLOCKS·H, D) block of ``W`` that multiplies ``x_t``."""
        return self.W[:, : self.input_size]

    @property
    def W_h(self) -> np.ndarray:
        """(BLOCKS·H, H) block of ``W`` that multiplies ``h_{t-1}``."""
        return self.W[:, self.input_size :]


@dataclass(frozen=True, eq=False)
class LSTMParams(StackedWeights):
    """Weights of one LSTM layer.

    Attributes
    ----------
    W : (4H, D+H) array
        Stacked weights ``[W_x | W_h]``; row blocks in the order ``a, i, f, o``.
    b : (4H,) array
        Stacked biases, same block order.

    The arrays are copied on construction, so later changes to the arrays you passed
    in do not change the parameters (and nothing here ever writes into yours).
    """

    BLOCKS = 4

    W: np.ndarray
    b: np.ndarray

    def __post_init__(self):
        W, b = check_stacked_weights(self.W, self.b, 4, "4·H", " (four gate blocks a, i, f, o)")
        object.__setattr__(self, "W", W)
        object.__setattr__(self, "b", b)

    @classmethod
    def from_checked(cls, W: np.ndarray, b: np.ndarray) -> LSTMParams:
        """Parameters around arrays that are already checked float arrays: no check, no copy.

        For the engine's own loops (the finite differences of :mod:`lstm_core.gradcheck` build
        one per probe); what comes from a caller goes through ``LSTMParams(W, b)``.
        """
        params = object.__new__(cls)
        object.__setattr__(params, "W", W)
        object.__setattr__(params, "b", b)
        return params

    def gate(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows of ``W`` and entries of ``b`` for one gate (``"a"``, ``"i"``, ``"f"``, ``"o"``)."""
        rows = gate_slice(name, self.hidden_size)
        return self.W[rows], self.b[rows]


# ------------------------------------------------ checks shared by the LSTM and the RNN


def check_params(params, kind: type = LSTMParams):
    """Return ``params`` if it is a ``kind`` (:class:`LSTMParams` by default), or raise a ``TypeError``."""
    if not isinstance(params, kind):
        raise TypeError(f"params must be an {kind.__name__}, got {type(params).__name__}")
    return params


def check_input(params: StackedWeights, x) -> np.ndarray:
    """``x`` as a float array, (T, B, D) for a batch or (T, D) for one sequence, with W's D."""
    x = as_float_array("x", x, ndim=(2, 3))
    D = params.input_size
    if x.shape[-1] != D:
        raise ValueError(f"x must have D = {D} features on its last axis (W has {D} input columns), "
                         f"got shape {x.shape}")
    return x


def check_trace(trace, kind: type, forward: str) -> None:
    """Raise a ``TypeError`` unless ``trace`` is a ``kind``, the record ``forward`` returns.

    The trace holds the parameters that produced it (``trace.params``), so the backward
    pass takes them from there and never from a second argument that could disagree.
    """
    if not isinstance(trace, kind):
        raise TypeError(f"trace must be an {kind.__name__} from {forward}, got {type(trace).__name__}")


def init_params(
    input_size: int,
    hidden_size: int,
    seed: int = 0,
    keep_bias: float = 0.0,
    scale: float | None = None,
) -> LSTMParams:
    """Random LSTM weights, reproducible from ``seed``.

    ``W`` is drawn uniformly from ``[-scale, scale]`` with ``scale = 1/sqrt(H)`` by
    default (as PyTorch does); ``b`` is zero except the keep gate's block, which is
    ``keep_bias`` (a positive value such as 1.0 helps training remember; keep it 0 for
    the article's linear simplification, in which every bias is zero: ``b = 0``).

    Returns an :class:`LSTMParams` with ``W`` of shape (4H, D+H) and ``b`` of shape (4H,).
    """
    D = positive_int("input_size", input_size)
    H = positive_int("hidden_size", hidden_size)
    scale = 1.0 / np.sqrt(H) if scale is None else positive_float("scale", scale, allow_zero=True)
    keep_bias = finite_real("keep_bias", keep_bias)
    rng = np.random.default_rng(seed)
    W = rng.uniform(-scale, scale, size=(4 * H, D + H))
    b = np.zeros(4 * H)
    b[gate_slice("f", H)] = keep_bias
    return LSTMParams(W, b)
