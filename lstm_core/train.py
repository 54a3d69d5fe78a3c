"""A training loop for the engine's recurrent layers, and text sampling.

One training step is the whole lesson in order: forward through time from a state, a
read-out, the loss, backward through the read-out and through time, optional
gradient-norm clipping, and the optimizer's update. :func:`train` repeats it;
:func:`sample_text` lets a trained character model write.

The loop knows a recurrent layer only through :class:`Layer` (a zero state, forward,
backward), and a task only through :class:`Task` (the batch for each step). The state
that flows from one window to the next is explicit: a :class:`State`, ``(h, S)``.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

import numpy as np

from ._checks import positive_float, positive_int
from .losses import mse_loss, softmax, softmax_cross_entropy
from .optim import Optimizer, clip_grad_norm, grad_norm
from .params import LSTMParams
from .readout import ReadoutGrads, ReadoutParams, readout_backward, readout_forward
from .rnn import RNNParams, rnn_backward, rnn_forward
from .sequence import lstm_backward, lstm_forward


class State(NamedTuple):
    """What a recurrent layer carries from one step (or window) to the next: ``h``, and the LSTM's cell state ``S``.

    Each is (B, H) for a batch, (H,) for one sequence; an RNN has no ``S`` (None).
    """

    h: np.ndarray
    S: np.ndarray | None = None


class Layer(Protocol):
    """What :func:`train` needs of a recurrent layer."""

    def zero_state(self, params, x) -> State:
        """``h = S = 0``, shaped for the inputs ``x`` (T, B, D) or (T, D)."""

    def forward(self, params, x, state: State) -> tuple:
        """Run over ``x`` from ``state``: ``(trace, the state after the last step)``."""

    def backward(self, trace, dh):
        """Backpropagation through ``trace`` for ``dh = ∂L/∂h_t``; nothing flows on into the initial state."""


class LSTMLayer:
    """The LSTM (:func:`~lstm_core.sequence.lstm_forward`) as a :class:`Layer`: its state is ``(h, S)``."""

    def zero_state(self, params: LSTMParams, x) -> State:
        shape = np.shape(x)[1:-1] + (params.hidden_size,)
        return State(h=np.zeros(shape), S=np.zeros(shape))

    def forward(self, params: LSTMParams, x, state: State):
        trace = lstm_forward(params, x, h0=state.h, s0=state.S)
        return trace, State(h=trace.h[-1], S=trace.s[-1])

    def backward(self, trace, dh):
        return lstm_backward(trace, dh)


class RNNLayer:
    """The plain RNN (:func:`~lstm_core.rnn.rnn_forward`) as a :class:`Layer`: its state is ``h`` alone."""

    def zero_state(self, params: RNNParams, x) -> State:
        return State(h=np.zeros(np.shape(x)[1:-1] + (params.hidden_size,)))

    def forward(self, params: RNNParams, x, state: State):
        trace = rnn_forward(params, x, h0=state.h)
        return trace, State(h=trace.h[-1])

    def backward(self, trace, dh):
        return rnn_backward(trace, dh)


#: the layer that runs each kind of parameters
LAYERS: dict[type, Layer] = {LSTMParams: LSTMLayer(), RNNParams: RNNLayer()}


def layer_for(params) -> Layer:
    """The :class:`Layer` that runs ``params`` (an LSTMParams or an RNNParams)."""
    try:
        return LAYERS[type(params)]
    except KeyError:
        raise TypeError(f"params must be an LSTMParams or an RNNParams, got {type(params).__name__}") from None


class Task(Protocol):
    """What :func:`train` needs of a task: the batch ``(x, y)`` for each step (see :func:`training_step`)."""

    def __call__(self, step: int) -> tuple[np.ndarray, np.ndarray]: ...


#: each loss: ``(scores, targets) -> (value, ∂value/∂scores)``
LOSSES = {"mse": mse_loss, "xent": softmax_cross_entropy}


@dataclass
class History:
    """What :func:`train` returns: the final parameters and a record of every step."""

    params: LSTMParams | RNNParams
    readout: ReadoutParams
    losses: list[float] = field(default_factory=list)
    grad_norms: list[float] = field(default_factory=list)  #: before clipping
    seconds: float = 0.0
    diverged_at: int | None = None  #: the step whose gradient overflowed, if training broke down


class Step(NamedTuple):
    """What :func:`training_step` returns."""

    loss: float
    grads: object  #: the layer's gradients (LSTMGrads or RNNGrads)
    readout_grads: ReadoutGrads
    state: State  #: the state after the batch's last step, for a next batch that continues it


def _forward_and_loss(params, readout, x, y, loss: str, state: State | None):
    """Forward from ``state`` (zeros if None), read-out and loss: ``(value, dout, trace, h, final state)``."""
    layer = layer_for(params)
    trace, final = layer.forward(params, x, layer.zero_state(params, x) if state is None else state)
    h = trace.h[-1] if _last_only(y, loss) else trace.h
    value, dout = _loss_function(loss)(readout_forward(readout, h), y)
    return value, dout, trace, h, final


def _loss_function(loss: str):
    try:
        return LOSSES[loss]
    except KeyError:
        raise ValueError(f"loss must be 'mse' or 'xent', got {loss!r}") from None


def _last_only(y, loss: str) -> bool:
    """Whether the loss reads the last step only: ``mse`` with targets (B, O)."""
    return loss == "mse" and np.ndim(y) == 2


def training_step(params, readout, x, y, loss: str = "mse", state: State | None = None) -> Step:
    """Forward from ``state``, loss and backward for one batch: a :class:`Step`.

    ``x`` is (T, B, D). For ``loss="mse"``, ``y`` is (T, B, O) (a target at every step)
    or (B, O) (a target at the last step only); for ``loss="xent"``, ``y`` holds integer
    classes, (T, B). ``state`` is where the batch starts (``h = S = 0`` if None); the
    gradient stops there: nothing flows into it (the truncation of truncated BPTT).
    """
    value, dout, trace, h, final = _forward_and_loss(params, readout, x, y, loss, state)
    readout_grads = readout_backward(readout, h, dout)
    dh = readout_grads.dh  # the loss reads every step ...
    if _last_only(y, loss):  # ... or only the last
        dh = np.zeros_like(trace.h)
        dh[-1] = readout_grads.dh
    return Step(value, layer_for(params).backward(trace, dh), readout_grads, final)


def evaluate(params, readout, x, y, loss: str = "mse") -> float:
    """The loss on one batch, forward only: for held-out data (arguments as for :func:`training_step`).

    Every sequence starts from ``h = S = 0``; to read a long text with the state carried
    all the way, pass it as one long sequence, ``x`` of shape (T, 1, D).
    """
    return _forward_and_loss(params, readout, x, y, loss, None)[0]


def train(task: Task, params, readout: ReadoutParams, optimizer: Optimizer, steps: int, *, loss: str = "mse",
          clip: float | None = None, reset_state_every: int = 1, progress=True, on_log=None,
          log_every: int = 100) -> History:
    """Train ``params`` (an LSTM or RNN layer) and ``readout`` for ``steps`` optimizer steps.

    Parameters
    ----------
    task : a :class:`Task`, ``step -> (x, y)``: the batch for each step (see :func:`training_step`)
    optimizer : an :mod:`lstm_core.optim` optimizer (SGD, Momentum, Adam)
    loss : ``"mse"`` or ``"xent"`` (softmax cross-entropy on integer targets)
    clip : if given, rescale the gradient whenever its norm exceeds ``clip``
    reset_state_every : start from ``h = S = 0`` at every ``n``-th step; between resets each
        batch starts from the state the previous one ended in (the forward pass flows on,
        the gradient stops at the window's edge: truncated backpropagation through time).
        1, the default, starts every batch from zero; for batches that walk a text in order,
        pass the number of batches in one pass (``TextStreams.windows`` in the lessons).
    progress : how to show progress. ``True``: a one-line text bar that updates in place
        (:class:`TextBar`); a progress-bar class such as ``tqdm.auto.tqdm`` (called as
        ``progress(total=steps)``; it needs ``update``, ``set_postfix`` and ``close``), to
        show a notebook's own bar without the engine importing widget code; ``False``: nothing
    on_log : called as ``on_log(step, history)`` every ``log_every`` steps and at the end

    Returns a :class:`History`; the arguments are not changed. If a gradient overflows
    (inf or nan), training stops there and ``History.diverged_at`` says at which step.
    """
    layer = layer_for(params)
    steps, clip, reset_state_every, log_every = _checked(task, optimizer, loss, steps, clip, reset_state_every,
                                                         log_every)
    history, bar, start = History(params, readout), _progress_bar(progress, steps), time.perf_counter()
    for step in range(steps):
        x, y = task(step)
        if step % reset_state_every == 0:
            state = layer.zero_state(params, x)  # h = S = 0: every batch (the default), or at each new pass
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is caught just below
            value, layer_grads, readout_grads, state = training_step(history.params, history.readout, x, y, loss, state)
            grads = (layer_grads, readout_grads)
            norm = grad_norm(grads)
        history.losses.append(value)
        history.grad_norms.append(norm)
        if not (np.isfinite(norm) and np.isfinite(value)):  # overflow: no update can use this
            history.diverged_at = step
            break
        if clip is not None:
            grads, _ = clip_grad_norm(grads, clip, norm)
        history.params, history.readout = optimizer.step((history.params, history.readout), grads)
        bar.set_postfix(loss=f"{value:.3f}", refresh=False)
        bar.update(1)
        if on_log is not None and ((step + 1) % log_every == 0 or step + 1 == steps):
            on_log(step + 1, history)
    history.seconds = time.perf_counter() - start
    bar.close()
    return history


def _checked(task, optimizer, loss, steps, clip, reset_state_every, log_every):
    """:func:`train`'s numbers, checked: ``(steps, clip, reset_state_every, log_every)``."""
    if not callable(task):
        raise TypeError(f"task must be a function step -> (x, y), got {type(task).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an lstm_core optimizer (SGD, Momentum, Adam), "
                        f"got {type(optimizer).__name__}")
    _loss_function(loss)
    return (positive_int("steps", steps), None if clip is None else positive_float("clip", clip),
            positive_int("reset_state_every", reset_state_every), positive_int("log_every", log_every))


def _progress_bar(progress, steps: int):
    if progress is True:
        return TextBar(total=steps)
    return progress(total=steps) if progress else _NoBar()


class _NoBar:
    """``progress=False``: a bar that shows nothing."""

    def set_postfix(self, refresh: bool = True, **values) -> None:
        pass

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


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
    layer = layer_for(params)
    if not isinstance(prompt, str) or not prompt:
        raise ValueError("prompt must be a non-empty string")
    x = vocab.one_hot(vocab.encode(prompt))[:, None]  # (T, 1, ·): the prompt, read in full
    trace, _ = layer.forward(params, x, layer.zero_state(params, x))
    return with_temperature(readout_forward(readout, trace.h[-1, 0]), temperature)


def sample_text(params, readout: ReadoutParams, vocab, start: str, length: int = 200,
                temperature: float = 0.8, seed: int = 0) -> str:
    """Let a character-level model write: ``start``, then ``length`` sampled characters.

    Each step feeds the last character (one-hot) and carries the state (``h`` and ``S``) on;
    the next character is drawn from :func:`with_temperature` of the read-out's scores, so
    ``temperature`` below 1 makes the choice greedier.
    """
    layer = layer_for(params)
    length = positive_int("length", length)
    temperature = positive_float("temperature", temperature)
    if not isinstance(start, str) or not start:
        raise ValueError("start must be a non-empty string")
    rng = np.random.default_rng(seed)
    ids = list(vocab.encode(start))
    state = layer.zero_state(params, vocab.one_hot(ids)[:, None])
    if len(ids) > 1:  # read the prompt, all but its last character, which the loop feeds
        _, state = layer.forward(params, vocab.one_hot(ids[:-1])[:, None], state)
    for _ in range(length):
        trace, state = layer.forward(params, vocab.one_hot(ids[-1:])[:, None], state)
        p = with_temperature(readout_forward(readout, trace.h[-1, 0]), temperature)
        ids.append(int(rng.choice(len(vocab), p=p)))
    return vocab.decode(ids)


__all__ = ["LAYERS", "LOSSES", "History", "LSTMLayer", "Layer", "RNNLayer", "State", "Step", "Task", "TextBar",
           "evaluate", "layer_for", "next_char_distribution", "sample_text", "train", "training_step",
           "with_temperature"]
