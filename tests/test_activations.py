"""σ and tanh, and their slopes, as the backward equations use them."""

import warnings

import numpy as np
import pytest

from lstm_core.activations import sigmoid, sigmoid_grad_from_output, tanh_grad_from_output
from lstm_core.gradcheck import numerical_gradient


def test_sigmoid_never_overflows_or_warns():
    z = np.array([-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4, -np.finfo(float).max, np.finfo(float).max])
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        y = sigmoid(z)
    assert np.all(np.isfinite(y))
    assert np.all((y >= 0) & (y <= 1))
    assert y[0] == 0.0 and y[-3] == 1.0 and y[3] == 0.5


def test_sigmoid_matches_its_definition_where_that_is_safe():
    z = np.linspace(-30, 30, 601)
    # 1 + tanh(z/2) cancels for z far below 0: accurate to 1e-16 absolute, not relative
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14, atol=2e-16)


def test_sigmoid_writes_into_out_without_touching_z():
    z = np.array([-1.0, 0.0, 2.0])
    out = np.empty(3)
    result = sigmoid(z, out=out)
    assert result is out
    np.testing.assert_array_equal(z, [-1.0, 0.0, 2.0])


@pytest.mark.parametrize("z0", [-3.0, -0.5, 0.0, 0.7, 4.0])
def test_slopes_from_outputs_are_the_derivatives(z0):
    z = np.array([z0])
    dsig = numerical_gradient(lambda v: sigmoid(v)[0], z)
    dtanh = numerical_gradient(lambda v: np.tanh(v)[0], z)
    np.testing.assert_allclose(sigmoid_grad_from_output(sigmoid(z)), dsig, rtol=1e-8)
    np.testing.assert_allclose(tanh_grad_from_output(np.tanh(z)), dtanh, rtol=1e-8)


def test_sigmoid_of_a_plain_number_is_a_float():
    assert sigmoid(0.0) == 0.5
    assert isinstance(sigmoid(2), float)
    assert sigmoid(-1e4) == 0.0 and sigmoid(1e4) == 1.0
