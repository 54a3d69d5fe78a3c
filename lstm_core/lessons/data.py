"""Toy sequence tasks, seeded and small enough to train on in seconds.

Each function returns ``(x, y)`` with time on axis 0: ``x`` of shape (T, B, D) and
targets ``y`` of shape (T, B, O).
"""

from __future__ import annotations

from importlib import resources
from typing import NamedTuple

import numpy as np

from .._checks import finite_real, positive_float, positive_int
from ..params import LSTMParams, init_params


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
    dh_loss: np.ndarray  #: (T, H) ``g_t = ∂L/∂h_t``, the direct term of the loss ``L = Σ_t g_t · h_t``


def lesson_problem(T: int = 12, input_size: int = 2, hidden_size: int = 3, seed: int = 0,
                   scale: float = 1.0, keep_bias: float = 0.0) -> LessonProblem:
    """Seeded weights, one input sequence and the gradient a loss sends into every ``h_t``.

    The loss is the simplest one that reads every output: ``L = Σ_t g_t · h_t`` for fixed
    random vectors ``g_t``, so that ``∂L/∂h_t = g_t`` (returned as ``dh_loss``). ``scale``
    multiplies the default weight range ``1/sqrt(H)``; ``keep_bias`` is the keep gate's
    bias ``b_f``.
    """
    T = positive_int("T", T)
    scale = positive_float("scale", scale)
    params = init_params(input_size, hidden_size, seed=seed, keep_bias=finite_real("keep_bias", keep_bias),
                         scale=scale / np.sqrt(positive_int("hidden_size", hidden_size)))
    rng = np.random.default_rng(seed + 1)
    x = rng.standard_normal((T, input_size))
    dh_loss = rng.standard_normal((T, hidden_size))  # g_t
    return LessonProblem(params, x, dh_loss)


def adding_problem(T: int = 20, batch_size: int = 32, seed: int = 0):
    """The adding problem (Hochreiter & Schmidhuber, 1997): add the two marked numbers.

    Each step's input is ``[value, marker]``: values uniform in [0, 1], and exactly two
    steps marked with 1, one in each half of the sequence. The target, read at the last
    step only, is the sum of the two marked values; predicting its mean (1.0) scores a
    mean squared error of about 1/6.

    Returns ``x`` (T, B, 2) and ``y`` (B, 1).
    """
    T = positive_int("T", T)
    batch_size = positive_int("batch_size", batch_size)
    if T < 2:
        raise ValueError(f"T must be at least 2 (one marked step in each half), got {T}")
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(T, batch_size))
    first = rng.integers(0, T // 2, size=batch_size)
    second = rng.integers(T // 2, T, size=batch_size)
    markers = np.zeros((T, batch_size))
    columns = np.arange(batch_size)
    markers[first, columns] = markers[second, columns] = 1.0
    y = (values[first, columns] + values[second, columns])[:, None]
    return np.stack([values, markers], axis=-1), y


#: The text shipped for character-level language modelling (see ``texts/README.md``).
TEXT_NAME = "coriolanus.txt"


def load_text(name: str = TEXT_NAME) -> str:
    """A public-domain text shipped with the package: Shakespeare's *Coriolanus*, Act I, Scene 1 (about 10 KB)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a file name in lstm_core/lessons/texts, got {type(name).__name__}")
    try:
        return resources.files("lstm_core.lessons").joinpath("texts", name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"name must be a text shipped in lstm_core/lessons/texts, got {name!r}") from None


class CharVocab:
    """The characters of a text, numbered: ``encode`` turns text into ids, ``decode`` back."""

    def __init__(self, text: str):
        if not isinstance(text, str) or not text:
            raise ValueError("text must be a non-empty string")
        self.chars = sorted(set(text))
        self.index = {c: k for k, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        unknown = sorted(set(text) - set(self.index))
        if unknown:
            raise ValueError(f"text has characters outside the vocabulary: {unknown[:5]}")
        return np.array([self.index[c] for c in text], dtype=np.int64)

    def decode(self, ids) -> str:
        return "".join(self.chars[int(k)] for k in np.ravel(ids))

    def one_hot(self, ids) -> np.ndarray:
        """(..., V) float one-hot rows for integer ``ids`` of any shape."""
        return np.eye(len(self))[np.asarray(ids)]


def char_batches(ids, T: int = 32, batch_size: int = 32, seed: int = 0):
    """A batch of random windows for next-character prediction.

    Returns ``inputs`` (T, B) and ``targets`` (T, B), integer ids: ``targets[t] =
    inputs[t + 1]``, each column a window starting at a random place in ``ids``.
    """
    ids = np.asarray(ids)
    T = positive_int("T", T)
    batch_size = positive_int("batch_size", batch_size)
    if ids.ndim != 1 or len(ids) <= T + 1:
        raise ValueError(f"ids must be a 1-D sequence longer than T + 1 = {T + 1}, got shape {ids.shape}")
    starts = np.random.default_rng(seed).integers(0, len(ids) - T - 1, size=batch_size)
    windows = ids[starts[None, :] + np.arange(T + 1)[:, None]]
    return windows[:-1], windows[1:]


class TextStreams:
    """Batches that walk a text in order, for truncated backpropagation through time.

    The text is cut into ``batch_size`` equal streams, read side by side in windows of
    ``T`` characters: column ``b`` of batch ``k + 1`` is the window that follows column
    ``b`` of batch ``k``, so a model can carry its ``h`` and ``S`` from one batch to the
    next. After :attr:`windows` batches every stream is read and the pass starts again.

    ``streams(k)`` returns ``inputs`` (T, B) and ``targets`` (T, B), integer ids, with
    ``targets[t] = inputs[t + 1]`` as in :func:`char_batches`.
    """

    def __init__(self, ids, T: int = 32, batch_size: int = 32):
        ids = np.asarray(ids)
        self.T = positive_int("T", T)
        self.batch_size = positive_int("batch_size", batch_size)
        stream_length = (len(ids) - 1) // self.batch_size if ids.ndim == 1 else 0  # characters each stream reads
        if stream_length < self.T:
            raise ValueError(f"ids must be a 1-D sequence of at least T · batch_size + 1 = "
                             f"{self.T * self.batch_size + 1} ids, got shape {ids.shape}")
        self.ids = ids
        self.windows = stream_length // self.T  #: batches in one pass through the text
        self.starts = np.arange(self.batch_size) * stream_length  # where each stream begins

    def __call__(self, step: int):
        k = step % self.windows
        positions = self.starts[None, :] + k * self.T + np.arange(self.T + 1)[:, None]  # (T+1, B)
        window = self.ids[positions]
        return window[:-1], window[1:]


__all__ = ["CharVocab", "LessonProblem", "TEXT_NAME", "TextStreams", "adding_problem", "char_batches", "echo_task",
           "lesson_problem", "load_text"]
