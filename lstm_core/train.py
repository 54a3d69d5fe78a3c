"""A training loop for the engine's recurrent layers, and text sampling.

One training step is the whole lesson in order: forward through time, a read-out,
the loss, backward through the read-out and through time, optional gradient-norm
clipping, and the optimizer's update. :func:`train` repeats it; :func:`sample_text`
lets a trained character model write.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np

from ._checks import positive_float, positive_int
from .losses import mse_loss, softmax, softmax_cross_entropy
from .optim import Optimizer, clip_grad_norm, grad_norm
from .params import LSTMParams
from .readout import ReadoutParams, readout_backward, readout_forward
from .rnn import RNNParams, rnn_backward, rnn_forward
from .sequence import lstm_backward, lstm_forward


def _layer(params):
    if isinstance(params, LSTMParams):
        return lstm_forward, lstm_backward
    if isinstance(params, RNNParams):
        return rnn_forward, rnn_backward
    raise TypeError(f"params must be an LSTMParams or an RNNParams, got {type(params).__name__}")


@dataclass
class History:
    """What :func:`train` returns: the final parameters and a record of every step."""

    params: LSTMParams | RNNParams
    readout: ReadoutParams
    losses: list[float] = field(default_factory=list)
    grad_norms: list[float] = field(default_factory=list)  #: before clipping
    seconds: float = 0.0
    diverged_at: int | None = None  #: the step whose gradient overflowed, if training broke down


def _forward_and_loss(params, readout, x, y, loss: str, state=None):
    """The forward pass, the read-out and the loss: ``(value, dout, trace, h, last_only)``."""
    forward, _ = _layer(params)
    trace = forward(params, x, **(state or {}))
    last_only = loss == "mse" and np.ndim(y) == 2
    h = trace.h[-1] if last_only else trace.h
    out = readout_forward(readout, h)
    if loss == "mse":
        value, dout = mse_loss(out, y)
    elif loss == "xent":
        value, dout = softmax_cross_entropy(out, y)
    else:
        raise ValueError(f"loss must be 'mse' or 'xent', got {loss!r}")
    return value, dout, trace, h, last_only


def training_step(params, readout, x, y, loss: str = "mse"):
    """Forward, loss and backward for one batch; returns ``(loss_value, layer_grads, readout_grads)``.

    ``x`` is (T, B, D). For ``loss="mse"``, ``y`` is (T, B, O) (a target at every step)
    or (B, O) (a target at the last step only); for ``loss="xent"``, ``y`` holds integer
    classes, (T, B).
    """
    value, layer_grads, readout_grads, _ = _step(params, readout, x, y, loss)
    return value, layer_grads, readout_grads


def _step(params, readout, x, y, loss: str, state=None):
    """:func:`training_step` from the initial ``state`` (``h0``, ``s0``; zeros if None), also returning the trace."""
    _, backward = _layer(params)
    value, dout, trace, h, last_only = _forward_and_loss(params, readout, x, y, loss, state)
    readout_grads = readout_backward(readout, h, dout)
    dh = readout_grads.dh  # the loss reads every step ...
    if last_only:  # ... or only the last
        dh = np.zeros_like(trace.h)
        dh[-1] = readout_grads.dh
    # The gradient stops at the window's first step: nothing flows into h0 or s0 (the truncation).
    return value, backward(trace, dh), readout_grads, trace


def evaluate(params, readout, x, y, loss: str = "mse") -> float:
    """The loss on one batch, forward only: for held-out data (arguments as for :func:`training_step`).

    Every sequence starts from ``h = S = 0``; to read a long text with the state carried
    all the way, pass it as one long sequence, ``x`` of shape (T, 1, D).
    """
    return _forward_and_loss(params, readout, x, y, loss)[0]


def train(task, params, readout: ReadoutParams, optimizer: Optimizer, steps: int, loss: str = "mse",
          clip: float | None = None, progress=True, on_log=None, log_every: int = 100,
          carry_state: int | None = None) -> History:
    """Train ``params`` (an LSTM or RNN layer) and ``readout`` for ``steps`` optimizer steps.

    Parameters
    ----------
    task : function ``step -> (x, y)`` giving the batch for each step (see :func:`training_step`)
    optimizer : an :mod:`lstm_core.optim` optimizer (SGD, Momentum, Adam)
    loss : ``"mse"`` or ``"xent"`` (softmax cross-entropy on integer targets)
    clip : if given, rescale the gradient whenever its norm exceeds ``clip``
    progress : how to show progress. ``True``: a one-line text bar that updates in place
        (:class:`TextBar`); a progress-bar class such as ``tqdm.auto.tqdm`` (called as
        ``progress(total=steps)``; it needs ``update``, ``set_postfix`` and ``close``), to
        show a notebook's own bar without the engine importing widget code; ``False``: nothing
    on_log : called as ``on_log(step, history)`` every ``log_every`` steps and at the end
    carry_state : ``None``: every batch starts from ``h = S = 0``. A number ``n``: truncated
        backpropagation through time. Each batch starts from the ``h`` and ``S`` the previous
        batch ended with (the forward pass flows on; the gradient stops at the window's
        edge), and from zeros again every ``n`` steps, when ``task`` starts a new pass
        through its data (for :class:`~lstm_core.lessons.data.TextStreams`, ``n = streams.windows``)

    Returns a :class:`History`; the arguments are not changed. If a gradient overflows
    (inf or nan), training stops there and ``History.diverged_at`` says at which step.
    """
    if not callable(task):
        raise TypeError(f"task must be a function step -> (x, y), got {type(task).__name__}")
    _layer(params)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an lstm_core optimizer (SGD, Momentum, Adam), got {type(optimizer).__name__}")
    steps = positive_int("steps", steps)
    log_every = positive_int("log_every", log_every)
    if clip is not None:
        clip = positive_float("clip", clip)
    if carry_state is not None:
        carry_state = positive_int("carry_state", carry_state)
    history = History(params, readout)
    bar = None
    if progress:
        bar = (TextBar if progress is True else progress)(total=steps)
    start = time.perf_counter()
    state = None
    for step in range(steps):
        x, y = task(step)
        if carry_state is not None and step % carry_state == 0:
            state = None  # a new pass through the data starts from zero
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is caught just below
            value, layer_grads, readout_grads, trace = _step(history.params, history.readout, x, y, loss, state)
            grads = (layer_grads, readout_grads)
            norm = grad_norm(grads)
        if carry_state is not None:
            state = _final_state(trace)
        history.grad_norms.append(norm)
        history.losses.append(value)
        if not np.isfinite(norm) or not np.isfinite(value):  # overflow: no update can use this
            history.diverged_at = step
            break
        if clip is not None:
            grads, _ = clip_grad_norm(grads, clip)
        history.params, history.readout = optimizer.step((history.params, history.readout), grads)
        done = step + 1
        if bar is not None:
            bar.set_postfix(loss=f"{value:.3f}", refresh=False)
            bar.update(1)
        if on_log is not None and (done % log_every == 0 or done == steps):
            on_log(done, history)
    history.seconds = time.perf_counter() - start
    if bar is not None:
        bar.close()
    return history


class TextBar:
    """A one-line progress bar for a plain terminal, redrawn in place 20 times in all.

    It has the part of ``tqdm``'s interface that :func:`train` uses (``update``,
    ``set_postfix``, ``close``), so either can show a run's progress.
    """

    def __init__(self, total: int, width: int = 30):
        self.total, self.width, self.done, self.postfix = total, width, 0, {}

    def set_postfix(self, refresh: bool = True, **values) -> None:
        self.postfix = values

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.done % max(1, self.total // 20) == 0 or self.done == self.total:
            filled = int(self.width * self.done / self.total)
            extra = "".join(f"  {name} {value}" for name, value in self.postfix.items())
            sys.stdout.write(f"\r[{'█' * filled}{'·' * (self.width - filled)}] step {self.done}/{self.total}{extra}")
            sys.stdout.flush()

    def close(self) -> None:
        sys.stdout.write("\n")


def with_temperature(scores, temperature: float) -> np.ndarray:
    """``softmax(y / τ)``: the scores' probabilities, sharpened (τ < 1) or flattened (τ > 1).

    τ = 1 gives the model's own distribution; τ → 0 puts everything on the largest score;
    τ → ∞ makes every character equally likely.
    """
    temperature = positive_float("temperature", temperature)
    return softmax(np.asarray(scores, dtype=float) / temperature)


def next_char_distribution(params, readout: ReadoutParams, vocab, prompt: str, temperature: float = 1.0) -> np.ndarray:
    """(V,) probabilities of the character after ``prompt``, at ``temperature``."""
    forward, _ = _layer(params)
    if not isinstance(prompt, str) or not prompt:
        raise ValueError("prompt must be a non-empty string")
    trace = forward(params, vocab.one_hot(vocab.encode(prompt))[:, None])  # (T, 1, ·): the prompt, read in full
    return with_temperature(readout_forward(readout, trace.h[-1, 0]), temperature)


def sample_text(params: LSTMParams, readout: ReadoutParams, vocab, start: str, length: int = 200,
                temperature: float = 0.8, seed: int = 0) -> str:
    """Let a character-level model write: ``start``, then ``length`` sampled characters.

    Each step feeds the last character (one-hot) and carries ``h`` and ``S`` on; the
    next character is drawn from :func:`with_temperature` of the read-out's scores, so
    ``temperature`` below 1 makes the choice greedier.
    """
    forward, _ = _layer(params)
    length = positive_int("length", length)
    temperature = positive_float("temperature", temperature)
    if not isinstance(start, str) or not start:
        raise ValueError("start must be a non-empty string")
    rng = np.random.default_rng(seed)
    ids = list(vocab.encode(start))
    state = {}
    if len(ids) > 1:  # read the prompt, all but its last character, which the loop feeds
        state = _final_state(forward(params, vocab.one_hot(ids[:-1])[:, None]))
    for _ in range(length):
        trace = forward(params, vocab.one_hot(ids[-1:])[:, None], **state)
        state = _final_state(trace)
        p = with_temperature(readout_forward(readout, trace.h[-1, 0]), temperature)
        ids.append(int(rng.choice(len(vocab), p=p)))
    return vocab.decode(ids)


def _final_state(trace) -> dict:
    state = {"h0": trace.h[-1]}
    if hasattr(trace, "s"):
        state["s0"] = trace.s[-1]
    return state


__all__ = ["History", "TextBar", "evaluate", "next_char_distribution", "sample_text", "train", "training_step", "with_temperature"]
