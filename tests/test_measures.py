"""What the figures measure (lstm_core.lessons.measures), each checked against the gradients it summarises."""

import numpy as np
import pytest

import lstm_core as lc
from lstm_core.lessons import measures
from lstm_core.lessons.data import lesson_problem


@pytest.fixture
def run():
    params, x, dh = lesson_problem()
    trace = lc.lstm_forward(params, x)
    return trace, lc.lstm_backward(trace, dh)


def test_path_norms_split_the_total(run):
    _, grads = run
    via_h, via_next, total = measures.path_norms(grads)
    assert np.all(total <= via_h + via_next + 1e-12)  # the triangle inequality: paths may cancel
    assert via_next[-1] == 0  # nothing comes from beyond the last step
    np.testing.assert_allclose(total, np.linalg.norm(grads.ds, axis=1))


def test_gate_gradient_norms_are_per_gate_and_step(run):
    _, grads = run
    norms = measures.gate_gradient_norms(grads)
    assert norms.shape == (4, 12)
    np.testing.assert_allclose(norms[2], np.linalg.norm(grads.dz[:, 6:9], axis=1))
    assert norms[2, 0] == 0  # δf_1 = δS_1 ⊙ S_0 = 0


def test_weight_gradient_shares_add_up_to_dW(run):
    trace, grads = run
    shares, running = measures.weight_gradient_shares(grads)
    T = len(trace.x)
    np.testing.assert_allclose(shares[T - 1], np.outer(grads.dz[T - 1], trace.I[T - 1]))  # δZ_T I_Tᵀ
    np.testing.assert_allclose(running[0], grads.dW, atol=1e-15)  # all steps: δW
    np.testing.assert_allclose(running[T - 1], shares[T - 1])  # only the last step so far


def test_weight_gradient_shares_sum_over_the_batch():
    params = lc.init_params(2, 3, seed=0)
    x = np.random.default_rng(0).standard_normal((4, 5, 2))
    trace = lc.lstm_forward(params, x)
    grads = lc.lstm_backward(trace, np.ones_like(trace.h))
    _, running = measures.weight_gradient_shares(grads)
    np.testing.assert_allclose(running[0], grads.dW, atol=1e-14)


def test_unit_history_is_one_units_column(run):
    trace, _ = run
    history = measures.unit_history(trace, unit=2)
    np.testing.assert_array_equal(history["gates"][:, 2], trace.f[:, 2])  # columns in gate order a, i, f, o
    np.testing.assert_array_equal(history["s"], trace.s[:, 2])
    np.testing.assert_array_equal(history["h"], trace.h[:, 2])


def test_gradient_decay_shows_the_carousel_as_the_product_of_keep_gates():
    curves = measures.gradient_decay(T=30, keep_bias=3.0)
    params = lc.init_params(4, 16, seed=0, keep_bias=3.0, scale=1 / 4)
    x = 0.1 * np.random.default_rng(0).standard_normal((30, 4))
    f = lc.lstm_forward(params, x).f  # (T, H): the keep gates of the same LSTM on the same inputs
    assert curves["carousel"][0] == 1.0 and curves["lstm"][0] == 1.0
    # one step back, path 2 alone is δS_T ⊙ f_T: it shrinks by the keep gate of the last step
    assert curves["carousel"][1] < 1.0 and np.all(np.diff(curves["carousel"]) <= 0)
    # 29 steps back, each unit's share is multiplied by 29 keep gates
    assert np.min(f) ** 29 * (1 - 1e-9) <= curves["carousel"][-1] <= np.max(f) ** 29 * (1 + 1e-9)


def test_text_features_count_the_line_and_mark_words():
    facts = measures.text_features("ab c\nd'e")
    np.testing.assert_array_equal(facts["position in line"], [0, 1, 2, 3, 4, 0, 1, 2])
    np.testing.assert_array_equal(facts["inside a word"], [1, 1, 0, 1, 0, 1, 1, 1])
    with pytest.raises(ValueError, match="text"):
        measures.text_features("")


def test_unit_correlations_are_pearsons_r_per_unit():
    rng = np.random.default_rng(0)
    feature = rng.standard_normal(50)
    values = np.stack([2 * feature + 1, -feature, rng.standard_normal(50), np.full(50, 3.0)], axis=1)  # (T, H)
    r = measures.unit_correlations(values, feature)
    np.testing.assert_allclose(r[:2], [1, -1], atol=1e-12)
    assert r[2] == pytest.approx(np.corrcoef(values[:, 2], feature)[0, 1], abs=1e-12)
    assert r[3] == 0  # a unit that never changes follows nothing
    with pytest.raises(ValueError, match="values"):
        measures.unit_correlations(values[:10], feature)


def test_unit_quantity_is_the_trace_of_one_sequence():
    params, x, _ = lesson_problem()
    trace = lc.lstm_forward(params, x)  # x is (T, D): one sequence
    np.testing.assert_array_equal(measures.unit_quantity(trace, "s"), trace.s)
    np.testing.assert_array_equal(measures.unit_quantity(trace, "f"), trace.f)
    with pytest.raises(ValueError, match="quantity"):
        measures.unit_quantity(trace, "z")
