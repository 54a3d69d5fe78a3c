"""One step of the LSTM (lstm_core.cell): the gates in order, each activation and slope per gate block,
and the backward step's two paths into S_t."""

import numpy as np

from lstm_core import init_params, lstm_step_backward, lstm_step_forward
from lstm_core.activations import sigmoid, sigmoid_grad_from_output, tanh_grad_from_output
from lstm_core.cell import activation_derivatives, cell_backward, gate_activations, squash_derivative


def test_gate_activations_follow_the_gate_order(rng):
    z = rng.standard_normal((3, 8))  # H = 2: blocks a, i, f, o
    g = gate_activations(z)
    np.testing.assert_allclose(g[:, :2], np.tanh(z[:, :2]), rtol=1e-15)
    np.testing.assert_allclose(g[:, 2:], sigmoid(z[:, 2:]), rtol=1e-15)
    slopes = activation_derivatives(g)
    np.testing.assert_allclose(slopes[:, :2], tanh_grad_from_output(np.tanh(z[:, :2])), rtol=1e-14)
    np.testing.assert_allclose(slopes[:, 2:], sigmoid_grad_from_output(sigmoid(z[:, 2:])), rtol=1e-14)
    np.testing.assert_array_equal(activation_derivatives(g, linear=True), 1.0)
    np.testing.assert_array_equal(gate_activations(z, linear=True), z)


def test_activations_write_in_place_into_z(rng):
    """The sequence loop activates Z_t where it lies; that must give what a fresh array gets."""
    z = rng.standard_normal((4, 12)) * 5
    fresh = gate_activations(z)
    in_place = z.copy()
    assert gate_activations(in_place, out=in_place) is in_place
    np.testing.assert_array_equal(in_place, fresh)


def test_step_backward_splits_the_two_paths():
    params = init_params(2, 2, seed=3)
    step = lstm_step_forward(params, np.array([0.5, -1.0]), np.array([0.1, 0.2]), np.array([1.0, -1.0]))
    back = lstm_step_backward(params, step, dh=np.array([1.0, 2.0]), ds_via_next=np.array([0.3, -0.4]))
    np.testing.assert_array_equal(back.ds_via_next, [0.3, -0.4])
    np.testing.assert_allclose(back.ds_via_h, np.array([1.0, 2.0]) * step.o * (1 - np.tanh(step.s) ** 2))
    np.testing.assert_allclose(back.ds, back.ds_via_h + back.ds_via_next)
    np.testing.assert_allclose(back.ds_prev, back.ds * step.f)
    np.testing.assert_allclose(back.dgate("f"), back.ds * step.s_prev)
    np.testing.assert_allclose(back.dgate("o"), np.array([1.0, 2.0]) * np.tanh(step.s))


def test_slopes_computed_ahead_give_the_same_step_to_the_last_bit(rng):
    """The loop over time computes every step's slopes at once and hands them to ``cell_backward``;
    that must give exactly what the step computes on its own, and nothing different when linear."""
    for linear in (False, True):
        gates = gate_activations(rng.standard_normal((5, 12)), linear)  # B = 5, H = 3
        squashed_s = np.tanh(rng.standard_normal((5, 3)))
        dh, ds_via_next, s_prev = (rng.standard_normal((5, 3)) for _ in range(3))
        own = cell_backward(dh, ds_via_next, gates, s_prev, squashed_s, linear)
        slopes = (activation_derivatives(gates, linear), squash_derivative(squashed_s, linear))
        ahead = cell_backward(dh, ds_via_next, gates, s_prev, squashed_s, linear, slopes=slopes)
        for mine, theirs in zip(own, ahead):
            np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(squash_derivative(squashed_s), 1 - squashed_s**2)
    np.testing.assert_array_equal(squash_derivative(squashed_s, linear=True), 1.0)
