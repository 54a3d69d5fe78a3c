"""Axis and colour ranges that snap to round numbers, so that a slider's small moves leave them be."""

from __future__ import annotations

import numpy as np

from .explosions import clip_exploded


def nice_limit(value: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 5, 7 (times a power of ten) that is at least ``value``.

    Axis ranges snap to these, so that small changes of a slider leave the axes (and
    their tick labels) as they are, and only the data moves.
    """
    if not np.isfinite(value) or value <= 0:
        return 1.0
    decade = 10.0 ** np.floor(np.log10(value))
    for step in (1, 1.5, 2, 3, 5, 7, 10):
        if step * decade >= value * (1 - 1e-12):
            return float(step * decade)
    return float(10 * decade)  # pragma: no cover - the loop always returns


def symmetric_limit(values, floor: float = 1e-12) -> float:
    """A little more than the largest size in ``values`` (what exploded counts as its clip)."""
    finite = np.abs(clip_exploded(values))
    return max(float(finite.max(initial=0.0)) * 1.08, floor)


def colour_limit(*arrays) -> float:
    """The one rounded ``±limit`` that a still figure and its widget both use for the same data."""
    return nice_limit(symmetric_limit(np.concatenate([np.ravel(a) for a in arrays])))


__all__ = ["colour_limit", "nice_limit", "symmetric_limit"]
