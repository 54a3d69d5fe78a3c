"""The weight update: ``W ← W - η · δW``, and the optimizers that refine it.

Parameters are the engine's parameter objects (:class:`~lstm_core.params.LSTMParams`,
:class:`~lstm_core.readout.ReadoutParams`) or a tuple of them; gradients are the
matching gradient objects (:class:`~lstm_core.sequence.LSTMGrads`,
:class:`~lstm_core.readout.ReadoutGrads`), whose ``parameter_grads()`` name each
gradient after its parameter. ``step`` returns *new* parameters; the old ones, and
every array you passed in, are left as they were::

    opt = Adam(lr=0.01)
    (params, readout) = opt.step((params, readout), (lstm_grads, readout_grads))
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ._checks import fraction, positive_float


def _as_tuple(value):
    return (tuple(value), True) if isinstance(value, (tuple, list)) else ((value,), False)


def _param_arrays(params) -> dict[str, np.ndarray]:
    if not dataclasses.is_dataclass(params) or isinstance(params, type):
        raise TypeError(f"params must be parameter objects such as LSTMParams, got {type(params).__name__}")
    return {field.name: getattr(params, field.name) for field in dataclasses.fields(params)}


def _grad_arrays(grads) -> dict[str, np.ndarray]:
    if not hasattr(grads, "parameter_grads"):
        raise TypeError(f"grads must be gradient objects such as LSTMGrads, got {type(grads).__name__}")
    return grads.parameter_grads()


def _pairs(params, grads):
    """Match parameters with gradients: ``[(k, name, value, gradient), ...]``."""
    params_seq, is_seq = _as_tuple(params)
    grads_seq, _ = _as_tuple(grads)
    if len(params_seq) != len(grads_seq):
        raise ValueError(f"grads must match params one to one, got {len(grads_seq)} grads for {len(params_seq)} params")
    pairs = []
    for k, (p, g) in enumerate(zip(params_seq, grads_seq)):
        values, gradients = _param_arrays(p), _grad_arrays(g)
        if set(values) != set(gradients):
            raise ValueError(f"grads[{k}] has gradients for {sorted(gradients)}, params[{k}] has {sorted(values)}")
        for name, value in values.items():
            gradient = np.asarray(gradients[name], dtype=np.float64)
            if gradient.shape != value.shape:
                raise ValueError(f"the gradient of {name} in grads[{k}] has shape {gradient.shape}, "
                                 f"expected {value.shape}")
            if not np.isfinite(gradient).all():
                raise ValueError(f"the gradient of {name} in grads[{k}] contains NaN or inf")
            pairs.append((k, name, value, gradient))
    return params_seq, is_seq, pairs


class Optimizer:
    """Base class: subclasses define ``update(key, gradient) -> the step to subtract``."""

    def __init__(self, lr: float):
        self.lr = positive_float("lr", lr)
        self.state: dict = {}

    def step(self, params, grads):
        """Return new parameters, one update further; ``params`` and ``grads`` are unchanged."""
        params_seq, is_seq, pairs = _pairs(params, grads)
        new_values = [dict() for _ in params_seq]
        for k, name, value, gradient in pairs:
            new_values[k][name] = value - self.update((k, name), gradient)
        updated = tuple(type(p)(**values) for p, values in zip(params_seq, new_values))
        return updated if is_seq else updated[0]

    def update(self, key, gradient):  # pragma: no cover - abstract
        raise NotImplementedError


class SGD(Optimizer):
    """Plain gradient descent: ``W ← W - η · δW``."""

    def update(self, key, gradient):
        return self.lr * gradient


class Momentum(Optimizer):
    """Gradient descent with momentum: ``v ← β v + δW``, ``W ← W - η v``."""

    def __init__(self, lr: float, beta: float = 0.9):
        super().__init__(lr)
        self.beta = fraction("beta", beta)

    def update(self, key, gradient):
        velocity = self.beta * self.state.get(key, 0.0) + gradient
        self.state[key] = velocity
        return self.lr * velocity


class Adam(Optimizer):
    """Adam: steps scaled by running estimates of the gradient's mean and square, bias-corrected."""

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(lr)
        self.beta1 = fraction("beta1", beta1)
        self.beta2 = fraction("beta2", beta2)
        self.eps = positive_float("eps", eps)

    def update(self, key, gradient):
        m, v, n = self.state.get(key, (0.0, 0.0, 0))
        m = self.beta1 * m + (1 - self.beta1) * gradient
        v = self.beta2 * v + (1 - self.beta2) * gradient * gradient
        n += 1
        self.state[key] = (m, v, n)
        m_hat = m / (1 - self.beta1**n)
        v_hat = v / (1 - self.beta2**n)
        return self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def grad_norm(grads) -> float:
    """The global norm ``sqrt(Σ ‖δθ‖²)`` over every parameter gradient in ``grads``."""
    grads_seq, _ = _as_tuple(grads)
    total = 0.0
    for g in grads_seq:
        for gradient in _grad_arrays(g).values():
            total += float(np.sum(np.square(gradient)))
    return float(np.sqrt(total))


def clip_grad_norm(grads, max_norm: float, norm: float | None = None):
    """Scale the parameter gradients down so that their global norm is at most ``max_norm``.

    Returns ``(clipped, norm)``: new gradient objects (the same kind as ``grads``, a
    tuple if it was one) and the norm *before* clipping. Gradients already within the
    bound come back unchanged: ``grads`` itself. ``norm``, if given, is ``grad_norm(grads)``,
    already computed (as :func:`~lstm_core.train.train` has it).
    """
    max_norm = positive_float("max_norm", max_norm)
    norm = grad_norm(grads) if norm is None else float(norm)
    if norm <= max_norm:
        return grads, norm
    grads_seq, is_seq = _as_tuple(grads)
    scale = max_norm / norm
    clipped = tuple(
        dataclasses.replace(g, **{"d" + name: gradient * scale for name, gradient in _grad_arrays(g).items()})
        for g in grads_seq
    )
    return (clipped if is_seq else clipped[0]), norm


__all__ = ["Adam", "Momentum", "Optimizer", "SGD", "clip_grad_norm", "grad_norm"]
