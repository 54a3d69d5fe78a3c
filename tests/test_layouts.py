"""Our weights in PyTorch's, Keras's and CS231n's layouts: exact round trips, the same h, clear errors.

Keras and CS231n are not installed: each is represented by a short forward written in its
own equations and layout, as its documentation defines it. PyTorch itself is compared in
``tests/test_frameworks.py`` where it is installed.
"""

import inspect

import numpy as np
import pytest

import lstm_core as lc
from lstm_core.layouts import (
    CS231N_GATE_ORDER,
    KERAS_GATE_ORDER,
    TORCH_GATE_ORDER,
    from_cs231n,
    from_keras,
    from_torch,
    gru_from_torch,
    gru_to_torch,
    to_cs231n,
    to_keras,
    to_torch,
)

SIZES = [(1, 1), (3, 2), (2, 5), (8, 2)]  # (D, H); D = 4H in the last, a square kernel


def random_lstm(D, H, seed=0):
    rng = np.random.default_rng(seed)
    return lc.LSTMParams(rng.standard_normal((4 * H, D + H)), rng.standard_normal(4 * H))


def random_gru(D, H, seed=0):
    rng = np.random.default_rng(seed)
    return lc.GRUParams(
        rng.standard_normal((3 * H, D)),
        rng.standard_normal((3 * H, H)),
        rng.standard_normal(3 * H),
        rng.standard_normal(3 * H),
    )


def labelled_lstm(D, H):
    """Row block of gate g (a, i, f, o) filled with its index 0..3 (b too), to read orders off."""
    labels = np.repeat(np.arange(4.0), H)
    return lc.LSTMParams(np.tile(labels[:, None], (1, D + H)), labels)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------- round trips, exact


@pytest.mark.parametrize("D, H", SIZES)
def test_ours_to_each_layout_and_back_is_exact(D, H):
    params = random_lstm(D, H)
    for back in (from_torch(to_torch(params)), from_keras(*to_keras(params)), from_cs231n(*to_cs231n(params))):
        np.testing.assert_array_equal(back.W, params.W)
        np.testing.assert_array_equal(back.b, params.b)


@pytest.mark.parametrize("D, H", SIZES)
def test_each_layout_to_ours_and_back_is_exact(D, H):
    rng = np.random.default_rng(1)
    kernel, recurrent, bias = (
        rng.standard_normal((D, 4 * H)),
        rng.standard_normal((H, 4 * H)),
        rng.standard_normal(4 * H),
    )
    for to, frm in ((to_keras, from_keras), (to_cs231n, from_cs231n)):
        for ours, theirs in zip(to(frm(kernel, recurrent, bias)), (kernel, recurrent, bias)):
            np.testing.assert_array_equal(ours, theirs)
    state = {
        "weight_ih_l0": rng.standard_normal((4 * H, D)),
        "weight_hh_l0": rng.standard_normal((4 * H, H)),
        "bias_ih_l0": rng.standard_normal(4 * H),
        "bias_hh_l0": np.zeros(4 * H),
    }
    for name, value in to_torch(from_torch(state)).items():
        np.testing.assert_array_equal(value, state[name], err_msg=name)


@pytest.mark.parametrize("D, H", SIZES)
def test_gru_to_torch_and_back_is_exact(D, H):
    params = random_gru(D, H)
    state = gru_to_torch(params)
    assert list(state) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    back = gru_from_torch(state)
    for name in ("W_x", "W_h", "b_x", "b_h"):
        np.testing.assert_array_equal(getattr(back, name), getattr(params, name), err_msg=name)


# ------------------------------------------------------------------- what goes where


def test_to_torch_puts_b_in_bias_ih_and_zeros_in_bias_hh():
    params = random_lstm(3, 2)
    state = to_torch(params)
    assert list(state) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    np.testing.assert_array_equal(state["bias_hh_l0"], np.zeros(8))
    np.testing.assert_array_equal(from_torch(state).b, params.b)
    assert state["weight_ih_l0"].shape == (8, 3) and state["weight_hh_l0"].shape == (8, 2)
    assert all(value.dtype == np.float64 for value in state.values())


def test_from_torch_adds_the_two_biases():
    rng = np.random.default_rng(2)
    state = {k: v for k, v in to_torch(random_lstm(3, 2)).items()}
    b_ih, b_hh = rng.standard_normal(8), rng.standard_normal(8)
    state["bias_ih_l0"], state["bias_hh_l0"] = b_ih, b_hh
    both = from_torch(state).b
    state["bias_ih_l0"], state["bias_hh_l0"] = b_ih + b_hh, np.zeros(8)
    np.testing.assert_array_equal(both, from_torch(state).b)


@pytest.mark.parametrize(
    "to, order",
    [
        (lambda p: to_torch(p)["bias_ih_l0"], TORCH_GATE_ORDER),
        (lambda p: to_keras(p)[2], KERAS_GATE_ORDER),
        (lambda p: to_cs231n(p)[2], CS231N_GATE_ORDER),
    ],
)
def test_each_layout_has_its_documented_gate_order(to, order):
    """Our blocks a, i, f, o are labelled 0..3: each layout reads them in its own order."""
    H = 2
    ours = {"a": 0, "i": 1, "f": 2, "o": 3, "g": 0, "c": 0}  # their candidate is our a
    np.testing.assert_array_equal(to(labelled_lstm(3, H)), np.repeat([ours[name] for name in order], H))


def test_weights_are_placed_by_gate_and_transposed_for_keras_and_cs231n():
    params = labelled_lstm(3, 2)
    for kernel, recurrent, order in (
        (*to_keras(params)[:2], KERAS_GATE_ORDER),
        (*to_cs231n(params)[:2], CS231N_GATE_ORDER),
    ):
        assert kernel.shape == (3, 8) and recurrent.shape == (2, 8)
        expected = np.repeat([{"a": 0, "i": 1, "f": 2, "o": 3}.get(g, 0) for g in order], 2)
        np.testing.assert_array_equal(kernel, np.tile(expected, (3, 1)))
    np.testing.assert_array_equal(to_torch(params)["weight_hh_l0"][:, 0], np.repeat([1, 2, 0, 3], 2))


def test_missing_biases_mean_zero():
    """nn.LSTM(bias=False) has no bias keys; Keras's use_bias=False gives no bias."""
    params = random_lstm(3, 2)
    state = to_torch(params)
    del state["bias_ih_l0"], state["bias_hh_l0"]
    np.testing.assert_array_equal(from_torch(state).b, np.zeros(8))
    np.testing.assert_array_equal(from_torch(state).W, params.W)
    np.testing.assert_array_equal(from_keras(*to_keras(params)[:2]).b, np.zeros(8))
    gru_state = gru_to_torch(random_gru(3, 2))
    del gru_state["bias_ih_l0"], gru_state["bias_hh_l0"]
    np.testing.assert_array_equal(gru_from_torch(gru_state).b_h, np.zeros(6))


class FakeTensor:
    """What from_torch needs of a torch tensor: .detach(), .cpu() and the array protocol."""

    def __init__(self, array):
        self.array, self.detached = np.asarray(array, dtype=np.float32), False

    def detach(self):
        copy = FakeTensor(self.array)
        copy.detached = True
        return copy

    def cpu(self):
        return self

    def __array__(self, dtype=None, copy=None):
        assert self.detached, "np.asarray on a tensor that was not detached"
        return self.array if dtype is None else self.array.astype(dtype)


def test_tensors_are_detached_and_converted_without_importing_torch():
    params = random_lstm(3, 2)
    state = {name: FakeTensor(value) for name, value in to_torch(params).items()}
    back = from_torch(state)
    assert back.W.dtype == np.float64
    np.testing.assert_allclose(back.W, params.W, rtol=1e-6)
    gru = random_gru(3, 2)
    np.testing.assert_allclose(
        gru_from_torch({k: FakeTensor(v) for k, v in gru_to_torch(gru).items()}).W_h, gru.W_h, rtol=1e-6
    )


# ------------------------------------------- the same h, in the others' own equations


def keras_lstm(x, kernel, recurrent_kernel, bias, h0, c0):
    """Keras's LSTM cell (recurrent_activation sigmoid, activation tanh), x batch first (B, T, D).

    z = x·kernel + h·recurrent_kernel + bias, split into i, f, c, o:
    c_t = f ⊙ c_{t-1} + i ⊙ tanh(z_c), h_t = o ⊙ tanh(c_t). Returns every h_t, (B, T, H).
    """
    h, c, outputs = h0, c0, []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent_kernel + bias
        z0, z1, z2, z3 = np.split(z, 4, axis=-1)
        i, f, o = sigmoid(z0), sigmoid(z1), sigmoid(z3)
        c = f * c + i * np.tanh(z2)
        h = o * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, axis=1)


def cs231n_lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """CS231n assignment 3's lstm_step_forward: a = x Wx + prev_h Wh + b, split into i, f, o, g."""
    H = prev_h.shape[1]
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    i, f, o, g = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H]), sigmoid(a[:, 2 * H : 3 * H]), np.tanh(a[:, 3 * H :])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c


def cs231n_lstm_forward(x, h0, Wx, Wh, b):
    """CS231n's lstm_forward: x (N, T, D) batch first, the cell state starting at zero; h (N, T, H)."""
    N, T, _ = x.shape
    h, c = np.empty((N, T, h0.shape[1])), np.zeros_like(h0)
    prev_h = h0
    for t in range(T):
        prev_h, c = cs231n_lstm_step_forward(x[:, t], prev_h, c, Wx, Wh, b)
        h[:, t] = prev_h
    return h


@pytest.mark.parametrize("D, H", [(1, 1), (3, 2), (2, 5)])
def test_keras_equations_on_converted_weights_give_our_h(D, H):
    rng = np.random.default_rng(D * 10 + H)
    params = random_lstm(D, H, seed=D + H)
    x, h0, s0 = rng.standard_normal((6, 3, D)), rng.standard_normal((3, H)), rng.standard_normal((3, H))
    ours = lc.lstm_forward(params, x, h0, s0).h  # (T, B, H)
    theirs = keras_lstm(x.transpose(1, 0, 2), *to_keras(params), h0, s0)  # (B, T, H)
    np.testing.assert_allclose(theirs.transpose(1, 0, 2), ours, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("D, H", [(1, 1), (3, 2), (2, 5)])
def test_cs231n_equations_on_converted_weights_give_our_h(D, H):
    rng = np.random.default_rng(D * 10 + H)
    params = random_lstm(D, H, seed=D * H)
    x, h0 = rng.standard_normal((6, 3, D)), rng.standard_normal((3, H))
    ours = lc.lstm_forward(params, x, h0).h
    theirs = cs231n_lstm_forward(x.transpose(1, 0, 2), h0, *to_cs231n(params))
    np.testing.assert_allclose(theirs.transpose(1, 0, 2), ours, rtol=1e-12, atol=1e-14)


def test_their_weights_converted_to_ours_give_their_h():
    rng = np.random.default_rng(5)
    D, H = 3, 4
    kernel, recurrent, bias = (
        rng.standard_normal((D, 4 * H)),
        rng.standard_normal((H, 4 * H)),
        rng.standard_normal(4 * H),
    )
    x, h0, c0 = rng.standard_normal((2, 5, D)), rng.standard_normal((2, H)), rng.standard_normal((2, H))
    np.testing.assert_allclose(
        lc.lstm_forward(from_keras(kernel, recurrent, bias), x.transpose(1, 0, 2), h0, c0).h,
        keras_lstm(x, kernel, recurrent, bias, h0, c0).transpose(1, 0, 2),
        rtol=1e-12,
        atol=1e-14,
    )
    np.testing.assert_allclose(
        lc.lstm_forward(from_cs231n(kernel, recurrent, bias), x.transpose(1, 0, 2), h0).h,
        cs231n_lstm_forward(x, h0, kernel, recurrent, bias).transpose(1, 0, 2),
        rtol=1e-12,
        atol=1e-14,
    )


# -------------------------------------------------------------------------- bad input

P = random_lstm(3, 2)  # D = 3, H = 2
STATE = to_torch(P)
KERAS = to_keras(P)
G = random_gru(3, 2)
GRU_STATE = gru_to_torch(G)


def state_with(**changes):
    state = dict(STATE)
    for name, value in changes.items():
        if value is None:
            del state[name]
        else:
            state[name] = value
    return state


def renamed(state, suffix):
    return {name.replace("_l0", suffix): value for name, value in state.items()}


BAD_CALLS = {
    # --- PyTorch state dicts
    "two layers": (
        lambda: from_torch({**STATE, **renamed(STATE, "_l1")}),
        ValueError,
        r"2-layer LSTM .*weight_ih_l1.*one layer in one direction is supported",
    ),
    "bidirectional": (
        lambda: from_torch({**STATE, **renamed(STATE, "_l0_reverse")}),
        ValueError,
        r"bidirectional LSTM .*_reverse.*one layer in one direction is supported",
    ),
    "bidirectional GRU": (
        lambda: gru_from_torch({**GRU_STATE, **renamed(GRU_STATE, "_l0_reverse")}),
        ValueError,
        r"bidirectional GRU .*num_layers=1, bidirectional=False",
    ),
    "missing weight_hh": (
        lambda: from_torch(state_with(weight_hh_l0=None)),
        ValueError,
        r"state_dict is missing 'weight_hh_l0'",
    ),
    "one bias missing": (
        lambda: from_torch(state_with(bias_hh_l0=None)),
        ValueError,
        r"state_dict is missing 'bias_hh_l0'",
    ),
    "an unknown key": (
        lambda: from_torch(state_with(weight=np.ones(3))),
        ValueError,
        r"state_dict has keys \['weight'\] that an nn.LSTM does not have",
    ),
    "keys with a prefix": (
        lambda: from_torch({"lstm." + k: v for k, v in STATE.items()}),
        ValueError,
        r"carry a prefix \('lstm.weight_ih_l0'\).*own state_dict",
    ),
    "projection": (lambda: from_torch(state_with(weight_hr_l0=np.ones((2, 2)))), ValueError, r"proj_size"),
    "not a mapping": (lambda: from_torch([np.ones((8, 3))]), TypeError, r"state_dict must be a mapping"),
    "a module, not its state dict": (
        lambda: from_torch(type("LSTM", (), {"state_dict": lambda self: STATE})()),
        TypeError,
        r"got LSTM \(call .state_dict\(\) on it\)",
    ),
    "a GRU's state dict to from_torch": (
        lambda: from_torch(GRU_STATE),
        ValueError,
        r"weight_hh_l0'\] has 6 = 3·H rows for H = 2.*GRU's.*gru_from_torch",
    ),
    "an LSTM's state dict to gru_from_torch": (
        lambda: gru_from_torch(STATE),
        ValueError,
        r"has 8 = 4·H rows for H = 2.*LSTM's.*from_torch",
    ),
    "weight_ih rows wrong": (
        lambda: from_torch(state_with(weight_ih_l0=np.ones((7, 3)))),
        ValueError,
        r"state_dict\['weight_ih_l0'\] must have shape \(4·H, D\) with H = 2",
    ),
    "weight_ih 1-D": (
        lambda: from_torch(state_with(weight_ih_l0=np.ones(8))),
        ValueError,
        r"state_dict\['weight_ih_l0'\] must have 2 dimensions",
    ),
    "bias wrong length": (
        lambda: from_torch(state_with(bias_ih_l0=np.ones(6))),
        ValueError,
        r"state_dict\['bias_ih_l0'\] must have shape \(8,\)",
    ),
    "bias with NaN": (
        lambda: from_torch(state_with(bias_hh_l0=np.full(8, np.nan))),
        ValueError,
        r"state_dict\['bias_hh_l0'\] contains NaN or inf",
    ),
    "weights of text": (
        lambda: from_torch(state_with(weight_hh_l0=np.full((8, 2), "w"))),
        TypeError,
        r"state_dict\['weight_hh_l0'\] must be an array of real numbers",
    ),
    "to_torch of a GRU": (
        lambda: to_torch(G),
        TypeError,
        r"params must be an LSTMParams \(a GRUParams converts with gru_to_torch\)",
    ),
    "gru_to_torch of an LSTM": (
        lambda: gru_to_torch(P),
        TypeError,
        r"params must be a GRUParams \(an LSTMParams converts with to_torch\)",
    ),
    "to_keras of an array": (lambda: to_keras(P.W), TypeError, r"params must be an LSTMParams, got ndarray"),
    # --- Keras
    "kernel transposed": (
        lambda: from_keras(KERAS[0].T, KERAS[1], KERAS[2]),
        ValueError,
        r"kernel has shape \(8, 3\), which is \(4H, D\) for H = 2: Keras stores it as \(D, 4H\).*transposed",
    ),
    "recurrent_kernel transposed": (
        lambda: from_keras(KERAS[0], KERAS[1].T, KERAS[2]),
        ValueError,
        r"recurrent_kernel has shape \(8, 2\), which is \(4H, H\).*transposed",
    ),
    "both transposed": (
        lambda: from_keras(KERAS[0].T, KERAS[1].T, KERAS[2]),
        ValueError,
        r"recurrent_kernel .*transposed",
    ),
    "a Keras GRU": (
        lambda: from_keras(np.ones((3, 6)), np.ones((2, 6)), np.ones((2, 6))),
        ValueError,
        r"recurrent_kernel has shape \(2, 6\), 3·H gate columns.*GRU's.*gru_from_torch",
    ),
    "a GRU kernel with an LSTM recurrent kernel": (
        lambda: from_keras(np.ones((3, 6)), KERAS[1], KERAS[2]),
        ValueError,
        r"kernel has shape \(3, 6\), 3·H gate columns.*gru_from_torch",
    ),
    "a Keras GRU's bias (reset_after)": (
        lambda: from_keras(KERAS[0], KERAS[1], np.ones((2, 6))),
        ValueError,
        r"bias has shape \(2, 6\).*GRU's",
    ),
    "kernel of the wrong width": (
        lambda: from_keras(np.ones((3, 5)), KERAS[1], KERAS[2]),
        ValueError,
        r"kernel must have shape \(D, 4H\) with 4H = 8",
    ),
    "recurrent_kernel of the wrong width": (
        lambda: from_keras(KERAS[0], np.ones((2, 5)), KERAS[2]),
        ValueError,
        r"recurrent_kernel must have shape \(H, 4H\) = \(2, 8\)",
    ),
    "bias wrong for Keras": (
        lambda: from_keras(KERAS[0], KERAS[1], np.ones(7)),
        ValueError,
        r"bias must have shape \(4H,\) = \(8,\)",
    ),
    "kernel with inf": (
        lambda: from_keras(np.full((3, 8), np.inf), KERAS[1], KERAS[2]),
        ValueError,
        r"kernel contains NaN or inf",
    ),
    # --- CS231n
    "Wx transposed": (
        lambda: from_cs231n(KERAS[0].T, KERAS[1], KERAS[2]),
        ValueError,
        r"Wx has shape \(8, 3\), which is \(4H, D\) for H = 2: CS231n stores it as \(D, 4H\).*pass Wx.T",
    ),
    "Wh transposed": (
        lambda: from_cs231n(KERAS[0], KERAS[1].T, KERAS[2]),
        ValueError,
        r"Wh has shape \(8, 2\).*transposed",
    ),
    "GRU-sized Wx, Wh": (lambda: from_cs231n(np.ones((3, 6)), np.ones((2, 6)), np.ones(6)), ValueError, r"Wh .*GRU's"),
    "b None for CS231n": (lambda: from_cs231n(KERAS[0], KERAS[1], None), TypeError, r"b must be an array"),
    "b GRU-sized": (lambda: from_cs231n(KERAS[0], KERAS[1], np.ones(6)), ValueError, r"b has shape \(6,\).*GRU's"),
}


@pytest.mark.parametrize("case", list(BAD_CALLS), ids=list(BAD_CALLS))
def test_bad_input_gets_a_clear_error(case):
    call, error, message = BAD_CALLS[case]
    with pytest.raises(error, match=message):
        call()


def test_no_conversion_changes_what_it_is_given():
    params, gru = random_lstm(3, 2), random_gru(3, 2)
    inputs = {
        "W": params.W,
        "b": params.b,
        **{k: v for k, v in STATE.items()},
        "kernel": KERAS[0],
        "recurrent_kernel": KERAS[1],
        "bias": KERAS[2],
        "W_h": gru.W_h,
    }
    before = {name: value.copy() for name, value in inputs.items()}
    state = dict(STATE, bias_hh_l0=np.ones(8))
    before["bias_hh_l0 (ones)"] = state["bias_hh_l0"].copy()
    to_torch(params), to_keras(params), to_cs231n(params), gru_to_torch(gru)
    from_torch(state), from_keras(*KERAS), from_cs231n(*KERAS), gru_from_torch(GRU_STATE)
    for name, value in inputs.items():
        np.testing.assert_array_equal(value, before[name], err_msg=f"{name} was changed")
    np.testing.assert_array_equal(state["bias_hh_l0"], before["bias_hh_l0 (ones)"])


def test_converted_arrays_share_no_memory_with_the_parameters():
    params = random_lstm(3, 2)
    for array in (*to_torch(params).values(), *to_keras(params), *to_cs231n(params)):
        assert not np.shares_memory(array, params.W) and not np.shares_memory(array, params.b)
    gru = random_gru(3, 2)
    for array in gru_to_torch(gru).values():
        assert not any(np.shares_memory(array, getattr(gru, name)) for name in ("W_x", "W_h", "b_x", "b_h"))


def test_every_conversion_is_documented_with_shapes():
    for function in (to_torch, from_torch, to_keras, from_keras, to_cs231n, from_cs231n, gru_to_torch, gru_from_torch):
        doc = inspect.getdoc(function)
        assert doc and "H" in doc, function.__name__
