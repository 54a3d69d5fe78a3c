"""Losses and the read-out layer: values, and gradients against finite differences."""

import numpy as np

from lstm_core import (
    init_readout,
    mse_loss,
    numerical_gradient,
    readout_backward,
    readout_forward,
    relative_error,
    softmax,
    softmax_cross_entropy,
)


def test_mse_value_and_gradient(rng):
    y, target = rng.standard_normal((4, 3, 2)), rng.standard_normal((4, 3, 2))
    loss, dy = mse_loss(y, target)
    assert np.isclose(loss, np.mean((y - target) ** 2))
    numeric = numerical_gradient(lambda v: mse_loss(v, target)[0], y)
    assert relative_error(dy, numeric) < 1e-8


def test_cross_entropy_value_and_gradient(rng):
    logits = rng.standard_normal((5, 2, 4))
    labels = rng.integers(0, 4, size=(5, 2))
    loss, dlogits = softmax_cross_entropy(logits, labels)
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    expected = -np.mean(np.log(np.take_along_axis(p, labels[..., None], -1)))
    assert np.isclose(loss, expected)
    numeric = numerical_gradient(lambda v: softmax_cross_entropy(v, labels)[0], logits)
    assert relative_error(dlogits, numeric) < 1e-8


def test_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [-1e5, 1e5, 0.0]])
    loss, dlogits = softmax_cross_entropy(logits, np.array([0, 1]))
    assert loss == 0.0
    assert np.all(np.isfinite(dlogits))
    loss, _ = softmax_cross_entropy(logits, np.array([2, 0]))
    assert np.isclose(loss, (2000.0 + 2e5) / 2)
    np.testing.assert_allclose(softmax(logits).sum(-1), 1.0)


def test_uniform_logits_give_log_c():
    loss, _ = softmax_cross_entropy(np.zeros((3, 5)), np.array([0, 2, 4]))
    assert np.isclose(loss, np.log(5))


def test_readout_gradients_match_finite_differences(rng):
    ro = init_readout(3, 2, seed=1)
    h = rng.standard_normal((4, 5, 3))
    dy = rng.standard_normal((4, 5, 2))
    y = readout_forward(ro, h)
    np.testing.assert_allclose(y, np.einsum("tbh,oh->tbo", h, ro.W) + ro.b)
    g = readout_backward(ro, h, dy)
    loss = lambda W, b, h_: np.sum(dy * (h_ @ W.T + b))  # noqa: E731
    assert relative_error(g.dW, numerical_gradient(lambda W: loss(W, ro.b, h), ro.W)) < 1e-8
    assert relative_error(g.db, numerical_gradient(lambda b: loss(ro.W, b, h), ro.b)) < 1e-8
    assert relative_error(g.dh, numerical_gradient(lambda h_: loss(ro.W, ro.b, h_), h)) < 1e-8
