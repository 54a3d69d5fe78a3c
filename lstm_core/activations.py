"""The two squashing functions of an LSTM and their derivatives.

The derivatives are written in terms of the function's *output*, as the backward
equations use them: ``σ'(z) = σ(z)(1 - σ(z))`` and ``tanh'(z) = 1 - tanh²(z)``.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array


def sigmoid(z, out: np.ndarray | None = None) -> np.ndarray:
    """σ(z) = 1 / (1 + e^{-z}), computed as 0.5 · (1 + tanh(z/2)).

    The tanh form never overflows and never warns, for any finite ``z``; its error is
    below 1e-16 in absolute terms (for z far below 0, where σ(z) is tiny, ``1 + tanh``
    cancels and the *relative* error grows, which no gradient here notices). With ``out``
    (a float64 array shaped like ``z``) the result is written there, with no temporaries.
    A plain number gives a plain float. Anything but a float64 array is checked and
    converted first, so text or ``None`` raises a ``TypeError`` naming ``z``.
    """
    if not (isinstance(z, np.ndarray) and z.dtype == np.float64):
        z = as_float_array("z", z)
    if out is None and z.ndim == 0:  # a plain number: numpy scalars cannot be written in place
        return float(0.5 * (1.0 + np.tanh(0.5 * z)))
    out = np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def sigmoid_grad_from_output(y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """dσ/dz at the point where σ(z) = y: ``y (1 - y)``."""
    out = np.subtract(1.0, y, out=out)
    out *= y
    return out


def tanh_grad_from_output(y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """d tanh/dz at the point where tanh(z) = y: ``1 - y²``."""
    out = np.multiply(y, y, out=out)
    np.subtract(1.0, out, out=out)
    return out
