"""Bad input gets a TypeError or ValueError that names the argument; inputs are never changed."""

import numpy as np
import pytest

from lstm_core import (
    SGD,
    Adam,
    LSTMParams,
    Momentum,
    ReadoutParams,
    clip_grad_norm,
    gradcheck,
    init_params,
    init_readout,
    lstm_backward,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
    mse_loss,
    numerical_gradient,
    readout_backward,
    readout_forward,
    relative_error,
    sigmoid,
    softmax_cross_entropy,
)

D, H, T, B = 3, 2, 4, 5
P = init_params(D, H, seed=0)
X = np.random.default_rng(0).standard_normal((T, B, D))
TRACE = lstm_forward(P, X)
STEP = lstm_step_forward(P, X[0])
R = init_readout(H, 3)


def with_nan(shape, where=0):
    a = np.ones(shape)
    a.flat[where] = np.nan
    return a


BAD_CALLS = {
    # --- parameters
    "W not 2-D": (lambda: LSTMParams(np.ones(8), np.zeros(8)), ValueError, "W must have 2 dimensions"),
    "W rows not 4H": (lambda: LSTMParams(np.ones((7, 5)), np.zeros(7)), ValueError, "W must have 4·H rows"),
    "W has no input columns": (
        lambda: LSTMParams(np.ones((8, 2)), np.zeros(8)),
        ValueError,
        "W must have D\\+H columns",
    ),
    "b does not match W": (lambda: LSTMParams(np.ones((8, 5)), np.zeros(6)), ValueError, "b must have shape \\(8,\\)"),
    "W of strings": (
        lambda: LSTMParams(np.full((8, 5), "x"), np.zeros(8)),
        TypeError,
        "W must be an array of real numbers",
    ),
    "W is None": (lambda: LSTMParams(None, np.zeros(8)), TypeError, "W must be an array"),
    "b complex": (lambda: LSTMParams(np.ones((8, 5)), np.zeros(8, complex)), TypeError, "b must be an array of real"),
    "W with inf": (lambda: LSTMParams(np.full((8, 5), np.inf), np.zeros(8)), ValueError, "W contains NaN or inf"),
    "b with NaN": (lambda: LSTMParams(np.ones((8, 5)), with_nan(8)), ValueError, "b contains NaN or inf"),
    "input_size zero": (lambda: init_params(0, 2), ValueError, "input_size must be a positive integer"),
    "hidden_size negative": (lambda: init_params(2, -1), ValueError, "hidden_size must be a positive integer"),
    "hidden_size float": (lambda: init_params(2, 2.5), TypeError, "hidden_size must be a positive integer"),
    "input_size bool": (lambda: init_params(True, 2), TypeError, "input_size must be a positive integer"),
    "keep_bias text": (lambda: init_params(2, 2, keep_bias="1"), TypeError, "keep_bias must be a real number"),
    "keep_bias inf": (lambda: init_params(2, 2, keep_bias=np.inf), ValueError, "keep_bias must be finite"),
    "scale negative": (lambda: init_params(2, 2, scale=-1.0), ValueError, "scale must be"),
    # --- forward
    "params not LSTMParams": (lambda: lstm_forward(np.ones((8, 5)), X), TypeError, "params must be an LSTMParams"),
    "x 1-D": (lambda: lstm_forward(P, np.ones(3)), ValueError, "x must have 2 or 3 dimensions"),
    "x 4-D": (lambda: lstm_forward(P, np.ones((2, 2, 2, 3))), ValueError, "x must have 2 or 3 dimensions"),
    "x wrong feature size": (lambda: lstm_forward(P, np.ones((4, 5, 2))), ValueError, "x must have D = 3 features"),
    "x no time steps": (lambda: lstm_forward(P, np.ones((0, 5, 3))), ValueError, "x must not be empty"),
    "x with NaN": (lambda: lstm_forward(P, with_nan((4, 3))), ValueError, "x contains NaN or inf"),
    "x of objects": (
        lambda: lstm_forward(P, np.array([[1, None, 2]])),
        TypeError,
        "x must be an array of real numbers",
    ),
    "x ragged": (lambda: lstm_forward(P, [[1.0, 2.0, 3.0], [1.0]]), TypeError, "x must be an array of real numbers"),
    "x of bools": (lambda: lstm_forward(P, np.ones((4, 3), bool)), TypeError, "x must be an array of real numbers"),
    "x a string": (lambda: lstm_forward(P, "abc"), TypeError, "x must be an array of real numbers"),
    "h0 wrong batch": (lambda: lstm_forward(P, X, h0=np.zeros((4, H))), ValueError, "h0 must have shape \\(5, 2\\)"),
    "s0 wrong units": (lambda: lstm_forward(P, X, s0=np.zeros((B, 3))), ValueError, "s0 must have shape \\(5, 2\\)"),
    "h0 batched for one sequence": (
        lambda: lstm_forward(P, X[:, 0], h0=np.zeros((1, H))),
        ValueError,
        "h0 must have shape \\(2,\\)",
    ),
    "s0 with inf": (lambda: lstm_forward(P, X, s0=np.full((B, H), np.inf)), ValueError, "s0 contains NaN or inf"),
    # --- backward
    "trace not a trace": (lambda: lstm_backward(STEP, np.ones((T, B, H))), TypeError, "trace must be an LSTMTrace"),
    "trace a string": (
        lambda: lstm_backward("trace", np.ones((T, B, H))),
        TypeError,
        "trace must be an LSTMTrace from lstm_forward, got str",
    ),
    "dh_loss wrong shape": (
        lambda: lstm_backward(TRACE, np.ones((T, B, H + 1))),
        ValueError,
        "dh_loss must have shape \\(4, 5, 2\\)",
    ),
    "dh_loss missing a step": (
        lambda: lstm_backward(TRACE, np.ones((T - 1, B, H))),
        ValueError,
        "dh_loss must have shape",
    ),
    "dh_loss with NaN": (
        lambda: lstm_backward(TRACE, with_nan((T, B, H), 7)),
        ValueError,
        "dh_loss contains NaN or inf",
    ),
    "dh_loss of strings": (
        lambda: lstm_backward(TRACE, np.full((T, B, H), "a")),
        TypeError,
        "dh_loss must be an array of real",
    ),
    "ds_via_next wrong shape": (
        lambda: lstm_backward(TRACE, np.ones((T, B, H)), ds_via_next=np.ones(H)),
        ValueError,
        "ds_via_next must have shape",
    ),
    "dh_next with inf": (
        lambda: lstm_backward(TRACE, np.ones((T, B, H)), dh_next=np.full((B, H), -np.inf)),
        ValueError,
        "dh_next contains NaN",
    ),
    # --- one step
    "x_t 3-D": (lambda: lstm_step_forward(P, X), ValueError, "x_t must have 1 or 2 dimensions"),
    "x_t wrong size": (lambda: lstm_step_forward(P, np.ones(4)), ValueError, "x_t must have shape \\(3,\\)"),
    "h_prev wrong shape": (
        lambda: lstm_step_forward(P, X[0], h_prev=np.ones(H)),
        ValueError,
        "h_prev must have shape \\(5, 2\\)",
    ),
    "s_prev with NaN": (lambda: lstm_step_forward(P, X[0], s_prev=with_nan((B, H))), ValueError, "s_prev contains NaN"),
    "step not a StepTrace": (
        lambda: lstm_step_backward(P, TRACE, np.ones((B, H))),
        TypeError,
        "step must be a StepTrace",
    ),
    "step dh wrong shape": (
        lambda: lstm_step_backward(P, STEP, np.ones((B, H + 1))),
        ValueError,
        "dh must have shape \\(5, 2\\)",
    ),
    "step ds_via_next wrong shape": (
        lambda: lstm_step_backward(P, STEP, np.ones((B, H)), np.ones(H)),
        ValueError,
        "ds_via_next must have shape",
    ),
    "step with other params": (
        lambda: lstm_step_backward(init_params(2, 2), STEP, np.ones((B, H))),
        ValueError,
        "params.W must have shape",
    ),
    # --- gradient checking
    "gradcheck unknown array": (lambda: gradcheck(P, X, wrt=("V",)), ValueError, "wrt must name some of"),
    "gradcheck dh_loss wrong shape": (
        lambda: gradcheck(P, X, dh_loss=np.ones((T, H))),
        ValueError,
        "dh_loss must have shape",
    ),
    "relative_error shapes differ": (lambda: relative_error(np.ones(2), np.ones(3)), ValueError, "same shape"),
    "numerical_gradient f not callable": (
        lambda: numerical_gradient(3.0, np.ones(2)),
        TypeError,
        "f must be a function",
    ),
    "numerical_gradient eps zero": (lambda: numerical_gradient(np.sum, np.ones(2), eps=0.0), ValueError, "eps must be"),
    # --- activations and losses
    "sigmoid of text": (lambda: sigmoid("1.0"), TypeError, "z must be an array of real numbers"),
    "mse shapes differ": (
        lambda: mse_loss(np.ones((2, 3)), np.ones((3, 2))),
        ValueError,
        "target must have shape \\(2, 3\\)",
    ),
    "mse target NaN": (lambda: mse_loss(np.ones(3), with_nan(3)), ValueError, "target contains NaN"),
    "labels not integers": (
        lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([0.0, 1.0])),
        TypeError,
        "labels must be an array of integer",
    ),
    "labels out of range": (
        lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([0, 3])),
        ValueError,
        "labels must lie in \\[0, 3\\)",
    ),
    "labels negative": (
        lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([-1, 0])),
        ValueError,
        "labels must lie in",
    ),
    "labels wrong shape": (
        lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([0, 1, 2])),
        ValueError,
        "labels must have shape \\(2,\\)",
    ),
    "logits with inf": (
        lambda: softmax_cross_entropy(with_nan((2, 3)), np.array([0, 1])),
        ValueError,
        "logits contains NaN",
    ),
    # --- read-out
    "readout b mismatch": (
        lambda: ReadoutParams(np.ones((3, 2)), np.zeros(2)),
        ValueError,
        "b must have shape \\(3,\\)",
    ),
    "readout output_size zero": (lambda: init_readout(2, 0), ValueError, "output_size must be a positive integer"),
    "readout h wrong size": (lambda: readout_forward(R, np.ones((4, 3))), ValueError, "h must have H = 2 features"),
    "readout params wrong type": (
        lambda: readout_forward(P, np.ones((4, 2))),
        TypeError,
        "params must be a ReadoutParams",
    ),
    "readout dy wrong shape": (
        lambda: readout_backward(R, np.ones((4, 2)), np.ones((4, 2))),
        ValueError,
        "dy must have shape \\(4, 3\\)",
    ),
    # --- optimizers
    "lr zero": (lambda: SGD(lr=0.0), ValueError, "lr must be a finite positive number"),
    "lr text": (lambda: Adam(lr="fast"), TypeError, "lr must be a real number"),
    "beta one": (lambda: Momentum(lr=0.1, beta=1.0), ValueError, "beta must be in \\[0, 1\\)"),
    "beta2 negative": (lambda: Adam(beta2=-0.1), ValueError, "beta2 must be"),
    "step params not parameters": (
        lambda: SGD(0.1).step(np.ones(3), lstm_backward(TRACE, np.ones((T, B, H)))),
        TypeError,
        "params must be parameter objects",
    ),
    "step grads not gradients": (lambda: SGD(0.1).step(P, np.ones(3)), TypeError, "grads must be gradient objects"),
    "step grads for other params": (
        lambda: SGD(0.1).step(init_params(D, 3), lstm_backward(TRACE, np.ones((T, B, H)))),
        ValueError,
        "the gradient of W in grads\\[0\\] has shape",
    ),
    "step counts differ": (
        lambda: SGD(0.1).step((P, R), (lstm_backward(TRACE, np.ones((T, B, H))),)),
        ValueError,
        "grads must match params one to one",
    ),
    "clip max_norm negative": (
        lambda: clip_grad_norm(lstm_backward(TRACE, np.ones((T, B, H))), -1.0),
        ValueError,
        "max_norm must be",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CALLS), ids=list(BAD_CALLS))
def test_bad_input_gets_a_clear_error(case):
    call, error, message = BAD_CALLS[case]
    with pytest.raises(error, match=message):
        call()


def _snapshot(*arrays):
    return [np.array(a, copy=True) for a in arrays]


def test_no_function_changes_the_arrays_it_is_given():
    rng = np.random.default_rng(3)
    W, b = rng.standard_normal((4 * H, D + H)), rng.standard_normal(4 * H)
    x, h0, s0 = rng.standard_normal((T, B, D)), rng.standard_normal((B, H)), rng.standard_normal((B, H))
    dh, dh_next, ds_via_next = rng.standard_normal((T, B, H)), rng.standard_normal((B, H)), rng.standard_normal((B, H))
    target, labels = rng.standard_normal((T, B, 3)), rng.integers(0, 3, (T, B))
    inputs = [W, b, x, h0, s0, dh, dh_next, ds_via_next, target, labels]
    before = _snapshot(*inputs)

    params = LSTMParams(W, b)
    trace = lstm_forward(params, x, h0, s0)
    grads = lstm_backward(trace, dh, dh_next, ds_via_next)
    _ = grads.ds_via_h, grads.ds_via_next, grads.dgates, trace.z
    step = lstm_step_forward(params, x[0], h0, s0)
    lstm_step_backward(params, step, dh[0], ds_via_next)
    gradcheck(params, x[:2], dh[:2], h0, s0, wrt=("W", "x", "s"))
    y = readout_forward(R, trace.h)
    mse_loss(y, target)
    softmax_cross_entropy(y, labels)
    readout_backward(R, trace.h, target)
    sigmoid(x)
    for opt in (SGD(0.1), Momentum(0.1), Adam(0.1)):
        opt.step(params, grads)
        opt.step(params, grads)
    clip_grad_norm(grads, 1e-3)

    for name, old, new in zip("W b x h0 s0 dh dh_next ds_via_next target labels".split(), before, inputs):
        np.testing.assert_array_equal(old, new, err_msg=f"{name} was changed")


def test_parameters_and_traces_do_not_share_memory_with_the_caller():
    W, b = np.ones((4 * H, D + H)), np.zeros(4 * H)
    params = LSTMParams(W, b)
    W[:] = 7.0
    assert not np.any(params.W == 7.0)
    x = np.ones((T, D))
    trace = lstm_forward(params, x)
    x[:] = 2.0
    assert np.all(trace.x == 1.0)


def test_integer_arrays_are_accepted_as_numbers():
    params = LSTMParams(np.ones((8, 5), dtype=int), np.zeros(8, dtype=int))
    trace = lstm_forward(params, np.ones((2, 3), dtype=np.int32))
    assert trace.h.dtype == np.float64
