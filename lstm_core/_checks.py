"""Input validation shared by every public function.

Each helper raises ``TypeError`` (not numbers at all) or ``ValueError`` (numbers of
the wrong shape or value) with a message that names the argument and says what was
expected. None of them writes into the array it is given.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(name: str, value, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``value`` as a finite float64 array, or raise naming ``name``.

    ``ndim`` is the number of dimensions expected (an int or a tuple of allowed ints).
    The result may share memory with ``value``; callers must not write into it.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of real numbers, got {type(value).__name__}")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged nested lists, for example
        raise TypeError(f"{name} must be an array of real numbers: {error}") from None
    if array.dtype.kind not in "iuf":  # signed or unsigned integers, or floats: not bool, complex, text, objects
        raise TypeError(f"{name} must be an array of real numbers, got dtype {array.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {wanted} dimensions, got shape {array.shape}")
    if 0 in array.shape:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    array = array.astype(np.float64, copy=False)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or inf")
    return array


def check_shape(name: str, array: np.ndarray, shape: tuple[int, ...], meaning: str = "") -> None:
    """Raise ``ValueError`` unless ``array.shape == shape``."""
    if array.shape != tuple(shape):
        hint = f" ({meaning})" if meaning else ""
        raise ValueError(f"{name} must have shape {tuple(shape)}{hint}, got {array.shape}")


def array_or_zeros(name: str, value, shape: tuple[int, ...], meaning: str = "") -> np.ndarray:
    """``value`` checked to be a finite array of ``shape``, or zeros of that shape if None."""
    if value is None:
        return np.zeros(shape)
    value = as_float_array(name, value)
    check_shape(name, value, shape, meaning)
    return value


def positive_int(name: str, value) -> int:
    """Return ``value`` as an int if it is a positive integer, or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def finite_real(name: str, value) -> float:
    """Return ``value`` as a float if it is a finite real number, or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def positive_float(name: str, value, allow_zero: bool = False) -> float:
    """Return ``value`` as a float if it is a finite positive number, or raise."""
    value = finite_real(name, value)
    low_ok = value >= 0 if allow_zero else value > 0
    if not low_ok:
        bound = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a finite {bound} number, got {value}")
    return value


def fraction(name: str, value) -> float:
    """Return ``value`` as a float in [0, 1), or raise naming ``name``."""
    value = positive_float(name, value, allow_zero=True)
    if value >= 1:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return value
