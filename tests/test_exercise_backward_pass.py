"""Notebook 04's last exercise, the whole backward pass through time for one sequence:
the right answer passes, and each typical mistake gets exactly its own diagnosis."""

import doctest
import itertools

import numpy as np
import pytest

import lstm_core as lc
from lstm_core import checks
from lstm_core.checks import backward_pass
from lstm_core.checks.backward_pass import backward_through_time_exercise

# ------------------------------------------- the student's step functions (notebooks 02-04)


def state_gradient(dh, o, s, f, ds_after, f_after):  # notebook 02: path 1 + path 2, δS_{t+1} ⊙ f_{t+1}
    return dh * o * (1 - np.tanh(s) ** 2) + ds_after * f_after


def gate_gradients(ds, dh, a, i, f, o, s, s_prev):  # notebook 03
    return np.concatenate([ds * i * (1 - a**2), ds * a * i * (1 - i), ds * s_prev * f * (1 - f),
                           dh * np.tanh(s) * o * (1 - o)])


def input_gradient(W, dz):  # notebook 04
    D = W.shape[1] - W.shape[0] // 4
    dI = W.T @ dz
    return dI[:D], dI[D:]


def weight_gradients(dz, I):  # notebook 04
    return sum(np.outer(dz[k], I[k]) for k in range(len(dz))), dz.sum(axis=0)


# ------------------------------------ the loop over time from them, right and with mistakes


def backward_through_time(W, steps, dh_loss, add_dh_next=True, keep_gate="next", carry_ds=True,
                          order="backwards", reset_in_loop=False, overwrite=(), in_place=False):
    """Built from the step exercises; the keywords put in one mistake each.

    The loop keeps δS_{t+1} and f_{t+1} apart (``ds_after``, ``f_after``), as ``state_gradient``
    takes them, so that a mistake can use the wrong keep gate.
    """
    T, H = dh_loss.shape
    dW, db, dx = np.zeros_like(W), np.zeros(4 * H), np.zeros((T, W.shape[1] - H))
    dh_next, ds_after, f_after = np.zeros(H), np.zeros(H), np.zeros(H)
    for k in (reversed(range(T)) if order == "backwards" else range(T)):
        if reset_in_loop:
            dh_next, ds_after, f_after = np.zeros(H), np.zeros(H), np.zeros(H)
        st = steps[k]
        if in_place:
            dh = dh_loss[k]
            dh += dh_next  # the right numbers, but the caller's dh_loss changes
        else:
            dh = dh_loss[k] + dh_next if add_dh_next else dh_loss[k]
        f_used = {"next": f_after, "none": np.ones(H), "this": st.f}[keep_gate]
        ds = state_gradient(dh, st.o, st.s, st.f, ds_after if carry_ds else np.zeros(H), f_used)
        dz = gate_gradients(ds, dh, st.a, st.i, st.f, st.o, st.s, st.s_prev)
        dx[k], dh_next = input_gradient(W, dz)
        ds_after, f_after = ds, st.f
        dW = np.outer(dz, st.I) if "dW" in overwrite else dW + np.outer(dz, st.I)
        db = dz.copy() if "db" in overwrite else db + dz
    return dW, db, dx


def with_engine_names(W, steps, dh_loss, ds_hand_back=lambda ds, f: ds * f, reset_ds_only=False,
                      keep_gate_of=lambda steps, k: steps[k].f, dh_loss_at=lambda k: k, I_of=lambda st: st.I,
                      dx_appended=False, dW_after_loop=False, dW_of_step_T_only=False):
    """The loop as the notebook's solution writes it: dh_next and ds_via_next = δS_t ⊙ f_t handed back.

    The keywords put in one mistake each, written the way a student writes it.
    """
    T, H = dh_loss.shape
    dz_all, I_all, dx, dx_rows = [], [], np.zeros((T, W.shape[1] - H)), []
    dh_next, ds_via_next = np.zeros(H), np.zeros(H)
    for k in reversed(range(T)):
        if reset_ds_only:
            ds_via_next = np.zeros(H)
        st = steps[k]
        dh = dh_loss[dh_loss_at(k)] + dh_next
        ds = dh * st.o * (1 - np.tanh(st.s) ** 2) + ds_via_next
        dz = gate_gradients(ds, dh, st.a, st.i, st.f, st.o, st.s, st.s_prev)
        dx[k], dh_next = input_gradient(W, dz)
        dx_rows.append(dx[k])
        ds_via_next = ds_hand_back(ds, keep_gate_of(steps, k))
        dz_all.append(dz)
        I_all.append(I_of(st))
    if dW_after_loop:  # from the last δZ_t and I_t the loop left behind
        return np.outer(dz, st.I), dz, dx
    if dW_of_step_T_only:
        return np.outer(dz_all[0], I_all[0]), dz_all[0], dx
    dW, db = weight_gradients(np.array(dz_all), np.array(I_all))  # the order of the steps does not matter here
    return dW, db, np.array(dx_rows) if dx_appended else dx


def the_engine(W, steps, dh_loss):
    """Looping lc.lstm_step_backward, which needs LSTMParams (b plays no part going back): right numbers,
    but the exercise handed to the engine."""
    params = lc.LSTMParams(W, np.zeros(len(W)))
    dW, db, dx = 0.0, 0.0, []
    dh_next, ds_via_next = None, None
    for k in reversed(range(len(steps))):
        back = lc.lstm_step_backward(params, steps[k], dh=dh_loss[k] + (0 if dh_next is None else dh_next),
                                     ds_via_next=ds_via_next)
        dW, db, dh_next, ds_via_next = dW + back.dW, db + back.db, back.dh_prev, back.ds_prev
        dx.insert(0, back.dx)
    return dW, db, np.array(dx)


RIGHT = [backward_through_time, with_engine_names]


def _dh_accumulated_in_place(W, steps, dh_loss):
    return backward_through_time(W, steps, dh_loss, in_place=True)


def _steps_reversed_in_place(W, steps, dh_loss):
    steps.reverse()  # the caller's list is now backwards
    return backward_through_time(W, steps[::-1], dh_loss)


def _state_changed_in_place(W, steps, dh_loss):
    result = backward_through_time(W, steps, dh_loss)
    steps[1].s[:] = 0.0
    return result


WRONG = [
    (lambda W, st, d: backward_through_time(W, st, d, add_dh_next=False), "dh_next_not_added"),
    (lambda W, st, d: backward_through_time(W, st, d, carry_ds=False), "ds_not_carried"),
    (lambda W, st, d: with_engine_names(W, st, d, reset_ds_only=True), "ds_not_carried"),
    (lambda W, st, d: with_engine_names(W, st, d, ds_hand_back=lambda ds, f: 0 * ds), "ds_not_carried"),
    (lambda W, st, d: backward_through_time(W, st, d, keep_gate="none"), "ds_without_f"),
    (lambda W, st, d: with_engine_names(W, st, d, ds_hand_back=lambda ds, f: ds), "ds_without_f"),
    (lambda W, st, d: backward_through_time(W, st, d, keep_gate="this"), "ds_keep_gate_of_wrong_step"),
    (lambda W, st, d: backward_through_time(W, st, d, reset_in_loop=True), "reset_in_loop"),
    (lambda W, st, d: backward_through_time(W, st, d, order="forwards"), "loop_forwards"),
    (lambda W, st, d: backward_through_time(W, st, d, overwrite=("dW", "db")), "last_step_only"),
    (lambda W, st, d: backward_through_time(W, st, d, overwrite=("dW",)), "last_step_only"),
    (lambda W, st, d: with_engine_names(W, st, d, dW_after_loop=True), "last_step_only"),
    (lambda W, st, d: with_engine_names(W, st, d, keep_gate_of=lambda steps, k: steps[k - 1].f),
     "ds_keep_gate_of_wrong_step"),
    (lambda W, st, d: with_engine_names(W, st, d, dW_of_step_T_only=True), "step_T_only"),
    (lambda W, st, d: with_engine_names(W, st, d, I_of=lambda step: np.concatenate([step.x, step.h])), "I_with_h_t"),
    (lambda W, st, d: with_engine_names(W, st, d, dx_appended=True), "dx_reversed"),
    (lambda W, st, d: with_engine_names(W, st, d, dh_loss_at=lambda k: k - 1), "dh_loss_one_step_off"),
    (_dh_accumulated_in_place, "mutated_input"),
    (_steps_reversed_in_place, "mutated_input"),
    (_state_changed_in_place, "mutated_input"),
]
IDS = [f"{mistake}-{number}" for number, (_, mistake) in enumerate(WRONG)]


@pytest.mark.parametrize("function", RIGHT, ids=lambda f: f.__name__)
def test_a_right_answer_passes_in_one_line(function):
    result = checks.check_backward_through_time(function)
    assert result.passed and result.mistake is None, result.message
    assert str(result) == "✓ backward_through_time: correct on 5 cases"


@pytest.mark.parametrize("function, mistake", WRONG, ids=IDS)
def test_each_mistake_gets_exactly_its_diagnosis(function, mistake):
    result = checks.check_backward_through_time(function)
    assert not result.passed
    assert result.mistake == mistake, result.message
    assert result.message.startswith("✗ backward_through_time: ") and "\n" not in result.message


def test_every_modelled_mistake_has_a_wrong_function_above():
    modelled = {m.key for m in backward_through_time_exercise().mistakes}
    assert modelled == {mistake for _, mistake in WRONG} - {"mutated_input"}


def test_the_messages_name_the_mistake():
    messages = {mistake: checks.check_backward_through_time(function).message for function, mistake in WRONG}
    assert "δh_next is not added" in messages["dh_next_not_added"]
    assert "δS is not carried back" in messages["ds_not_carried"]
    assert "without the keep gate" in messages["ds_without_f"] and "δS_t ⊙ f_t" in messages["ds_without_f"]
    assert "wrong keep gate" in messages["ds_keep_gate_of_wrong_step"]
    assert "reset to zero inside the loop" in messages["reset_in_loop"]
    assert "walks forwards" in messages["loop_forwards"]
    assert "only the share of t = 1, the step the loop visits last" in messages["last_step_only"]
    assert "or computed after the loop" in messages["last_step_only"]
    assert "the step that sends it (steps[k].f)" in messages["ds_keep_gate_of_wrong_step"]
    assert "steps[k-1].f" in messages["ds_keep_gate_of_wrong_step"]
    assert "wraps" in messages["ds_keep_gate_of_wrong_step"]
    assert "only the share of step T" in messages["step_T_only"]
    assert "columns, those of h_{t-1}" in messages["I_with_h_t"] and "x_t columns are right" in messages["I_with_h_t"]
    assert "reverse order" in messages["dx_reversed"] and messages["dx_reversed"].endswith("(in δx)")
    assert "one step off" in messages["dh_loss_one_step_off"]
    assert len(set(messages.values())) == len(messages)


def test_a_partial_mistake_names_the_output_it_is_in():
    only_dW = checks.check_backward_through_time(WRONG[10][0])
    assert only_dW.message.endswith("(in δW)")
    both = checks.check_backward_through_time(WRONG[9][0])
    assert both.message.endswith("(in δW, δb)")


def test_mutation_names_what_was_changed():
    assert "dh_loss" in checks.check_backward_through_time(_dh_accumulated_in_place).message
    assert "steps (the list itself" in checks.check_backward_through_time(_steps_reversed_in_place).message
    assert "steps[1].s" in checks.check_backward_through_time(_state_changed_in_place).message


def test_the_modelled_mistakes_are_told_apart_on_every_case():
    """Each model differs from the right answer on every case, and from every other model on some."""
    exercise = backward_through_time_exercise()

    def same(a, b):
        return all(x.shape == y.shape and np.allclose(x, y, rtol=1e-6, atol=1e-9) for x, y in zip(a, b))

    for mistake in exercise.mistakes:
        for case in exercise.cases:
            assert not same(mistake.model(case), case.expected), (mistake.key, case)
    for one, other in itertools.combinations(exercise.mistakes, 2):
        assert not all(same(one.model(case), other.model(case)) for case in exercise.cases), (one.key, other.key)
    # the dh_next mistake is visible because the loss reads h_t at every step
    for case in exercise.cases:
        assert np.all(np.abs(case.args[2]) > 0)


def test_the_models_agree_with_the_wrong_functions():
    """The modelled mistake and the hand-written wrong function give the same numbers."""
    exercise = backward_through_time_exercise()
    models = {m.key: m for m in exercise.mistakes}
    for function, mistake in WRONG[:10]:
        for case in exercise.cases:
            for got, modelled in zip(function(*case.args), models[mistake].model(case)):
                np.testing.assert_allclose(got, modelled, rtol=1e-10, atol=1e-12)


def test_the_cases_are_several_sizes_and_lengths_with_nonzero_initial_states():
    exercise = backward_through_time_exercise()
    assert len(exercise.cases) == 5
    sizes = {(case.args[0].shape, len(case.args[1])) for case in exercise.cases}
    assert len(sizes) == 5
    for case in exercise.cases:
        W, steps, dh_loss = case.args
        T, H = dh_loss.shape
        assert T >= 3 and len(steps) == T and W.shape[0] == 4 * H
        assert all(isinstance(step, lc.StepTrace) and step.x.ndim == 1 for step in steps)
        assert np.any(steps[0].h_prev != 0) and np.any(steps[0].s_prev != 0)
        for before, after in zip(steps, steps[1:]):  # one sequence, step after step
            np.testing.assert_array_equal(after.h_prev, before.h)
            np.testing.assert_array_equal(after.s_prev, before.s)
        dW, db, dx = case.expected
        assert dW.shape == W.shape and db.shape == (4 * H,) and dx.shape == (T, W.shape[1] - H)


def test_the_reference_agrees_with_finite_differences():
    errors = backward_pass.reference_agrees_with_finite_differences()
    assert set(errors) == {"W", "b", "x"} and all(error < 1e-7 for error in errors.values())


def test_the_solution_in_the_docstring_runs_and_passes():
    result = doctest.testmod(backward_pass, verbose=False)
    assert result.failed == 0 and result.attempted >= 3


def test_not_implemented_yet_is_reported_not_raised():
    def student(W, steps, dh_loss):
        raise NotImplementedError("write the loop over time")

    result = checks.check_backward_through_time(student)
    assert result.mistake == "not_implemented"
    assert "not implemented yet" in result.message and "backward_through_time" in result.message


def test_an_unexpected_mistake_reports_the_largest_error_and_where():
    def dx_off_at_step_2(W, steps, dh_loss):
        dW, db, dx = backward_through_time(W, steps, dh_loss)
        dx[1, 0] += 0.5
        return dW, db, dx

    result = checks.check_backward_through_time(dx_off_at_step_2)
    assert result.mistake == "unknown"
    assert "largest error 0.5 in dx[1, 0] (step t = 2)" in result.message


def test_other_exceptions_and_missing_returns_are_named():
    result = checks.check_backward_through_time(lambda W, steps, dh_loss: steps[0].ds)
    assert result.mistake == "exception" and "AttributeError" in result.message
    result = checks.check_backward_through_time(lambda W, steps, dh_loss: None)
    assert result.mistake == "wrong_output" and "return" in result.message


def test_a_check_needs_a_function():
    with pytest.raises(TypeError, match="needs your function"):
        checks.check_backward_through_time(np.zeros(3))


def test_the_cases_have_several_sizes_with_H_1_and_H_not_D():
    sizes = [(W.shape[1] - len(dh_loss[0]), len(dh_loss[0])) for W, _, dh_loss in
             (case.args for case in backward_through_time_exercise().cases)]
    assert 1 in {H for _, H in sizes} and any(D != H for D, H in sizes) and len(set(sizes)) >= 3, sizes


# ----------------------------------------- delegating to the engine's backward does not pass


def delegating_to_lstm_backward(W, steps, dh_loss):
    """Eight lines that hand the whole exercise to the engine (b recovered from steps[0].z)."""
    H = dh_loss.shape[1]
    D = W.shape[1] - H
    b = steps[0].z - W @ steps[0].I
    x = np.array([step.x for step in steps])
    params = lc.LSTMParams(W, b)
    trace = lc.lstm_forward(params, x, steps[0].h_prev, steps[0].s_prev)
    grads = lc.lstm_backward(trace, dh_loss)
    assert grads.dx.shape[1] == D
    return grads.dW, grads.db, grads.dx


def delegating_to_the_step_backward(W, steps, dh_loss):
    """A loop of the engine's step backward, imported from its module under another name."""
    from lstm_core.cell import lstm_step_backward as step_back

    H = dh_loss.shape[1]
    params = lc.LSTMParams(W, steps[0].z - W @ steps[0].I)
    dW, db, dx = np.zeros_like(W), np.zeros(4 * H), []
    dh_next, ds_via_next = np.zeros(H), np.zeros(H)
    for k in reversed(range(len(steps))):
        back = step_back(params, steps[k], dh_loss[k] + dh_next, ds_via_next)
        dh_next, ds_via_next = back.dh_prev, back.ds_prev
        dW, db = dW + back.dW, db + back.db
        dx.insert(0, back.dx)
    return dW, db, np.array(dx)


@pytest.mark.parametrize("function", [delegating_to_lstm_backward, delegating_to_the_step_backward, the_engine],
                         ids=lambda function: function.__name__)
def test_a_function_that_calls_the_engines_backward_does_not_pass(function):
    steps_and_all = backward_through_time_exercise().cases[0].args
    right = backward_through_time_exercise().cases[0].expected
    np.testing.assert_allclose(function(*steps_and_all)[0], right[0], rtol=1e-10)  # its numbers are right
    result = checks.check_backward_through_time(function)
    assert not result.passed and result.mistake == "engine_backward_called"
    assert "calls the engine's" in result.message and "write the loop over time" in result.message


def test_the_watch_ends_with_the_check():
    import sys
    before = sys.getprofile()
    checks.check_backward_through_time(delegating_to_lstm_backward)
    assert sys.getprofile() is before


def test_two_outputs_where_three_belong_are_counted():
    result = checks.check_backward_through_time(lambda W, steps, dh_loss: backward_through_time(W, steps, dh_loss)[:2])
    assert result.message == "✗ backward_through_time: should return 3 arrays (a tuple), got a tuple of 2"


# -------------------------------------------------------- credit per output, hidden cases


def test_each_output_is_checked_on_its_own_with_its_own_diagnosis():
    wrong_dW = lambda W, st, d: with_engine_names(W, st, d, I_of=lambda step: np.concatenate([step.x, step.h]))  # noqa: E731
    results = {output: checks.check_backward_through_time(wrong_dW, output=output) for output in ("dW", "db", "dx")}
    assert results["db"].passed and str(results["db"]) == "✓ backward_through_time (δb): correct on 5 cases"
    assert results["dx"].passed
    assert results["dW"].mistake == "I_with_h_t"
    assert results["dW"].message.startswith("✗ backward_through_time (δW): looks like δW's last H columns")
    wrong_dx = lambda W, st, d: with_engine_names(W, st, d, dx_appended=True)  # noqa: E731
    assert checks.check_backward_through_time(wrong_dx, output="dx").mistake == "dx_reversed"
    assert checks.check_backward_through_time(wrong_dx, output="dW").passed
    with pytest.raises(ValueError, match="output must be one of"):
        checks.check_backward_through_time(backward_through_time, output="W")


def test_each_output_still_needs_all_three_returned():
    result = checks.check_backward_through_time(lambda W, st, d: backward_through_time(W, st, d)[:2], output="dW")
    assert result.message == "✗ backward_through_time (δW): should return 3 arrays (a tuple), got a tuple of 2"


def test_the_hidden_cases_are_other_sequences_and_a_right_loop_passes_them():
    visible, hidden = backward_through_time_exercise(), backward_through_time_exercise(hidden=True)
    assert {case.args[2].shape for case in visible.cases} != {case.args[2].shape for case in hidden.cases}
    assert 1 in {case.args[2].shape[1] for case in hidden.cases}
    result = checks.check_backward_through_time(backward_through_time, output="dx", hidden=True)
    assert str(result) == "✓ backward_through_time (δx), hidden cases: correct on 5 cases"
    delegated = checks.check_backward_through_time(the_engine, output="db", hidden=True)
    assert delegated.mistake == "engine_backward_called"
