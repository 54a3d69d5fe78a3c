"""Backpropagation through time agrees with finite differences, and with hand algebra."""

import importlib
from dataclasses import replace

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lstm_core import LSTMParams, gradcheck, init_params, lstm_backward, lstm_forward, numerical_lstm_gradients

TOLERANCE = 1e-7  # docs/notation.md: relative error below 1e-7 in float64


@st.composite
def lstm_problems(draw):
    T = draw(st.integers(1, 4))
    B = draw(st.one_of(st.none(), st.integers(1, 3)))
    D = draw(st.integers(1, 3))
    H = draw(st.integers(1, 3))
    linear = draw(st.booleans())
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    batch = () if B is None else (B,)
    params = init_params(D, H, seed=seed, keep_bias=0.0 if linear else 0.5)
    if not linear:
        params = LSTMParams(params.W, rng.normal(0, 0.5, size=4 * H))
    x = rng.standard_normal((T, *batch, D))
    h0 = rng.standard_normal((*batch, H))
    s0 = rng.standard_normal((*batch, H))
    dh = rng.standard_normal((T, *batch, H))
    return params, x, h0, s0, dh, linear


@given(lstm_problems())
def test_gradients_match_finite_differences(problem):
    params, x, h0, s0, dh, linear = problem
    errors = gradcheck(params, x, dh, h0, s0, linear=linear)
    assert set(errors) == {"W", "b", "x", "h0", "s0", "h", "s"}
    assert max(errors.values()) < TOLERANCE, errors


def test_gradcheck_catches_a_wrong_gradient(monkeypatch):
    """The check can fail: a backward pass whose δW is 0.1% off is reported, and only for W."""
    gc = importlib.import_module("lstm_core.gradcheck")  # the module, not the function

    def backward_with_wrong_dW(trace, dh):
        grads = lstm_backward(trace, dh)
        return replace(grads, dW=grads.dW * 1.001)

    monkeypatch.setattr(gc, "lstm_backward", backward_with_wrong_dW)
    params = init_params(2, 3, seed=0)
    x = np.random.default_rng(0).standard_normal((3, 2))
    errors = gc.gradcheck(params, x)
    assert errors["W"] > 1e-4
    assert errors["b"] < TOLERANCE


def _hand_example():
    """D = 1, H = 1, T = 2, linear, L = h_2. Rows of W: a, i, f, o; columns: x, h."""
    W = np.array([[1.0, 0.5], [0.5, 1.0], [1.0, 1.0], [2.0, 0.0]])
    params = LSTMParams(W, np.zeros(4))
    x = np.array([[1.0], [2.0]])
    dh = np.array([[0.0], [1.0]])
    return params, x, dh


def test_linear_forward_matches_hand_derivation():
    params, x, _ = _hand_example()
    trace = lstm_forward(params, x, linear=True)
    # step 1: I = [1, 0]  -> a, i, f, o = 1, .5, 1, 2;  S_1 = 1·.5 + 1·0 = .5;  h_1 = 2·.5 = 1
    # step 2: I = [2, 1]  -> a, i, f, o = 2.5, 2, 3, 4;  S_2 = 2.5·2 + 3·.5 = 6.5;  h_2 = 26
    np.testing.assert_allclose(trace.gates, [[1, 0.5, 1, 2], [2.5, 2, 3, 4]])
    np.testing.assert_allclose(trace.s, [[0.5], [6.5]])
    np.testing.assert_allclose(trace.h, [[1.0], [26.0]])


def test_linear_backward_matches_hand_derivation():
    params, x, dh = _hand_example()
    grads = lstm_backward(lstm_forward(params, x, linear=True), dh)
    # t = 2: δh = 1, δS = δh·o = 4 (path 2 is zero at the end)
    #        δZ = [δS·i, δS·a, δS·S_1, δh·S_2] = [8, 10, 2, 6.5]
    #        δI = Wᵀ δZ = [28, 16]  ->  δx_2 = 28, δh_next = 16;  δS_next = δS·f = 12
    # t = 1: δh = 16, path 1 = δh·o = 32, path 2 = 12, δS = 44
    #        δZ = [44·.5, 44·1, 44·S_0, 16·S_1] = [22, 44, 0, 8]
    #        δI = Wᵀ δZ = [60, 55]  ->  δx_1 = 60, δh_0 = 55;  δS_0 = δS·f = 44
    np.testing.assert_allclose(grads.dh, [[16.0], [1.0]])
    np.testing.assert_allclose(grads.ds_via_h, [[32.0], [4.0]])
    np.testing.assert_allclose(grads.ds_via_next, [[12.0], [0.0]])
    np.testing.assert_allclose(grads.ds, [[44.0], [4.0]])
    np.testing.assert_allclose(grads.dz, [[22, 44, 0, 8], [8, 10, 2, 6.5]])
    np.testing.assert_allclose(grads.dx, [[60.0], [28.0]])
    np.testing.assert_allclose(grads.dh0, [55.0])
    np.testing.assert_allclose(grads.ds0, [44.0])
    # δW = δZ_1 I_1ᵀ + δZ_2 I_2ᵀ with I_1 = [1, 0], I_2 = [2, 1]
    np.testing.assert_allclose(grads.dW, [[38, 8], [64, 10], [4, 2], [21, 6.5]])
    np.testing.assert_allclose(grads.db, [30, 54, 2, 14.5])


def test_state_gradient_is_sum_of_two_paths(rng):
    params = init_params(3, 4, seed=2, keep_bias=1.0)
    x = rng.standard_normal((6, 2, 3))
    trace = lstm_forward(params, x)
    grads = lstm_backward(trace, rng.standard_normal(trace.h.shape))
    np.testing.assert_array_equal(grads.ds, grads.ds_via_h + grads.ds_via_next)
    # path 2 into S_t is δS_{t+1} ⊙ f_{t+1}, and nothing arrives beyond the last step
    np.testing.assert_allclose(grads.ds_via_next[:-1], grads.ds[1:] * trace.f[1:])
    np.testing.assert_array_equal(grads.ds_via_next[-1], 0.0)
    # path 1 into S_t is δh_t ⊙ o_t ⊙ (1 - tanh²(S_t))
    np.testing.assert_allclose(grads.ds_via_h, grads.dh * trace.o * (1 - np.tanh(trace.s) ** 2))


def test_keep_gate_of_one_carries_the_gradient_back_unchanged():
    """The constant error carousel: with f = 1 and no other path, δS_t is the same for every t."""
    H, D, T = 2, 1, 30
    W = np.zeros((4 * H, D + H))
    b = np.zeros(4 * H)
    b[2 * H : 3 * H] = 40.0  # σ(40) = 1 to double precision: the keep gate is fully open
    params = LSTMParams(W, b)
    x = np.ones((T, D))
    trace = lstm_forward(params, x)
    assert np.all(trace.f == 1.0)
    dh = np.zeros((T, H))
    grads = lstm_backward(trace, dh, ds_via_next=np.array([1.0, -2.0]))
    np.testing.assert_array_equal(grads.ds, np.tile([1.0, -2.0], (T, 1)))
    np.testing.assert_array_equal(grads.ds0, [1.0, -2.0])


def test_gradients_from_beyond_the_sequence_are_used(rng):
    """dh_next and ds_via_next continue a backward pass from a later chunk (truncated BPTT)."""
    params = init_params(2, 3, seed=5)
    x = rng.standard_normal((8, 2, 2))
    dh = rng.standard_normal((8, 2, 3))
    whole = lstm_backward(lstm_forward(params, x), dh)
    first = lstm_forward(params, x[:5])
    second = lstm_forward(params, x[5:], first.h[-1], first.s[-1])
    tail = lstm_backward(second, dh[5:])
    head = lstm_backward(first, dh[:5], dh_next=tail.dh0, ds_via_next=tail.ds0)
    np.testing.assert_allclose(head.ds, whole.ds[:5])
    np.testing.assert_allclose(head.dW + tail.dW, whole.dW)
    np.testing.assert_allclose(np.concatenate([head.dx, tail.dx]), whole.dx)


def test_gradcheck_selected_arrays_only():
    params = init_params(2, 2, seed=0)
    x = np.ones((2, 2))
    assert set(gradcheck(params, x, wrt=("s",))) == {"s"}
    assert set(gradcheck(params, x, wrt="W")) == {"W"}


def test_finite_differences_check_their_input_once(monkeypatch):
    """Input is checked at the entry point; the hundreds of probes run the loop on trusted arrays,
    building no checked (copied) LSTMParams and checking no input again."""
    import lstm_core.params as params_module
    import lstm_core.sequence as sequence_module

    calls = {"params": 0, "input": 0}

    def counting(name, original):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)
        return wrapper

    params = init_params(2, 3, seed=0)
    x = np.random.default_rng(0).standard_normal((4, 2, 2))
    dh = np.random.default_rng(1).standard_normal((4, 2, 3))
    monkeypatch.setattr(params_module, "check_stacked_weights", counting("params", params_module.check_stacked_weights))
    monkeypatch.setattr(sequence_module, "check_input", counting("input", sequence_module.check_input))
    numeric = numerical_lstm_gradients(params, x, dh, wrt=("W", "b", "x", "h0", "s0", "h", "s"))
    assert calls == {"params": 0, "input": 1}
    assert numeric["W"].shape == params.W.shape
    np.testing.assert_allclose(numeric["W"], lstm_backward(lstm_forward(params, x), dh).dW, rtol=1e-6, atol=1e-8)
