"""Toy sequence tasks, seeded and small enough to train on in seconds.

Each function returns ``(x, y)`` with time on axis 0: ``x`` of shape (T, B, D) and
targets ``y`` of shape (T, B, O).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import finite_real, positive_float, positive_int
from .params import LSTMParams, init_params


def echo_task(T: int = 20, batch_size: int = 32, delay: int = 3, seed: int = 0):
    """Repeat the input ``delay`` steps later: ``y_t = x_{t-delay}``, and 0 before that.

    Inputs are random ±1, so the only way to predict ``y_t`` is to remember ``x`` for
    ``delay`` steps: the network must carry information through its cell state.

    Returns ``x`` (T, B, 1) and ``y`` (T, B, 1).
    """
    T = positive_int("T", T)
    batch_size = positive_int("batch_size", batch_size)
    delay = positive_int("delay", delay)
    if delay >= T:
        raise ValueError(f"delay must be smaller than T={T}, got {delay}")
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], size=(T, batch_size, 1))
    y = np.zeros_like(x)
    y[delay:] = x[:-delay]
    return x, y


class LessonProblem(NamedTuple):
    """The small problem notebooks 01–04 and their widgets share."""

    params: LSTMParams  #: W (4H, D+H) and b (4H,)
    x: np.ndarray  #: (T, D) one input sequence
    dh: np.ndarray  #: (T, H) ``∂L/∂h_t`` of the loss ``L = Σ_t dh_t · h_t``


def lesson_problem(T: int = 12, input_size: int = 2, hidden_size: int = 3, seed: int = 0,
                   scale: float = 1.0, keep_bias: float = 0.0) -> LessonProblem:
    """Seeded weights, one input sequence and the gradient a loss sends into every ``h_t``.

    The loss is the simplest one that reads every output: ``L = Σ_t g_t · h_t`` for fixed
    random vectors ``g_t``, so that ``∂L/∂h_t = g_t`` (returned as ``dh``). ``scale``
    multiplies the default weight range ``1/sqrt(H)``; ``keep_bias`` is the keep gate's
    bias ``b_f``.
    """
    T = positive_int("T", T)
    scale = positive_float("scale", scale)
    params = init_params(input_size, hidden_size, seed=seed, keep_bias=finite_real("keep_bias", keep_bias),
                         scale=scale / np.sqrt(positive_int("hidden_size", hidden_size)))
    rng = np.random.default_rng(seed + 1)
    x = rng.standard_normal((T, input_size))
    dh = rng.standard_normal((T, hidden_size))
    return LessonProblem(params, x, dh)


__all__ = ["LessonProblem", "echo_task", "lesson_problem"]
