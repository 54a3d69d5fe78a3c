"""Notebook 07's exercise check, ``check_gru_step_backward``: a right answer passes, each
usual mistake gets exactly its diagnosis, the hidden cases grade on others, and a function
with the lesson's sizes written in does not pass."""

import numpy as np
import pytest

import lstm_core as lc
from lstm_core import checks, sigmoid
from lstm_core.checks.checker import CASE_SIZES, HIDDEN_CASE_SIZES
from lstm_core.checks.gru_step import gru_step_backward_exercise

# ------------------------------------------------------- a student's answer, by equation


def gru_step_backward(dh, x, h_prev, r, z, n, hn, W_h, *, keep="z", dn_gate=None, dz_flip=False, reset_by=None,
                      tanh_slope=None, sigmoid_slope=None, gates_path=True, reset_in_n=True, W_as_is=False):
    """One backward step of PyTorch's GRU, as a student would write it, block by block.

    Each keyword is one usual mistake; with none of them it is right.
    """
    H = dh.shape[0]
    W_hr, W_hz, W_hn = np.split(W_h, 3)
    dn = dh * (1 - z) if dn_gate is None else dh * dn_gate(z)
    dz = dh * (n - h_prev) if dz_flip else dh * (h_prev - n)
    dZ_n = dn * (1 - n * n) if tanh_slope is None else dn * tanh_slope(n)
    dr = dZ_n * hn if reset_by is None else reset_by(dZ_n, h_prev, W_hn)
    slope = (lambda g: g * (1 - g)) if sigmoid_slope is None else sigmoid_slope
    dZ_r, dZ_z = dr * slope(r), dz * slope(z)
    to_hn = r * dZ_n if reset_in_n else dZ_n  # the gradient of W_hn h_{t-1} + b_hn
    dh_prev = np.zeros(H)
    dh_prev += {"z": z, "1-z": 1 - z, "none": 0.0}[keep] * dh  # the direct path
    if gates_path:
        for W_block, grad in ((W_hr, dZ_r), (W_hz, dZ_z), (W_hn, to_hn)):
            dh_prev += (W_block if W_as_is else W_block.T) @ grad
    dZ = np.concatenate([dZ_r, dZ_z, dZ_n])
    dW_x = np.outer(dZ, x)
    dW_h = np.outer(np.concatenate([dZ_r, dZ_z, to_hn]), h_prev)
    return dh_prev, dZ, dW_x, dW_h


def wrong(**mistake):
    return lambda *args: gru_step_backward(*args, **mistake)


def _at_the_pre_activation_sigma(g):
    return sigmoid(g) * (1 - sigmoid(g))


WRONG = [
    (wrong(keep="none"), "direct_path_missing"),
    (wrong(gates_path=False), "gate_terms_missing"),
    (wrong(keep="1-z", dn_gate=lambda z: z, dz_flip=True), "one_minus_z"),  # h_t = z ⊙ n_t + (1 - z) ⊙ h_{t-1}
    (wrong(keep="1-z"), "one_minus_z"),
    (wrong(dn_gate=lambda z: z), "one_minus_z"),
    (wrong(dz_flip=True), "update_gate_sign"),
    (wrong(reset_by=lambda dZ_n, h_prev, W_hn: dZ_n * h_prev), "reset_not_through_hn"),
    (wrong(reset_by=lambda dZ_n, h_prev, W_hn: h_prev * (W_hn.T @ dZ_n)), "reset_not_through_hn"),  # Cho et al.'s
    (wrong(reset_by=lambda dZ_n, h_prev, W_hn: dZ_n), "reset_not_through_hn"),
    (wrong(reset_in_n=False), "reset_missing_in_n"),
    (wrong(tanh_slope=lambda n: 1 - np.tanh(n) ** 2), "activation_derivative_wrong_point"),
    (wrong(sigmoid_slope=_at_the_pre_activation_sigma), "activation_derivative_wrong_point"),
    (wrong(tanh_slope=lambda n: 1 - np.tanh(n) ** 2, sigmoid_slope=_at_the_pre_activation_sigma),
     "activation_derivative_wrong_point"),
    (wrong(tanh_slope=np.ones_like), "activation_derivative_missing"),
    (wrong(sigmoid_slope=np.ones_like), "activation_derivative_missing"),
    (wrong(W_as_is=True), "W_not_transposed"),
]


def test_a_right_answer_passes_in_one_line():
    result = checks.check_gru_step_backward(gru_step_backward)
    assert result.passed and result.mistake is None
    assert result.message == "✓ gru_step_backward: correct on 5 cases"


def test_the_check_compares_with_the_engine():
    """Each case's expected answer is ``lc.gru_step_backward``'s, on a real forward step."""
    for case in gru_step_backward_exercise().cases:
        dh, x, h_prev, r, z, n, hn, W_h = case.args
        H = len(dh)
        np.testing.assert_allclose(gru_step_backward(*case.args)[0], case.expected[0], rtol=1e-12, atol=1e-14)
        assert case.expected[1].shape == (3 * H,) and case.expected[2].shape == (3 * H, len(x))
        assert case.expected[3].shape == (3 * H, H) and W_h.shape == (3 * H, H)
        assert np.all((0 < r) & (r < 1)) and np.all((0 < z) & (z < 1)) and np.all(np.abs(n) < 1)


@pytest.mark.parametrize("function, mistake", WRONG, ids=[f"{m}-{k}" for k, (_, m) in enumerate(WRONG)])
def test_each_mistake_gets_exactly_its_diagnosis(function, mistake):
    result = checks.check_gru_step_backward(function)
    assert not result.passed
    assert result.mistake == mistake, result.message
    assert result.message.startswith("✗ gru_step_backward: looks like ") and "\n" not in result.message


def test_every_modelled_mistake_has_a_wrong_function_above():
    assert {m.key for m in gru_step_backward_exercise().mistakes} == {mistake for _, mistake in WRONG}


def test_the_issue_s_mistakes_read_as_such():
    messages = {mistake: checks.check_gru_step_backward(function).message for function, mistake in WRONG}
    assert "direct path z_t ⊙ δh_t is missing" in messages["direct_path_missing"]
    assert "(1 - z_t) and z_t are swapped" in messages["one_minus_z"]
    assert "sign of δz_t" in messages["update_gate_sign"]
    assert "W_hn h_{t-1} + b_hn" in messages["reset_not_through_hn"] and "Cho" in messages["reset_not_through_hn"]
    assert "wrong point" in messages["activation_derivative_wrong_point"]
    assert "1 - n_t²" in messages["activation_derivative_wrong_point"]
    assert "W_hrᵀ δZ_r + W_hzᵀ δZ_z + W_hnᵀ (r_t ⊙ δZ_n)" in messages["gate_terms_missing"]


def test_a_mistake_in_one_part_names_where_it_shows():
    """Only the weight gradient wrong (δW_h's n rows without r_t): the rest is right, and the message says where."""
    def dW_h_without_r(*args):
        dh_prev, dZ, dW_x, dW_h = gru_step_backward(*args)
        H = len(args[0])
        dW_h = dW_h.copy()
        dW_h[2 * H:] = np.outer(dZ[2 * H:], args[2])
        return dh_prev, dZ, dW_x, dW_h

    result = checks.check_gru_step_backward(dW_h_without_r)
    assert result.mistake == "reset_missing_in_n"
    assert result.message.endswith("(in δW_h's n rows)"), result.message


def test_an_unexpected_mistake_reports_the_largest_error_and_where():
    def off_in_one_entry(*args):
        dh_prev, dZ, dW_x, dW_h = gru_step_backward(*args)
        H = len(args[0])
        dZ = dZ.copy()
        dZ[H + 1 if H > 1 else H] += 0.5  # in δZ_z
        return dh_prev, dZ, dW_x, dW_h

    result = checks.check_gru_step_backward(off_in_one_entry)
    assert result.mistake == "unknown"
    assert result.message.startswith("✗ gru_step_backward: wrong in δZ_z; ") and "largest error 0.5 in dZ[" in \
        result.message and "(gate z, unit" in result.message, result.message


def test_the_usual_slips_of_form_are_named():
    check = checks.check_gru_step_backward
    assert check(lambda *a: None).mistake == "wrong_output"
    assert check(lambda *a: gru_step_backward(*a)[:3]).message == \
        "✗ gru_step_backward: should return 4 arrays (a tuple), got a tuple of 3"
    transposed = check(lambda *a: (lambda d, z, wx, wh: (d, z, wx.T, wh))(*gru_step_backward(*a)))
    assert transposed.mistake == "unknown" and "dW_x has shape" in transposed.message

    def not_yet(*args):
        raise NotImplementedError("your code here")

    assert check(not_yet).mistake == "not_implemented"

    def in_place(dh, x, h_prev, r, z, n, hn, W_h):
        z *= 1.0
        h_prev += 0.0
        W_h[0, 0] = 0.0
        return gru_step_backward(dh, x, h_prev, r, z, n, hn, W_h)

    assert check(in_place).mistake == "mutated_input"


# ------------------------------------------------------------- sizes, and the hidden cases


def test_the_cases_have_several_sizes_with_H_1_and_H_not_D():
    for exercise, sizes in ((gru_step_backward_exercise(), CASE_SIZES),
                            (gru_step_backward_exercise(hidden=True), HIDDEN_CASE_SIZES)):
        shown = [(len(case.args[1]), len(case.args[0])) for case in exercise.cases]  # (D, H) from x and δh
        assert shown == list(sizes)
        assert 1 in {H for _, H in shown} and any(D != H for D, H in shown) and len({H for _, H in shown}) >= 3


def _lesson_sized(dh, x, h_prev, r, z, n, hn, W_h):
    """The lesson's sizes written in: H = 3 and D = 2."""
    dh_prev, dZ, dW_x, dW_h = gru_step_backward(dh, x, h_prev, r, z, n, hn, W_h)
    out = np.zeros(3), np.zeros(9), np.zeros((9, 2)), np.zeros((9, 3))
    out[0][:] = dh_prev
    out[1][:] = dZ
    out[2][:] = dW_x
    out[3][:] = dW_h
    return out


def test_a_function_with_the_lessons_sizes_written_in_does_not_pass():
    result = checks.check_gru_step_backward(_lesson_sized)
    assert not result.passed and result.mistake == "exception", result.message


def test_the_hidden_cases_pass_a_right_answer_and_not_one_tuned_to_the_visible_cases():
    visible, hidden = gru_step_backward_exercise(), gru_step_backward_exercise(hidden=True)
    assert not any(np.array_equal(a.args[0], b.args[0]) for a in visible.cases for b in hidden.cases
                   if a.args[0].shape == b.args[0].shape)
    assert str(checks.check_gru_step_backward(gru_step_backward, hidden=True)) == \
        "✓ gru_step_backward, hidden cases: correct on 5 cases"

    def tuned(*args):
        for case in visible.cases:
            if all(np.array_equal(a, b) for a, b in zip(args, case.args)):
                return case.expected
        return tuple(np.zeros(1) for _ in range(4))

    assert checks.check_gru_step_backward(tuned).passed
    result = checks.check_gru_step_backward(tuned, hidden=True)
    assert not result.passed and result.message.startswith("✗ gru_step_backward, hidden cases: ")


def test_the_check_is_deterministic_and_matches_the_engine_on_a_sequence():
    """The cases are seeded; and the step the check asks for, run over a sequence, is gru_backward."""
    assert np.array_equal(gru_step_backward_exercise().cases[2].args[0], gru_step_backward_exercise().cases[2].args[0])
    rng = np.random.default_rng(3)
    params = lc.GRUParams(rng.normal(0, 0.6, (9, 2)), rng.normal(0, 0.6, (9, 3)), rng.normal(0, 0.5, 9),
                          rng.normal(0, 0.5, 9))
    x, dh_loss = rng.standard_normal((5, 2)), rng.standard_normal((5, 3))
    trace = lc.gru_forward(params, x)
    grads = lc.gru_backward(trace, dh_loss)
    dh_next, dW_x, dW_h = np.zeros(3), np.zeros((9, 2)), np.zeros((9, 3))
    for k in reversed(range(5)):
        step = trace.step(k)
        dh_next, dZ, dWx_t, dWh_t = gru_step_backward(dh_loss[k] + dh_next, step.x, step.h_prev, step.r, step.z,
                                                     step.n, step.hn, params.W_h)
        dW_x += dWx_t
        dW_h += dWh_t
    np.testing.assert_allclose(dh_next, grads.dh0, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dW_x, grads.dW_x, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dW_h, grads.dW_h, rtol=1e-12, atol=1e-14)


def test_the_grading_gives_it_three_points():
    from course_tools import load_tool

    assert load_tool("make_grading").points("gru_step_backward") == 3
