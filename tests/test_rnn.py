"""The vanilla RNN is checked like the LSTM: finite differences, hand values, bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstm_core import RNNParams, init_rnn_params, numerical_gradient, relative_error, rnn_backward, rnn_forward

TOLERANCE = 1e-7


@st.composite
def rnn_problems(draw):
    T = draw(st.integers(1, 5))
    B = draw(st.one_of(st.none(), st.integers(1, 3)))
    D, H = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    batch = () if B is None else (B,)
    params = RNNParams(rng.normal(0, 0.7, size=(H, D + H)), rng.normal(0, 0.5, size=H))
    return (params, rng.standard_normal((T, *batch, D)), rng.standard_normal((*batch, H)),
            rng.standard_normal((T, *batch, H)))


def _loss(params, x, h0, dh):
    return float(np.sum(dh * rnn_forward(params, x, h0).h))


@given(rnn_problems())
def test_rnn_gradients_match_finite_differences(problem):
    params, x, h0, dh = problem
    grads = rnn_backward(rnn_forward(params, x, h0), dh)
    numeric = {
        "W": numerical_gradient(lambda W: _loss(RNNParams(W, params.b), x, h0, dh), params.W),
        "b": numerical_gradient(lambda b: _loss(RNNParams(params.W, b), x, h0, dh), params.b),
        "x": numerical_gradient(lambda v: _loss(params, v, h0, dh), x),
        "h0": numerical_gradient(lambda v: _loss(params, x, v, dh), h0),
    }
    analytic = {"W": grads.dW, "b": grads.db, "x": grads.dx, "h0": grads.dh0}
    errors = {name: relative_error(analytic[name], numeric[name]) for name in numeric}
    # A gradient that has shrunk through many steps (δh_0 of a long small-weighted chain) is tiny,
    # and finite differences' rounding (about 1e-10) is then a large part of it: compare those absolutely.
    wrong = {name: error for name, error in errors.items()
             if error > TOLERANCE and not np.allclose(analytic[name], numeric[name], rtol=1e-6, atol=1e-9)}
    assert not wrong, errors


def test_one_step_by_hand():
    """D = H = 1: h_1 = tanh(w_x x + w_h h_0 + b), δW = δZ [x, h_0], δZ = (1 - h_1²)."""
    params = RNNParams([[0.5, -1.0]], [0.25])
    trace = rnn_forward(params, [[2.0]], h0=[0.5])
    h1 = np.tanh(0.5 * 2.0 - 1.0 * 0.5 + 0.25)
    assert trace.h[0, 0] == pytest.approx(h1)
    grads = rnn_backward(trace, dh_loss=[[1.0]])
    dz = 1 - h1**2
    np.testing.assert_allclose(grads.dW, [[dz * 2.0, dz * 0.5]])
    np.testing.assert_allclose(grads.dh0, [dz * -1.0])
    np.testing.assert_allclose(grads.dx, [[dz * 0.5]])


def test_gradient_reaching_far_back_is_a_product_of_jacobians():
    """Only the last step's loss: δh_1 = (Π_t W_hᵀ diag(1 - h_t²)) applied to dh_T."""
    params = init_rnn_params(2, 3, seed=1)
    x = np.random.default_rng(2).standard_normal((6, 2))
    trace = rnn_forward(params, x)
    dh = np.zeros((6, 3))
    dh[-1] = 1.0
    grads = rnn_backward(trace, dh)
    g = dh[-1]
    for t in reversed(range(1, 6)):
        g = (g * (1 - trace.h[t] ** 2)) @ params.W_h
    np.testing.assert_allclose(grads.dh[0], g)


def test_batched_equals_one_sequence_at_a_time():
    params = init_rnn_params(2, 3, seed=0)
    rng = np.random.default_rng(0)
    x, dh = rng.standard_normal((4, 2, 2)), rng.standard_normal((4, 2, 3))
    grads = rnn_backward(rnn_forward(params, x), dh)
    singles = [rnn_backward(rnn_forward(params, x[:, k]), dh[:, k]) for k in range(2)]
    np.testing.assert_allclose(grads.dW, singles[0].dW + singles[1].dW)
    np.testing.assert_allclose(grads.dx[:, 1], singles[1].dx)


def test_nothing_is_mutated():
    params = init_rnn_params(2, 3, seed=0)
    x = np.ones((3, 2))
    h0 = np.full(3, 0.5)
    dh = np.ones((3, 3))
    copies = [a.copy() for a in (x, h0, dh, params.W, params.b)]
    rnn_backward(rnn_forward(params, x, h0), dh)
    for before, after in zip(copies, (x, h0, dh, params.W, params.b)):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("call, error, name", [
    (lambda p: rnn_forward("W", np.ones((2, 2))), TypeError, "params"),
    (lambda p: rnn_forward(p, np.ones((2, 5))), ValueError, "x"),
    (lambda p: rnn_forward(p, np.ones(2)), ValueError, "x"),
    (lambda p: rnn_forward(p, np.full((2, 2), np.nan)), ValueError, "x"),
    (lambda p: rnn_forward(p, np.ones((2, 2)), h0=np.ones(4)), ValueError, "h0"),
    (lambda p: rnn_backward("trace", np.ones((2, 3))), TypeError, "trace"),
    (lambda p: rnn_backward(rnn_forward(p, np.ones((2, 2))), np.ones((3, 3))), ValueError, "dh"),
    (lambda p: rnn_backward(rnn_forward(p, np.ones((2, 2))), np.ones((2, 3)), dh_next=np.ones(2)),
     ValueError, "dh_next"),
    (lambda p: RNNParams(np.ones((3, 3)), np.zeros(3)), ValueError, "W"),
    (lambda p: RNNParams(np.ones((3, 5)), np.zeros(2)), ValueError, "b"),
    (lambda p: init_rnn_params(0, 3), ValueError, "input_size"),
    (lambda p: init_rnn_params(2, 3.0), TypeError, "hidden_size"),
])
def test_bad_input_is_named(call, error, name):
    with pytest.raises(error, match=name):
        call(init_rnn_params(2, 3, seed=0))
