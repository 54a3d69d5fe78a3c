"""The GRU is checked like the LSTM: finite differences, the step functions, a scalar loop, bad input.

PyTorch's ``nn.GRU`` itself is compared in ``tests/test_frameworks.py`` where it is installed.
"""

import importlib.util
import itertools
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import lstm_core as lc
from lstm_core import (
    GRUParams,
    gru_backward,
    gru_forward,
    gru_step_backward,
    gru_step_forward,
    init_gru_params,
    numerical_gradient,
    relative_error,
)

TOLERANCE = 1e-7  # docs/notation.md: relative error below 1e-7 in float64
ROOT = Path(__file__).resolve().parent.parent
# (T, B, D, H); B None is one sequence, without the batch axis
CASES = [(1, None, 1, 1), (4, None, 3, 2), (1, 1, 1, 1), (4, 3, 2, 3), (3, 2, 4, 1)]


def random_gru(D, H, seed=0):
    rng = np.random.default_rng(seed)
    return GRUParams(
        rng.normal(0, 0.7, (3 * H, D)),
        rng.normal(0, 0.7, (3 * H, H)),
        rng.normal(0, 0.5, 3 * H),
        rng.normal(0, 0.5, 3 * H),
    )


def problem(T, B, D, H, seed=0):
    rng = np.random.default_rng(seed + 100)
    batch = () if B is None else (B,)
    return (
        random_gru(D, H, seed),
        rng.standard_normal((T, *batch, D)),
        rng.standard_normal((*batch, H)),
        rng.standard_normal((T, *batch, H)),
    )


def loss(params, x, h0, dh_loss):
    """``L = Σ_t g_t · h_t``, whose ∂L/∂h_t is exactly ``g_t``."""
    return float(np.sum(dh_loss * gru_forward(params, x, h0).h))


# ------------------------------------------------------------- finite differences


@pytest.mark.parametrize("T, B, D, H", CASES)
def test_gradients_match_finite_differences(T, B, D, H):
    params, x, h0, dh = problem(T, B, D, H, seed=T + D + H)
    grads = gru_backward(gru_forward(params, x, h0), dh)
    numeric = {
        name: numerical_gradient(
            lambda v, name=name: loss(replace(params, **{name: v}), x, h0, dh), getattr(params, name)
        )
        for name in ("W_x", "W_h", "b_x", "b_h")
    }
    numeric["x"] = numerical_gradient(lambda v: loss(params, v, h0, dh), x)
    numeric["h0"] = numerical_gradient(lambda v: loss(params, x, v, dh), h0)
    analytic = {
        "W_x": grads.dW_x,
        "W_h": grads.dW_h,
        "b_x": grads.db_x,
        "b_h": grads.db_h,
        "x": grads.dx,
        "h0": grads.dh0,
    }
    errors = {name: relative_error(analytic[name], numeric[name]) for name in numeric}
    assert max(errors.values()) < TOLERANCE, errors


@pytest.mark.parametrize("T, B, D, H", [(4, None, 2, 3), (3, 2, 2, 2)])
def test_the_total_at_each_h_t_matches_finite_differences(T, B, D, H):
    """``grads.dh[k]`` is δh_t, the total: nudge h_t, run the rest of the sequence from it."""
    params, x, h0, dh = problem(T, B, D, H, seed=7)
    trace = gru_forward(params, x, h0)
    grads = gru_backward(trace, dh)
    for k in range(T):

        def nudged(v, k=k):
            rest = float(np.sum(dh[k + 1 :] * gru_forward(params, x[k + 1 :], v).h)) if k + 1 < T else 0.0
            return float(np.sum(dh[:k] * trace.h[:k])) + float(np.sum(dh[k] * v)) + rest

        assert relative_error(grads.dh[k], numerical_gradient(nudged, trace.h[k])) < TOLERANCE, k


def test_dh_next_is_what_arrives_at_h_T_from_beyond():
    params, x, h0, dh = problem(4, 2, 3, 2)
    beyond = np.random.default_rng(3).standard_normal((2, 2))
    with_next = gru_backward(gru_forward(params, x, h0), dh, dh_next=beyond)
    added = dh.copy()
    added[-1] += beyond
    plain = gru_backward(gru_forward(params, x, h0), added)
    for name in ("dW_x", "dW_h", "db_x", "db_h", "dx", "dh0", "dh"):
        np.testing.assert_allclose(getattr(with_next, name), getattr(plain, name), rtol=1e-13, atol=1e-15)


# ----------------------------------------------------------- the step functions, looped


@pytest.mark.parametrize("B", [None, 3])
def test_sequence_is_the_step_functions_looped(B):
    T, D, H = 5, 3, 4
    params, x, h0, dh = problem(T, B, D, H, seed=11)
    trace = gru_forward(params, x, h0)
    grads = gru_backward(trace, dh)

    steps, h = [], h0
    for t in range(T):
        step = gru_step_forward(params, x[t], h)
        steps.append(step)
        h = step.h
        for name in ("h", "gates", "hn", "h_prev", "r", "z", "n"):
            np.testing.assert_allclose(getattr(trace.step(t), name), getattr(step, name), rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(trace.h[t], step.h, rtol=1e-13, atol=1e-15)

    dh_next = np.zeros_like(h0)
    sums = {name: np.zeros_like(getattr(params, name)) for name in ("W_x", "W_h", "b_x", "b_h")}
    for t in reversed(range(T)):
        back = gru_step_backward(steps[t], dh[t] + dh_next)
        for name in ("dh", "dZ", "dZh", "dgates", "dx", "dh_direct"):
            np.testing.assert_allclose(
                getattr(grads, name)[t], getattr(back, name), rtol=1e-12, atol=1e-14, err_msg=f"{name} at step {t + 1}"
            )
        np.testing.assert_allclose(back.dh_prev, back.dh_direct + back.dh_via_gates, rtol=1e-15, atol=0)
        for name in sums:
            sums[name] += getattr(back, "d" + name)
        dh_next = back.dh_prev
    np.testing.assert_allclose(grads.dh0, dh_next, rtol=1e-12, atol=1e-14)
    for name, total in sums.items():
        np.testing.assert_allclose(getattr(grads, "d" + name), total, rtol=1e-12, atol=1e-14, err_msg=name)


def test_a_step_from_a_trace_backs_up_like_the_sequence():
    params, x, h0, dh = problem(3, 2, 2, 3)
    trace = gru_forward(params, x, h0)
    grads = gru_backward(trace, dh)
    last = gru_step_backward(trace.step(-1), dh[-1])
    np.testing.assert_allclose(last.dZ, grads.dZ[-1], rtol=1e-13)
    np.testing.assert_allclose(last.dgate("z"), grads.dgate("z")[-1], rtol=1e-13)
    with pytest.raises(IndexError, match="k must be in"):
        trace.step(3)


# ------------------------------------------------------------ a scalar reference loop


def scalar_gru(params, x, h0):
    """PyTorch's GRU equations unit by unit with Python floats, for one sequence x (T, D)."""
    W_x, W_h, b_x, b_h = params.W_x, params.W_h, params.b_x, params.b_h
    H = len(h0)
    h, outputs = [float(v) for v in h0], []
    for x_t in x:
        new = []
        for j in range(H):

            def pre(row, W_x=W_x, W_h=W_h, b_x=b_x, b_h=b_h, x_t=x_t, h=h):
                from_x = sum(W_x[row, d] * x_t[d] for d in range(len(x_t))) + b_x[row]
                from_h = sum(W_h[row, k] * h[k] for k in range(H)) + b_h[row]
                return from_x, from_h

            r = 1 / (1 + math.exp(-sum(pre(j))))  # r = σ(W_ir x + b_ir + W_hr h + b_hr)
            z = 1 / (1 + math.exp(-sum(pre(H + j))))  # z = σ(W_iz x + b_iz + W_hz h + b_hz)
            n_from_x, n_from_h = pre(2 * H + j)
            n = math.tanh(n_from_x + r * n_from_h)  # n = tanh(W_in x + b_in + r (W_hn h + b_hn))
            new.append((1 - z) * n + z * h[j])  # h' = (1 - z) n + z h
        h = new
        outputs.append(h)
    return np.array(outputs)


@pytest.mark.parametrize("T, D, H", [(1, 1, 1), (4, 3, 2), (3, 2, 5)])
def test_forward_matches_a_scalar_loop(T, D, H):
    params, x, h0, _ = problem(T, None, D, H, seed=D * H)
    np.testing.assert_allclose(gru_forward(params, x, h0).h, scalar_gru(params, x, h0), rtol=1e-12, atol=1e-14)
    batched = gru_forward(params, np.stack([x, -x], axis=1), np.stack([h0, h0]))
    np.testing.assert_allclose(batched.h[:, 1], scalar_gru(params, -x, h0), rtol=1e-12, atol=1e-14)


def test_batched_equals_one_sequence_at_a_time():
    params, x, h0, dh = problem(4, 2, 3, 2)
    grads = gru_backward(gru_forward(params, x, h0), dh)
    singles = [gru_backward(gru_forward(params, x[:, k], h0[k]), dh[:, k]) for k in range(2)]
    for name in ("dW_x", "dW_h", "db_x", "db_h"):
        np.testing.assert_allclose(getattr(grads, name), sum(getattr(s, name) for s in singles), rtol=1e-12)
    np.testing.assert_allclose(grads.dx[:, 1], singles[1].dx, rtol=1e-12)
    np.testing.assert_allclose(grads.dh0[0], singles[0].dh0, rtol=1e-12)


# ---------------------------------------------------------------- the two paths back


def test_without_recurrent_weights_the_gradient_goes_back_through_the_product_of_z():
    """W_h = 0: h_{t-1} reaches h_t only along the direct path, so δh_0 = (Π_t z_t) ⊙ g_T."""
    D, H, T = 2, 3, 6
    rng = np.random.default_rng(4)
    params = GRUParams(
        rng.standard_normal((3 * H, D)), np.zeros((3 * H, H)), rng.standard_normal(3 * H), rng.standard_normal(3 * H)
    )
    trace = gru_forward(params, rng.standard_normal((T, D)))
    dh = np.zeros((T, H))
    dh[-1] = rng.standard_normal(H)
    grads = gru_backward(trace, dh)
    np.testing.assert_allclose(grads.dh0, np.prod(trace.z, axis=0) * dh[-1], rtol=1e-13)


def test_each_step_hands_back_its_direct_path_plus_the_gates():
    params, x, h0, dh = problem(5, 2, 3, 2)
    trace = gru_forward(params, x, h0)
    grads = gru_backward(trace, dh)
    np.testing.assert_allclose(grads.dh_direct, trace.z * grads.dh, rtol=1e-15)
    H = 2
    np.testing.assert_allclose(grads.dZh[..., : 2 * H], grads.dZ[..., : 2 * H], rtol=0)
    np.testing.assert_allclose(grads.dZh[..., 2 * H :], trace.r * grads.dZ[..., 2 * H :], rtol=1e-15)
    for t in range(1, 5):  # δh_{t-1} = g_{t-1} + z_t ⊙ δh_t + W_hᵀ δZh_t
        handed_back = grads.dh_direct[t] + grads.dZh[t] @ params.W_h
        np.testing.assert_allclose(grads.dh[t - 1], dh[t - 1] + handed_back, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grads.dgate("n"), grads.dh * (1 - trace.z), rtol=1e-15)
    np.testing.assert_allclose(grads.dgate("z"), grads.dh * (trace.h_prev - trace.n), rtol=1e-15)


# ------------------------------------------------------------- parameters and updates


def test_init_gru_params_is_uniform_with_zero_biases_and_reproducible():
    params = init_gru_params(3, 4, seed=2)
    assert params.W_x.shape == (12, 3) and params.W_h.shape == (12, 4)
    assert params.b_x.shape == params.b_h.shape == (12,)
    assert (params.input_size, params.hidden_size) == (3, 4)
    bound = 1 / np.sqrt(4)
    assert np.abs(params.W_x).max() <= bound and np.abs(params.W_h).max() <= bound
    assert np.abs(params.W_h).max() > 0.5 * bound
    np.testing.assert_array_equal(params.b_x, 0)
    np.testing.assert_array_equal(params.b_h, 0)
    np.testing.assert_array_equal(init_gru_params(3, 4, seed=2).W_h, params.W_h)
    assert not np.array_equal(init_gru_params(3, 4, seed=3).W_h, params.W_h)
    assert np.abs(init_gru_params(3, 4, scale=0.01).W_x).max() <= 0.01
    W_x, W_h, b_x, b_h = params.gate("z")
    np.testing.assert_array_equal(W_h, params.W_h[4:8])
    assert lc.GRU_GATE_ORDER == ("r", "z", "n") and lc.gru_gate_slice("n", 4) == slice(8, 12)


def test_the_robustness_noise_hook_can_wrap_init_gru_params(tmp_path, monkeypatch):
    """``tests/robustness/perturb_init.py`` multiplies every array field of what an initialiser returns."""
    monkeypatch.delenv("LSTM_CORE_NOISE_SEED", raising=False)  # import it without installing it
    spec = importlib.util.spec_from_file_location("perturb_init", ROOT / "tests" / "robustness" / "perturb_init.py")
    perturb = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(perturb)
    log = tmp_path / "noise.log"
    wrapped = perturb._perturbed(init_gru_params, 1, itertools.count(), str(log))
    clean, noisy = init_gru_params(3, 4, seed=0), wrapped(3, 4, seed=0)
    assert isinstance(noisy, GRUParams) and wrapped.__name__ == "init_gru_params"
    for name in ("W_x", "W_h"):
        change = np.abs(getattr(noisy, name) / getattr(clean, name) - 1)
        assert 0 < change.max() < 1e-10, name
    assert log.read_text() == "init_gru_params call 0\n"


def test_optimizers_and_clipping_take_gru_gradients():
    params, x, h0, dh = problem(3, 2, 2, 3)
    grads = gru_backward(gru_forward(params, x, h0), dh)
    assert set(grads.parameter_grads()) == {"W_x", "W_h", "b_x", "b_h"}
    stepped = lc.SGD(lr=0.1).step(params, grads)
    assert isinstance(stepped, GRUParams)
    np.testing.assert_allclose(stepped.W_h, params.W_h - 0.1 * grads.dW_h)
    lc.Adam(lr=0.01).step(params, grads)
    clipped, norm = lc.clip_grad_norm(grads, 1e-3)
    assert norm == pytest.approx(lc.grad_norm(grads)) and lc.grad_norm(clipped) == pytest.approx(1e-3)


# -------------------------------------------------------------------------- bad input

D, H, T, B = 3, 2, 4, 5
P = init_gru_params(D, H, seed=0)
X = np.random.default_rng(0).standard_normal((T, B, D))
TRACE = gru_forward(P, X)
STEP = gru_step_forward(P, X[0])


def with_nan(shape):
    a = np.ones(shape)
    a.flat[0] = np.nan
    return a


BAD_CALLS = {
    # --- parameters
    "W_x not 2-D": (
        lambda: GRUParams(np.ones(6), np.ones((6, 2)), np.zeros(6), np.zeros(6)),
        ValueError,
        r"W_x must have 2 dimensions",
    ),
    "W_h not 3H by H": (
        lambda: GRUParams(np.ones((6, 3)), np.ones((5, 2)), np.zeros(6), np.zeros(6)),
        ValueError,
        r"W_h must have shape \(3·H, H\) = \(6, 2\)",
    ),
    "W_h an LSTM's": (
        lambda: GRUParams(np.ones((8, 3)), np.ones((8, 2)), np.zeros(8), np.zeros(8)),
        ValueError,
        r"4·H rows are an LSTM's",
    ),
    "W_x rows differ from W_h": (
        lambda: GRUParams(np.ones((9, 3)), np.ones((6, 2)), np.zeros(6), np.zeros(6)),
        ValueError,
        r"W_x must have shape \(6, 3\)",
    ),
    "b_x wrong length": (
        lambda: GRUParams(np.ones((6, 3)), np.ones((6, 2)), np.zeros(5), np.zeros(6)),
        ValueError,
        r"b_x must have shape \(6,\)",
    ),
    "b_h 2-D": (
        lambda: GRUParams(np.ones((6, 3)), np.ones((6, 2)), np.zeros(6), np.zeros((2, 3))),
        ValueError,
        r"b_h must have 1 dimensions",
    ),
    "W_h with NaN": (
        lambda: GRUParams(np.ones((6, 3)), with_nan((6, 2)), np.zeros(6), np.zeros(6)),
        ValueError,
        r"W_h contains NaN or inf",
    ),
    "b_x of text": (
        lambda: GRUParams(np.ones((6, 3)), np.ones((6, 2)), np.full(6, "b"), np.zeros(6)),
        TypeError,
        r"b_x must be an array of real numbers",
    ),
    "W_x is None": (
        lambda: GRUParams(None, np.ones((6, 2)), np.zeros(6), np.zeros(6)),
        TypeError,
        r"W_x must be an array",
    ),
    "hidden_size zero": (lambda: init_gru_params(3, 0), ValueError, r"hidden_size must be a positive integer"),
    "input_size float": (lambda: init_gru_params(2.5, 2), TypeError, r"input_size must be a positive integer"),
    "scale negative": (lambda: init_gru_params(3, 2, scale=-1.0), ValueError, r"scale must be"),
    # --- forward
    "params an LSTMParams": (
        lambda: gru_forward(lc.init_params(D, H), X),
        TypeError,
        r"params must be a GRUParams .*got LSTMParams",
    ),
    "x 1-D": (lambda: gru_forward(P, np.ones(3)), ValueError, r"x must have 2 or 3 dimensions"),
    "x wrong feature size": (lambda: gru_forward(P, np.ones((4, 5, 2))), ValueError, r"x must have D = 3 features"),
    "x with NaN": (lambda: gru_forward(P, with_nan((4, 3))), ValueError, r"x contains NaN or inf"),
    "x of bools": (lambda: gru_forward(P, np.ones((4, 3), bool)), TypeError, r"x must be an array of real numbers"),
    "x no time steps": (lambda: gru_forward(P, np.ones((0, 3))), ValueError, r"x must not be empty"),
    "h0 wrong batch": (lambda: gru_forward(P, X, h0=np.zeros((4, H))), ValueError, r"h0 must have shape \(5, 2\)"),
    "h0 batched for one sequence": (
        lambda: gru_forward(P, X[:, 0], h0=np.zeros((1, H))),
        ValueError,
        r"h0 must have shape \(2,\)",
    ),
    # --- backward
    "trace an LSTM's": (
        lambda: gru_backward(lc.lstm_forward(lc.init_params(D, H), X), np.ones((T, B, H))),
        TypeError,
        r"trace must be a GRUTrace from gru_forward, got LSTMTrace",
    ),
    "trace a step": (lambda: gru_backward(STEP, np.ones((T, B, H))), TypeError, r"trace must be a GRUTrace"),
    "params passed first, as for the LSTM": (
        lambda: gru_backward(P, TRACE, np.ones((T, B, H))),
        TypeError,
        r"trace must be a GRUTrace .*got GRUParams",
    ),
    "dh_loss wrong shape": (
        lambda: gru_backward(TRACE, np.ones((T, B, H + 1))),
        ValueError,
        r"dh_loss must have shape \(4, 5, 2\)",
    ),
    "dh_loss with inf": (
        lambda: gru_backward(TRACE, np.full((T, B, H), np.inf)),
        ValueError,
        r"dh_loss contains NaN or inf",
    ),
    "dh_next wrong shape": (
        lambda: gru_backward(TRACE, np.ones((T, B, H)), dh_next=np.ones(H)),
        ValueError,
        r"dh_next must have shape \(5, 2\)",
    ),
    # --- one step
    "x_t 3-D": (lambda: gru_step_forward(P, X), ValueError, r"x_t must have 1 or 2 dimensions"),
    "x_t wrong size": (lambda: gru_step_forward(P, np.ones(4)), ValueError, r"x_t must have shape \(3,\)"),
    "h_prev wrong shape": (
        lambda: gru_step_forward(P, X[0], h_prev=np.ones(H)),
        ValueError,
        r"h_prev must have shape \(5, 2\)",
    ),
    "step params an array": (lambda: gru_step_forward(np.ones((6, 5)), X[0]), TypeError, r"params must be a GRUParams"),
    "step not a GRUStepTrace": (
        lambda: gru_step_backward(TRACE, np.ones((B, H))),
        TypeError,
        r"step must be a GRUStepTrace",
    ),
    "step dh wrong shape": (
        lambda: gru_step_backward(STEP, np.ones((B, H + 1))),
        ValueError,
        r"dh must have shape \(5, 2\)",
    ),
    "step dh with NaN": (lambda: gru_step_backward(STEP, with_nan((B, H))), ValueError, r"dh contains NaN"),
}


@pytest.mark.parametrize("case", list(BAD_CALLS), ids=list(BAD_CALLS))
def test_bad_input_gets_a_clear_error(case):
    call, error, message = BAD_CALLS[case]
    with pytest.raises(error, match=message):
        call()


def test_no_function_changes_the_arrays_it_is_given():
    rng = np.random.default_rng(3)
    arrays = {
        "W_x": rng.standard_normal((6, 3)),
        "W_h": rng.standard_normal((6, 2)),
        "b_x": rng.standard_normal(6),
        "b_h": rng.standard_normal(6),
        "x": rng.standard_normal((T, B, D)),
        "h0": rng.standard_normal((B, H)),
        "dh": rng.standard_normal((T, B, H)),
        "dh_next": rng.standard_normal((B, H)),
    }
    before = {name: value.copy() for name, value in arrays.items()}
    params = GRUParams(arrays["W_x"], arrays["W_h"], arrays["b_x"], arrays["b_h"])
    trace = gru_forward(params, arrays["x"], arrays["h0"])
    grads = gru_backward(trace, arrays["dh"], arrays["dh_next"])
    _ = grads.dgates, grads.dZh, grads.dh_direct
    step = gru_step_forward(params, arrays["x"][0], arrays["h0"])
    gru_step_backward(step, arrays["dh"][0])
    lc.layouts.gru_from_torch(lc.layouts.gru_to_torch(params))
    for name, value in arrays.items():
        np.testing.assert_array_equal(value, before[name], err_msg=f"{name} was changed")
    arrays["W_h"][:] = 7.0  # the parameters and the trace hold copies
    arrays["x"][:] = 7.0
    assert not np.any(params.W_h == 7.0) and not np.any(trace.x == 7.0)


def test_integer_arrays_are_accepted_as_numbers():
    params = GRUParams(np.ones((6, 3), dtype=int), np.ones((6, 2), dtype=int), np.zeros(6, int), np.zeros(6, int))
    trace = gru_forward(params, np.ones((2, 3), dtype=np.int32))
    assert trace.h.dtype == np.float64 and trace.h.shape == (2, 2)
