"""The training loop, text sampling, and the toy tasks of notebook 06."""

import numpy as np
import pytest

import lstm_core as lc
from lstm_core.data import CharVocab, adding_problem, char_batches, load_text
from lstm_core.train import sample_text, train, training_step


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


def test_training_step_reads_the_last_step_only_for_two_dimensional_targets():
    params, readout = lc.init_params(2, 4, seed=0), lc.init_readout(4, 1, seed=0)
    x, y = adding_problem(T=6, batch_size=3, seed=0)
    loss, grads, readout_grads = training_step(params, readout, x, y)
    assert readout_grads.dW.shape == (1, 4) and grads.dW.shape == params.W.shape
    trace = lc.lstm_forward(params, x)
    expected, _ = lc.mse_loss(lc.readout_forward(readout, trace.h[-1]), y)
    assert loss == pytest.approx(expected)


def test_train_learns_the_adding_problem_and_leaves_its_inputs_alone():
    params, readout = lc.init_params(2, 16, seed=0, keep_bias=1.0), lc.init_readout(16, 1, seed=0)
    W = params.W.copy()
    history = train(lambda step: adding_problem(T=10, batch_size=32, seed=step), params, readout,
                    lc.Adam(lr=0.01), steps=400, clip=1.0, progress=False)
    assert np.mean(history.losses[:20]) > 0.1
    assert np.mean(history.losses[-20:]) < 0.02
    assert len(history.grad_norms) == 400 and history.diverged_at is None
    np.testing.assert_array_equal(params.W, W)


def test_train_reports_divergence_instead_of_crashing():
    params = lc.init_rnn_params(1, 16, seed=0, scale=3 / 4)
    readout = lc.init_readout(16, 1, seed=0)
    from lstm_core.data import echo_task
    with np.errstate(all="ignore"):
        history = train(lambda s: echo_task(T=30, batch_size=16, delay=2, seed=s), params, readout,
                        lc.SGD(lr=0.5), steps=600, progress=False)
    assert history.diverged_at is not None and history.diverged_at < 600


def test_train_prints_a_progress_bar(capsys):
    params, readout = lc.init_params(2, 4, seed=0), lc.init_readout(4, 1, seed=0)
    train(lambda s: adding_problem(T=4, batch_size=2, seed=s), params, readout, lc.SGD(lr=0.1), steps=10)
    out = capsys.readouterr().out
    assert "step 10/10" in out and "█" in out


@pytest.mark.parametrize("kwargs, error, name", [
    ({"task": None}, TypeError, "task"), ({"params": "W"}, TypeError, "params"),
    ({"optimizer": "adam"}, TypeError, "optimizer"), ({"steps": 0}, ValueError, "steps"),
    ({"clip": -1.0}, ValueError, "clip"),
])
def test_train_rejects_bad_arguments(kwargs, error, name):
    args = dict(task=lambda s: adding_problem(T=4, batch_size=2, seed=s), params=lc.init_params(2, 4),
                readout=lc.init_readout(4, 1), optimizer=lc.SGD(lr=0.1), steps=2, progress=False)
    args.update(kwargs)
    with pytest.raises(error, match=name):
        train(**args)


def test_sample_text_is_seeded_and_starts_with_the_prompt():
    vocab = CharVocab("abc de")
    params, readout = lc.init_params(len(vocab), 8, seed=0), lc.init_readout(8, len(vocab), seed=0)
    a = sample_text(params, readout, vocab, "ab", length=20, seed=3)
    assert a.startswith("ab") and len(a) == 22 and set(a) <= set("abc de")
    assert a == sample_text(params, readout, vocab, "ab", length=20, seed=3)
    with pytest.raises(ValueError, match="start"):
        sample_text(params, readout, vocab, "", length=5)
