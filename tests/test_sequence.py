"""The sequence functions are the step functions looped over time, batched and fast."""

import numpy as np
import pytest

from lstm_core import (
    GATE_ORDER,
    LSTMParams,
    init_params,
    lstm_backward,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
)
from lstm_core.activations import sigmoid


@pytest.mark.parametrize("linear", [False, True])
def test_sequence_is_the_step_functions_looped(rng, linear):
    params = init_params(3, 5, seed=1, keep_bias=0.0 if linear else 1.0)
    x = rng.standard_normal((7, 4, 3))
    h0, s0 = rng.standard_normal((2, 4, 5))
    dh = rng.standard_normal((7, 4, 5))
    trace = lstm_forward(params, x, h0, s0, linear=linear)
    grads = lstm_backward(trace, dh)

    steps, h, s = [], h0, s0
    for t in range(7):
        step = lstm_step_forward(params, x[t], h, s, linear=linear)
        steps.append(step)
        h, s = step.h, step.s
        np.testing.assert_allclose(trace.h[t], step.h, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(trace.s[t], step.s, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(trace.gates[t], step.gates, rtol=1e-12, atol=1e-14)

    dh_next, ds_via_next = np.zeros((4, 5)), np.zeros((4, 5))
    dW = np.zeros_like(params.W)
    for t in reversed(range(7)):
        back = lstm_step_backward(params, steps[t], dh[t] + dh_next, ds_via_next)
        for name in ("dh", "ds", "ds_via_h", "ds_via_next", "dz", "dgates", "dx"):
            np.testing.assert_allclose(getattr(grads, name)[t], getattr(back, name), rtol=1e-10, atol=1e-13)
        dh_next, ds_via_next = back.dh_prev, back.ds_prev
        dW += back.dW
    np.testing.assert_allclose(grads.dW, dW, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(grads.dh0, dh_next, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(grads.ds0, ds_via_next, rtol=1e-10, atol=1e-13)


def test_one_sequence_is_a_batch_of_one_without_the_batch_axis(rng):
    params = init_params(2, 3, seed=0)
    x = rng.standard_normal((5, 2))
    dh = rng.standard_normal((5, 3))
    single = lstm_forward(params, x)
    batch = lstm_forward(params, x[:, None])
    assert single.h.shape == (5, 3) and batch.h.shape == (5, 1, 3)
    assert single.z.shape == (5, 12) and single.h0.shape == (3,)
    np.testing.assert_array_equal(single.h, batch.h[:, 0])
    g1, gb = lstm_backward(single, dh), lstm_backward(batch, dh[:, None])
    for name in ("dx", "dh", "ds", "ds_via_h", "ds_via_next", "dz", "dgates"):
        assert getattr(g1, name).shape == getattr(gb, name)[:, 0].shape
        np.testing.assert_allclose(getattr(g1, name), getattr(gb, name)[:, 0])
    assert g1.dh0.shape == (3,) and g1.ds0.shape == (3,)
    np.testing.assert_allclose(g1.dW, gb.dW)


def test_examples_in_a_batch_do_not_interact(rng):
    params = init_params(2, 3, seed=0)
    x = rng.standard_normal((4, 3, 2))
    dh = rng.standard_normal((4, 3, 3))
    batch = lstm_backward(lstm_forward(params, x), dh)
    alone = [lstm_backward(lstm_forward(params, x[:, k]), dh[:, k]) for k in range(3)]
    np.testing.assert_allclose(batch.dx, np.stack([g.dx for g in alone], axis=1))
    np.testing.assert_allclose(batch.dW, sum(g.dW for g in alone))
    np.testing.assert_allclose(batch.db, sum(g.db for g in alone))


def test_forward_follows_the_equations_in_gate_order(rng):
    """An independent scalar re-computation, one unit and one gate at a time."""
    params = LSTMParams(rng.standard_normal((8, 5)), rng.standard_normal(8))  # D = 3, H = 2
    x = rng.standard_normal((3, 3))
    trace = lstm_forward(params, x)
    H = 2
    h, s = [0.0, 0.0], [0.0, 0.0]
    for t in range(3):
        I = list(x[t]) + h
        z = {g: [sum(params.W[k * H + u, j] * I[j] for j in range(5)) + params.b[k * H + u] for u in range(H)]
             for k, g in enumerate(GATE_ORDER)}
        a = [np.tanh(v) for v in z["a"]]
        i, f, o = ([1 / (1 + np.exp(-v)) for v in z[g]] for g in "ifo")
        s = [a[u] * i[u] + f[u] * s[u] for u in range(H)]
        h = [o[u] * np.tanh(s[u]) for u in range(H)]
        np.testing.assert_allclose(trace.s[t], s, rtol=1e-12)
        np.testing.assert_allclose(trace.h[t], h, rtol=1e-12)
        np.testing.assert_allclose(trace.f[t], f, rtol=1e-12)


def test_trace_exposes_the_equations_symbols(rng):
    params = init_params(2, 3, seed=0)
    x = rng.standard_normal((4, 2, 2))
    h0, s0 = rng.standard_normal((2, 2, 3))
    trace = lstm_forward(params, x, h0, s0)
    for name in GATE_ORDER:
        assert getattr(trace, name).shape == (4, 2, 3)
    np.testing.assert_allclose(trace.i, sigmoid(trace.z[..., 3:6]), rtol=1e-13)
    np.testing.assert_array_equal(trace.h_prev[0], h0)
    np.testing.assert_array_equal(trace.s_prev[1:], trace.s[:-1])
    assert trace.I.shape == (4, 2, 5)
    step = trace.step(2)
    np.testing.assert_array_equal(step.h_prev, trace.h[1])
    np.testing.assert_array_equal(step.s, trace.s[2])
    np.testing.assert_array_equal(trace.step(-1).h, trace.h[-1])
    with pytest.raises(IndexError):
        trace.step(4)


def test_linear_mode_has_no_nonlinearities(rng):
    params = LSTMParams(rng.standard_normal((8, 4)) * 0.3, np.zeros(8))
    x = rng.standard_normal((3, 2))
    trace = lstm_forward(params, x, linear=True)
    assert trace.linear
    np.testing.assert_allclose(trace.gates, trace.z, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(trace.h, trace.o * trace.s)


def test_each_steps_gate_blocks_are_contiguous_in_memory(rng):
    """The loops keep each step's values as columns (``sequence._step_columns``): one gate's block
    of one step is one piece of memory, which makes the loops fast at small batch sizes."""
    params = init_params(2, 3, seed=0)
    trace = lstm_forward(params, rng.standard_normal((4, 5, 2)))
    grads = lstm_backward(trace, rng.standard_normal((4, 5, 3)))
    for name in GATE_ORDER:
        assert trace.gate(name)[2].T.flags.c_contiguous  # (B, H) block of step 3: H rows of B in memory
    for array in (trace.s, trace.squashed_s, trace.h, grads.dh, grads.ds):
        assert array.shape == (4, 5, 3) and array[1].T.flags.c_contiguous
    assert trace.gates.base is trace.h.base is not None  # the forward loop's arrays: one allocation


def test_dx_is_computed_when_first_read(rng):
    params = init_params(2, 3, seed=0)
    x = rng.standard_normal((4, 5, 2))
    grads = lstm_backward(lstm_forward(params, x), rng.standard_normal((4, 5, 3)))
    assert "dx" not in vars(grads)  # training never reads it
    np.testing.assert_allclose(grads.dx, grads.dz @ params.W_x, rtol=1e-13, atol=1e-15)  # δx_t = W_xᵀ δZ_t
    assert "dx" in vars(grads) and grads.dx.shape == x.shape
