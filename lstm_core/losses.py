"""Losses with their gradients: each returns ``(L, ∂L/∂prediction)``."""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_shape


def mse_loss(y, target) -> tuple[float, np.ndarray]:
    """Mean squared error ``L = mean((y - target)²)`` over every entry, and ``∂L/∂y``.

    ``y`` and ``target`` have the same shape, e.g. (T, B, O).
    """
    y = as_float_array("y", y)
    target = as_float_array("target", target)
    check_shape("target", target, y.shape, "like y")
    diff = y - target
    return float(np.mean(diff * diff)), 2.0 * diff / diff.size


def log_softmax(logits) -> np.ndarray:
    """``log softmax`` over the last axis, computed stably (shift by the max first)."""
    logits = as_float_array("logits", logits)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits) -> np.ndarray:
    """Probabilities over the last axis; never overflows."""
    return np.exp(log_softmax(logits))


def softmax_cross_entropy(logits, labels) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of integer ``labels`` under ``softmax(logits)``, and ``∂L/∂logits``.

    Parameters
    ----------
    logits : (..., C) unnormalised scores, e.g. (T, B, C)
    labels : (...) integer classes in ``[0, C)``, e.g. (T, B)

    Returns
    -------
    ``(L, dlogits)`` with ``L = -mean(log p[label])`` and ``dlogits = (p - onehot) / N``,
    N the number of labels.
    """
    log_p = log_softmax(logits)
    labels_array = np.asarray(labels)
    if labels_array.dtype == bool or not np.issubdtype(labels_array.dtype, np.integer):
        raise TypeError(f"labels must be an array of integer class indices, got dtype {labels_array.dtype}")
    check_shape("labels", labels_array, log_p.shape[:-1], "logits without the class axis")
    C = log_p.shape[-1]
    if labels_array.min() < 0 or labels_array.max() >= C:
        raise ValueError(f"labels must lie in [0, {C}), got values from {labels_array.min()} to {labels_array.max()}")
    flat_log_p = log_p.reshape(-1, C)
    flat_labels = labels_array.reshape(-1)
    n = flat_labels.size
    loss = -float(flat_log_p[np.arange(n), flat_labels].mean())
    dlogits = np.exp(flat_log_p)
    dlogits[np.arange(n), flat_labels] -= 1.0
    return loss, (dlogits / n).reshape(log_p.shape)


__all__ = ["log_softmax", "mse_loss", "softmax", "softmax_cross_entropy"]
