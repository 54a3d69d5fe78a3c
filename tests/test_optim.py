"""The weight update: W ← W - η δW, its refinements, and a tiny model that learns."""

import dataclasses

import numpy as np
import pytest

from lstm_core import (
    SGD,
    Adam,
    Momentum,
    clip_grad_norm,
    grad_norm,
    init_params,
    init_readout,
    lstm_backward,
    lstm_forward,
    mse_loss,
    readout_backward,
    readout_forward,
)


@pytest.fixture
def model(rng):
    params = init_params(2, 3, seed=0)
    x = rng.standard_normal((5, 4, 2))
    trace = lstm_forward(params, x)
    grads = lstm_backward(trace, rng.standard_normal(trace.h.shape))
    return params, grads


def test_sgd_is_plain_gradient_descent(model):
    params, grads = model
    new = SGD(lr=0.1).step(params, grads)
    np.testing.assert_allclose(new.W, params.W - 0.1 * grads.dW)
    np.testing.assert_allclose(new.b, params.b - 0.1 * grads.db)
    assert new is not params


def test_momentum_accumulates_velocity(model):
    params, grads = model
    opt = Momentum(lr=0.1, beta=0.5)
    one = opt.step(params, grads)
    two = opt.step(one, grads)
    np.testing.assert_allclose(one.W, params.W - 0.1 * grads.dW)
    np.testing.assert_allclose(two.W, one.W - 0.1 * 1.5 * grads.dW)


def test_adam_first_step_has_size_lr_in_every_coordinate(model):
    params, grads = model
    new = Adam(lr=0.01).step(params, grads)
    # bias correction makes m̂ = g and v̂ = g², so the step is lr · g / (|g| + eps)
    g = grads.dW
    np.testing.assert_allclose(params.W - new.W, 0.01 * g / (np.abs(g) + 1e-8), rtol=1e-12)


def test_optimizers_update_several_parameter_objects_together(model, rng):
    params, grads = model
    ro = init_readout(3, 2)
    h = rng.standard_normal((5, 4, 3))
    ro_grads = readout_backward(ro, h, rng.standard_normal((5, 4, 2)))
    new_params, new_ro = SGD(lr=1.0).step((params, ro), (grads, ro_grads))
    np.testing.assert_allclose(new_ro.W, ro.W - ro_grads.dW)
    np.testing.assert_allclose(new_params.b, params.b - grads.db)


def test_clipping_scales_to_the_bound_and_reports_the_norm(model):
    params, grads = model
    norm = np.sqrt(np.sum(grads.dW**2) + np.sum(grads.db**2))
    assert np.isclose(grad_norm(grads), norm)
    clipped, reported = clip_grad_norm(grads, norm / 4)
    assert np.isclose(reported, norm)
    assert np.isclose(grad_norm(clipped), norm / 4)
    np.testing.assert_allclose(clipped.dW, grads.dW / 4)
    np.testing.assert_array_equal(clipped.ds, grads.ds)  # only parameter gradients are clipped
    unchanged, _ = clip_grad_norm(grads, norm * 2)
    assert unchanged is grads  # within the bound: the gradients themselves, not a copy
    assert dataclasses.is_dataclass(clipped)
    given, reported = clip_grad_norm(grads, norm / 4, norm=2 * norm)  # a norm already computed is used as given
    assert reported == 2 * norm
    np.testing.assert_allclose(given.dW, grads.dW / 8)


def test_a_tiny_lstm_learns_to_remember_the_first_input():
    """End to end in a few lines: read x_1, output it again at the last step."""
    rng = np.random.default_rng(0)
    T, B, H = 6, 32, 8
    params = init_params(1, H, seed=1, keep_bias=1.0)
    readout = init_readout(H, 1, seed=2)
    opt = Adam(lr=0.03)
    losses = []
    for _ in range(300):
        x = np.zeros((T, B, 1))
        x[0] = rng.uniform(-1, 1, (B, 1))
        x[1:] = rng.normal(0, 0.2, (T - 1, B, 1))  # distractors
        trace = lstm_forward(params, x)
        y = readout_forward(readout, trace.h[-1])
        loss, dy = mse_loss(y, x[0])
        ro_grads = readout_backward(readout, trace.h[-1], dy)
        dh = np.zeros_like(trace.h)
        dh[-1] = ro_grads.dh
        grads, _ = clip_grad_norm((lstm_backward(trace, dh), ro_grads), 5.0)
        params, readout = opt.step((params, readout), grads)
        losses.append(loss)
    assert np.mean(losses[:10]) > 0.2
    assert np.mean(losses[-20:]) < 0.02
