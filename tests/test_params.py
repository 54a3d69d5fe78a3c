"""Parameters: the stacked W = [W_x | W_h] and b, in the gate order a, i, f, o."""

import numpy as np
import pytest

from lstm_core import GATE_ORDER, LSTMParams, gate_slice, init_params


def test_init_params_shapes_and_keep_bias():
    params = init_params(input_size=3, hidden_size=4, seed=7, keep_bias=1.0)
    assert params.W.shape == (16, 7) and params.b.shape == (16,)
    assert (params.input_size, params.hidden_size) == (3, 4)
    np.testing.assert_array_equal(params.b, [0] * 8 + [1] * 4 + [0] * 4)  # a, i, f, o
    assert np.all(np.abs(params.W) <= 0.5)  # uniform in ±1/sqrt(H)


def test_init_params_is_reproducible_from_its_seed():
    np.testing.assert_array_equal(init_params(2, 3, seed=5).W, init_params(2, 3, seed=5).W)
    assert not np.array_equal(init_params(2, 3, seed=5).W, init_params(2, 3, seed=6).W)


def test_blocks_of_W_follow_the_gate_order():
    W = np.arange(8 * 5, dtype=float).reshape(8, 5)  # H = 2, D = 3
    params = LSTMParams(W, np.arange(8.0))
    np.testing.assert_array_equal(params.W_x, W[:, :3])
    np.testing.assert_array_equal(params.W_h, W[:, 3:])
    for k, name in enumerate(GATE_ORDER):
        rows, bias = params.gate(name)
        np.testing.assert_array_equal(rows, W[2 * k : 2 * k + 2])
        np.testing.assert_array_equal(bias, [2 * k, 2 * k + 1])


def test_unknown_gate_names_are_refused():
    with pytest.raises(ValueError, match="gate must be one of"):
        gate_slice("g", 3)
