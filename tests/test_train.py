"""The training loop, text sampling, and the toy tasks of notebook 06."""

import numpy as np
import pytest

import lstm_core as lc
from lstm_core.lessons.data import CharVocab, TextStreams, adding_problem, char_batches
from lstm_core.train import sample_text, train, training_step


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
    from lstm_core.lessons.data import echo_task
    with np.errstate(all="ignore"):
        history = train(lambda s: echo_task(T=30, batch_size=16, delay=2, seed=s), params, readout,
                        lc.SGD(lr=0.5), steps=600, progress=False)
    assert history.diverged_at is not None and history.diverged_at < 600


def test_train_prints_a_progress_bar(capsys):
    params, readout = lc.init_params(2, 4, seed=0), lc.init_readout(4, 1, seed=0)
    train(lambda s: adding_problem(T=4, batch_size=2, seed=s), params, readout, lc.SGD(lr=0.1), steps=10)
    out = capsys.readouterr().out
    assert "step 10/10  loss" in out and "█" in out


def test_train_shows_progress_with_a_bar_it_is_given():
    """A notebook passes tqdm.auto.tqdm; the engine only calls what the bar offers."""
    calls = []

    class Bar:
        def __init__(self, total):
            calls.append(("total", total))

        def set_postfix(self, refresh=True, **values):
            calls.append(("postfix", values["loss"]))

        def update(self, n):
            calls.append(("update", n))

        def close(self):
            calls.append(("close",))

    params, readout = lc.init_params(2, 4, seed=0), lc.init_readout(4, 1, seed=0)
    train(lambda s: adding_problem(T=4, batch_size=2, seed=s), params, readout, lc.SGD(lr=0.1), steps=3, progress=Bar)
    assert calls[0] == ("total", 3) and calls[-1] == ("close",)
    assert [c for c in calls if c[0] == "update"] == [("update", 1)] * 3
    assert all(isinstance(c[1], str) for c in calls if c[0] == "postfix")


def _streams(text, T, batch_size):
    """A text's vocabulary, its TextStreams, and the task that one-hot encodes them."""
    vocab = CharVocab(text)
    streams = TextStreams(vocab.encode(text), T=T, batch_size=batch_size)
    return vocab, streams, lambda step: (vocab.one_hot(streams(step)[0]), streams(step)[1])


def test_carrying_the_state_starts_each_batch_where_the_last_ended():
    """carry_state: batch k+1 starts from batch k's final h and S, and from zero at each new pass."""
    vocab, streams, task = _streams("the cat sat on the mat. " * 20, T=5, batch_size=3)
    params, readout = lc.init_params(len(vocab), 4, seed=0), lc.init_readout(4, len(vocab), seed=0)

    class Frozen(lc.SGD):  # no update: every batch's loss depends only on its start state
        def step(self, params, grads):
            return params

    sgd = Frozen(lr=0.1)
    carried = train(task, params, readout, sgd, steps=streams.windows + 2, loss="xent", progress=False,
                    carry_state=streams.windows)
    reset = train(task, params, readout, sgd, steps=streams.windows + 2, loss="xent", progress=False)
    state = {}
    for k in range(streams.windows + 2):
        if k % streams.windows == 0:
            state = {}
        inputs, targets = streams(k)
        trace = lc.lstm_forward(params, vocab.one_hot(inputs), **state)
        want = lc.softmax_cross_entropy(lc.readout_forward(readout, trace.h), targets)[0]
        assert carried.losses[k] == pytest.approx(want, rel=1e-12)
        state = {"h0": trace.h[-1], "s0": trace.s[-1]}
    assert carried.losses[0] == reset.losses[0] and carried.losses[streams.windows] == reset.losses[streams.windows]
    assert carried.losses[1] != pytest.approx(reset.losses[1], rel=1e-6)


def test_carried_gradient_stops_at_the_window_edge():
    """The gradient of a carried batch is the one-window gradient from that start state."""
    vocab, streams, task = _streams("abcab cabba acbca " * 10, T=4, batch_size=2)
    params, readout = lc.init_params(len(vocab), 3, seed=1), lc.init_readout(3, len(vocab), seed=1)
    captured = []

    class Spy(lc.SGD):  # records the gradient, changes nothing
        def step(self, params_and_readout, grads):
            captured.append(grads[0].dW.copy())
            return params_and_readout

    train(task, params, readout, Spy(lr=0.1), steps=2, loss="xent", progress=False, carry_state=streams.windows)
    first = lc.lstm_forward(params, task(0)[0])
    trace = lc.lstm_forward(params, task(1)[0], h0=first.h[-1], s0=first.s[-1])
    dout = lc.softmax_cross_entropy(lc.readout_forward(readout, trace.h), task(1)[1])[1]
    dh = lc.readout_backward(readout, trace.h, dout).dh
    np.testing.assert_allclose(captured[1], lc.lstm_backward(trace, dh).dW, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"task": None}, TypeError, "task"), ({"params": "W"}, TypeError, "params"),
    ({"optimizer": "adam"}, TypeError, "optimizer"), ({"steps": 0}, ValueError, "steps"),
    ({"clip": -1.0}, ValueError, "clip"), ({"carry_state": 0}, ValueError, "carry_state"),
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


def test_temperature_sharpens_or_flattens_the_distribution():
    scores = np.array([2.0, 1.0, 0.0, -1.0])
    p = {tau: lc.softmax(scores / tau) for tau in (0.3, 1.0, 3.0)}
    from lstm_core.train import with_temperature
    np.testing.assert_allclose(with_temperature(scores, 1.0), lc.softmax(scores))
    entropy = {tau: -np.sum(q * np.log(q)) for tau, q in p.items()}
    assert entropy[0.3] < entropy[1.0] < entropy[3.0] < np.log(4)
    np.testing.assert_allclose(with_temperature(scores, 0.3), p[0.3])
    assert with_temperature(scores, 1e-3)[0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="temperature"):
        with_temperature(scores, 0.0)


def test_next_char_distribution_is_what_sampling_draws_from():
    from lstm_core.train import next_char_distribution
    vocab = CharVocab("abcab")
    params, readout = lc.init_params(len(vocab), 4, seed=0), lc.init_readout(4, len(vocab), seed=0)
    p = next_char_distribution(params, readout, vocab, "ab", temperature=0.5)
    assert p.shape == (len(vocab),) and p.sum() == pytest.approx(1.0)
    trace = lc.lstm_forward(params, vocab.one_hot(vocab.encode("ab")))
    np.testing.assert_allclose(p, lc.softmax(lc.readout_forward(readout, trace.h[-1]) / 0.5))


def test_evaluate_is_the_training_loss_without_a_step():
    from lstm_core.train import evaluate
    params, readout = lc.init_params(2, 4, seed=0), lc.init_readout(4, 1, seed=0)
    x, y = adding_problem(T=6, batch_size=3, seed=0)
    assert evaluate(params, readout, x, y) == training_step(params, readout, x, y)[0]
    vocab = CharVocab("abcabcab")
    inputs, targets = char_batches(vocab.encode("abcabcab"), T=3, batch_size=2)
    lstm, out = lc.init_params(len(vocab), 4), lc.init_readout(4, len(vocab))
    assert evaluate(lstm, out, vocab.one_hot(inputs), targets, loss="xent") == pytest.approx(
        training_step(lstm, out, vocab.one_hot(inputs), targets, loss="xent")[0])
