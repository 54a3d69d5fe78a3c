"""The toy tasks and the shipped text (lstm_core.lessons.data), and the engine's training loop on them."""

import numpy as np
import pytest

import lstm_core as lc
from lstm_core.lessons.data import (
    CharVocab,
    TextStreams,
    adding_problem,
    char_batches,
    echo_task,
    lesson_problem,
    load_text,
)
from lstm_core.train import evaluate, train, training_step


def test_adding_problem_marks_two_steps_and_sums_them():
    x, y = adding_problem(T=10, batch_size=64, seed=0)
    assert x.shape == (10, 64, 2) and y.shape == (64, 1)
    markers = x[:, :, 1]
    assert np.all(markers.sum(axis=0) == 2)
    assert np.all(markers[:5].sum(axis=0) == 1)  # one in each half
    np.testing.assert_allclose(y[:, 0], (x[:, :, 0] * markers).sum(axis=0))


@pytest.mark.parametrize("kwargs, error, name", [
    ({"T": 1}, ValueError, "T"), ({"batch_size": 0}, ValueError, "batch_size"), ({"T": "20"}, TypeError, "T"),
])
def test_adding_problem_rejects_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        adding_problem(**kwargs)


def test_shipped_text_loads_and_round_trips_through_the_vocabulary():
    text = load_text()
    assert 5_000 < len(text) < 50_000 and text.startswith("First Citizen:")
    vocab = CharVocab(text)
    ids = vocab.encode(text[:200])
    assert vocab.decode(ids) == text[:200]
    assert vocab.one_hot(ids).shape == (200, len(vocab))
    with pytest.raises(ValueError, match="vocabulary"):
        vocab.encode("€")
    with pytest.raises(ValueError, match="name"):
        load_text("missing.txt")


def test_char_batches_are_next_character_pairs():
    ids = np.arange(100)
    inputs, targets = char_batches(ids, T=8, batch_size=4, seed=0)
    assert inputs.shape == targets.shape == (8, 4)
    np.testing.assert_array_equal(targets[:-1], inputs[1:])
    np.testing.assert_array_equal(targets, inputs + 1)
    with pytest.raises(ValueError, match="ids"):
        char_batches(np.arange(5), T=8)


def test_text_streams_walk_the_text_in_order_side_by_side():
    ids = np.arange(1000)
    streams = TextStreams(ids, T=8, batch_size=4)
    assert streams.windows == (999 // 4) // 8
    first, second = streams(0), streams(1)
    np.testing.assert_array_equal(first[1], first[0] + 1)  # next-character pairs
    np.testing.assert_array_equal(second[0][0], first[0][-1] + 1)  # each column goes on where it stopped
    assert len(np.unique(first[0][0])) == 4  # four streams, four different places
    np.testing.assert_array_equal(streams(streams.windows)[0], first[0])  # a new pass starts again
    covered = np.concatenate([streams(k)[0].T for k in range(streams.windows)], axis=1)  # (B, windows·T)
    assert len(np.unique(covered)) == covered.size  # no character read twice in a pass
    with pytest.raises(ValueError, match="ids"):
        TextStreams(np.arange(20), T=8, batch_size=4)
    with pytest.raises(ValueError, match="batch_size"):
        TextStreams(ids, T=8, batch_size=0)


def test_echo_task_repeats_the_input_later():
    x, y = echo_task(T=10, batch_size=4, delay=3, seed=0)
    assert x.shape == y.shape == (10, 4, 1)
    assert set(np.unique(x)) == {-1.0, 1.0}
    np.testing.assert_array_equal(y[3:], x[:-3])
    assert np.all(y[:3] == 0)
    np.testing.assert_array_equal(echo_task(seed=5)[0], echo_task(seed=5)[0])


@pytest.mark.parametrize("kwargs, error", [
    ({"delay": 10, "T": 10}, ValueError),
    ({"delay": 0}, ValueError),
    ({"T": 2.5}, TypeError),
    ({"batch_size": -1}, ValueError),
])
def test_echo_task_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        echo_task(**kwargs)


def test_lesson_problem_is_reproducible_and_validated():
    a, b = lesson_problem(seed=3), lesson_problem(seed=3)
    np.testing.assert_array_equal(a.params.W, b.params.W)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.x.shape == (12, 2) and a.dh_loss.shape == (12, 3)
    assert np.all(lesson_problem(keep_bias=2.0).params.gate("f")[1] == 2.0)
    with pytest.raises(ValueError, match="scale"):
        lesson_problem(scale=0.0)


def test_train_learns_the_adding_problem():
    params, readout = lc.init_params(2, 16, seed=0, keep_bias=1.0), lc.init_readout(16, 1, seed=0)
    history = train(lambda step: adding_problem(T=10, batch_size=32, seed=step), params, readout,
                    lc.Adam(lr=0.01), steps=400, clip=1.0, progress=False)
    assert np.mean(history.losses[:20]) > 0.1
    assert np.mean(history.losses[-20:]) < 0.02
    assert history.diverged_at is None


def test_train_reads_text_streams_with_the_state_carried_through_each_pass():
    """reset_state_every=streams.windows: each batch continues the last, and each pass starts from zero."""
    text = "the cat sat on the mat. " * 20
    vocab = CharVocab(text)
    streams = TextStreams(vocab.encode(text), T=5, batch_size=3)
    task = lambda step: (vocab.one_hot(streams(step)[0]), streams(step)[1])  # noqa: E731
    params, readout = lc.init_params(len(vocab), 4, seed=0), lc.init_readout(4, len(vocab), seed=0)

    class Frozen(lc.SGD):  # no update: every batch's loss depends only on its start state
        def step(self, params, grads):
            return params

    steps = streams.windows + 2
    carried = train(task, params, readout, Frozen(lr=0.1), steps=steps, loss="xent", progress=False,
                    reset_state_every=streams.windows)
    h, S = np.zeros((3, 4)), np.zeros((3, 4))
    for k in range(steps):
        if k % streams.windows == 0:
            h, S = np.zeros((3, 4)), np.zeros((3, 4))
        inputs, targets = streams(k)
        trace = lc.lstm_forward(params, vocab.one_hot(inputs), h0=h, s0=S)
        want = lc.softmax_cross_entropy(lc.readout_forward(readout, trace.h), targets)[0]
        assert carried.losses[k] == pytest.approx(want, rel=1e-12)
        h, S = trace.h[-1], trace.s[-1]


def test_a_character_model_is_trained_and_evaluated_on_integer_targets():
    vocab = CharVocab("abcabcab")
    inputs, targets = char_batches(vocab.encode("abcabcab"), T=3, batch_size=2)
    lstm, out = lc.init_params(len(vocab), 4), lc.init_readout(4, len(vocab))
    step = training_step(lstm, out, vocab.one_hot(inputs), targets, loss="xent")
    assert step.loss == pytest.approx(lc.softmax_cross_entropy(
        lc.readout_forward(out, lc.lstm_forward(lstm, vocab.one_hot(inputs)).h), targets)[0])
    assert evaluate(lstm, out, vocab.one_hot(inputs), targets, loss="xent") == pytest.approx(step.loss)
