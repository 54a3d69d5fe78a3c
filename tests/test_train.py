"""The training loop, its layers and state, and text sampling: the engine alone, on random data."""

import numpy as np
import pytest

import lstm_core as lc
from lstm_core.train import (
    LSTMLayer,
    RNNLayer,
    State,
    evaluate,
    layer_for,
    next_char_distribution,
    sample_text,
    train,
    training_step,
    with_temperature,
)


def _regression(T=6, batch_size=3, D=2, seed=0):
    """A batch of random inputs (T, B, D) and a random target (B, 1) for the last step."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((T, batch_size, D)), rng.standard_normal((batch_size, 1))


def _classes(V=5, T=4, batch_size=2):
    """A task of random one-hot inputs (T, B, V) and integer targets (T, B), seeded by the step."""
    def task(step):
        rng = np.random.default_rng(step)
        return np.eye(V)[rng.integers(0, V, (T, batch_size))], rng.integers(0, V, (T, batch_size))
    return task


class Frozen(lc.SGD):
    """An optimizer that records each gradient of the layer and changes nothing."""

    def __init__(self):
        super().__init__(lr=0.1)
        self.grads = []

    def step(self, params_and_readout, grads):
        self.grads.append(grads[0])
        return params_and_readout


class _Vocab:
    """The part of a character vocabulary that sampling uses: encode, decode, one_hot, len."""

    def __init__(self, chars):
        self.chars = chars

    def __len__(self):
        return len(self.chars)

    def encode(self, text):
        return np.array([self.chars.index(c) for c in text])

    def decode(self, ids):
        return "".join(self.chars[int(k)] for k in ids)

    def one_hot(self, ids):
        return np.eye(len(self))[np.asarray(ids)]


def test_training_step_reads_the_last_step_only_for_two_dimensional_targets():
    params, readout = lc.init_params(2, 4, seed=0), lc.init_readout(4, 1, seed=0)
    x, y = _regression()
    loss, grads, readout_grads, state = training_step(params, readout, x, y)
    assert readout_grads.dW.shape == (1, 4) and grads.dW.shape == params.W.shape
    trace = lc.lstm_forward(params, x)
    expected, _ = lc.mse_loss(lc.readout_forward(readout, trace.h[-1]), y)
    assert loss == pytest.approx(expected)
    np.testing.assert_array_equal(state.h, trace.h[-1])
    np.testing.assert_array_equal(state.S, trace.s[-1])


def test_each_layer_runs_from_an_explicit_state_and_hands_back_the_next():
    x = np.random.default_rng(0).standard_normal((5, 3, 2))
    lstm, rnn = lc.init_params(2, 4, seed=0), lc.init_rnn_params(2, 4, seed=0)
    assert isinstance(layer_for(lstm), LSTMLayer) and isinstance(layer_for(rnn), RNNLayer)
    zero = layer_for(lstm).zero_state(lstm, x)
    assert zero.h.shape == zero.S.shape == (3, 4) and not zero.h.any() and not zero.S.any()
    assert layer_for(rnn).zero_state(rnn, x[:, 0]).h.shape == (4,) and layer_for(rnn).zero_state(rnn, x).S is None
    start = State(h=np.full((3, 4), 0.5), S=np.full((3, 4), -0.5))
    trace, end = layer_for(lstm).forward(lstm, x, start)
    want = lc.lstm_forward(lstm, x, h0=start.h, s0=start.S)
    np.testing.assert_array_equal(trace.h, want.h)
    assert np.array_equal(end.h, want.h[-1]) and np.array_equal(end.S, want.s[-1])
    trace, end = layer_for(rnn).forward(rnn, x, State(h=start.h))
    np.testing.assert_array_equal(trace.h, lc.rnn_forward(rnn, x, h0=start.h).h)
    assert end.S is None and np.array_equal(end.h, trace.h[-1])
    dh = np.ones_like(trace.h)
    np.testing.assert_array_equal(layer_for(rnn).backward(trace, dh).dW, lc.rnn_backward(trace, dh).dW)


def test_train_fits_a_batch_and_leaves_its_inputs_alone():
    params, readout = lc.init_params(2, 8, seed=0), lc.init_readout(8, 1, seed=0)
    W = params.W.copy()
    x, y = _regression(T=5, batch_size=8)
    history = train(lambda step: (x, y), params, readout, lc.Adam(lr=0.01), steps=200, clip=1.0, progress=False)
    assert np.mean(history.losses[-10:]) < 0.2 * np.mean(history.losses[:10])
    assert len(history.grad_norms) == 200 and history.diverged_at is None
    np.testing.assert_array_equal(params.W, W)


def test_train_trains_an_rnn_too():
    params, readout = lc.init_rnn_params(2, 8, seed=0), lc.init_readout(8, 1, seed=0)
    x, y = _regression(T=5, batch_size=8)
    history = train(lambda step: (x, y), params, readout, lc.Adam(lr=0.01), steps=200, progress=False)
    assert isinstance(history.params, lc.RNNParams)
    assert np.mean(history.losses[-10:]) < 0.2 * np.mean(history.losses[:10])


def test_train_reports_divergence_instead_of_crashing():
    params = lc.init_rnn_params(1, 16, seed=0, scale=3 / 4)
    readout = lc.init_readout(16, 1, seed=0)
    with np.errstate(all="ignore"):
        history = train(lambda s: _regression(T=30, batch_size=16, D=1, seed=s), params, readout,
                        lc.SGD(lr=50.0), steps=600, progress=False)
    assert history.diverged_at is not None and history.diverged_at < 600
    assert len(history.losses) == history.diverged_at + 1


def test_train_prints_a_progress_bar(capsys):
    params, readout = lc.init_params(2, 4, seed=0), lc.init_readout(4, 1, seed=0)
    train(lambda s: _regression(T=4, batch_size=2, seed=s), params, readout, lc.SGD(lr=0.1), steps=10)
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
    train(lambda s: _regression(T=4, batch_size=2, seed=s), params, readout, lc.SGD(lr=0.1), steps=3, progress=Bar)
    assert calls[0] == ("total", 3) and calls[-1] == ("close",)
    assert [c for c in calls if c[0] == "update"] == [("update", 1)] * 3
    assert all(isinstance(c[1], str) for c in calls if c[0] == "postfix")


def test_train_calls_on_log_every_log_every_steps_and_at_the_end():
    params, readout = lc.init_params(2, 4, seed=0), lc.init_readout(4, 1, seed=0)
    logged = []
    train(lambda s: _regression(T=4, batch_size=2, seed=s), params, readout, lc.SGD(lr=0.1), steps=7,
          progress=False, on_log=lambda step, history: logged.append((step, len(history.losses))), log_every=3)
    assert logged == [(3, 3), (6, 6), (7, 7)]


@pytest.mark.parametrize("layer", ["lstm", "rnn"])
def test_between_resets_each_batch_starts_where_the_last_ended(layer):
    """reset_state_every=n: batch k+1 starts from batch k's final state, and from zero at every n-th step."""
    task, n = _classes(), 3
    params = lc.init_params(5, 4, seed=0) if layer == "lstm" else lc.init_rnn_params(5, 4, seed=0)
    readout = lc.init_readout(4, 5, seed=0)
    carried = train(task, params, readout, Frozen(), steps=n + 2, loss="xent", progress=False, reset_state_every=n)
    reset = train(task, params, readout, Frozen(), steps=n + 2, loss="xent", progress=False)
    state = None
    for k in range(n + 2):
        x, targets = task(k)
        if k % n == 0:
            state = None
        value, _, _, state = training_step(params, readout, x, targets, loss="xent", state=state)
        assert carried.losses[k] == pytest.approx(value, rel=1e-12)
    assert carried.losses[0] == reset.losses[0] and carried.losses[n] == reset.losses[n]
    assert carried.losses[1] != pytest.approx(reset.losses[1], rel=1e-6)


def test_carried_gradient_stops_at_the_window_edge():
    """The gradient of a carried batch is the one-window gradient from that start state."""
    task = _classes(V=4, T=4, batch_size=2)
    params, readout = lc.init_params(4, 3, seed=1), lc.init_readout(3, 4, seed=1)
    spy = Frozen()
    train(task, params, readout, spy, steps=2, loss="xent", progress=False, reset_state_every=8)
    first = lc.lstm_forward(params, task(0)[0])
    trace = lc.lstm_forward(params, task(1)[0], h0=first.h[-1], s0=first.s[-1])
    dout = lc.softmax_cross_entropy(lc.readout_forward(readout, trace.h), task(1)[1])[1]
    dh = lc.readout_backward(readout, trace.h, dout).dh
    np.testing.assert_allclose(spy.grads[1].dW, lc.lstm_backward(trace, dh).dW, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"task": None}, TypeError, "task"), ({"params": "W"}, TypeError, "params"),
    ({"optimizer": "adam"}, TypeError, "optimizer"), ({"steps": 0}, ValueError, "steps"),
    ({"clip": -1.0}, ValueError, "clip"), ({"reset_state_every": 0}, ValueError, "reset_state_every"),
    ({"loss": "l1"}, ValueError, "loss"), ({"log_every": 0}, ValueError, "log_every"),
])
def test_train_rejects_bad_arguments(kwargs, error, name):
    args = dict(task=lambda s: _regression(T=4, batch_size=2, seed=s), params=lc.init_params(2, 4),
                readout=lc.init_readout(4, 1), optimizer=lc.SGD(lr=0.1), steps=2, progress=False)
    args.update(kwargs)
    with pytest.raises(error, match=name):
        train(**args)


def test_sample_text_is_seeded_and_starts_with_the_prompt():
    vocab = _Vocab("abc de")
    params, readout = lc.init_params(len(vocab), 8, seed=0), lc.init_readout(8, len(vocab), seed=0)
    a = sample_text(params, readout, vocab, "ab", length=20, seed=3)
    assert a.startswith("ab") and len(a) == 22 and set(a) <= set("abc de")
    assert a == sample_text(params, readout, vocab, "ab", length=20, seed=3)
    assert sample_text(params, readout, vocab, "a", length=5).startswith("a")
    with pytest.raises(ValueError, match="start"):
        sample_text(params, readout, vocab, "", length=5)


def test_sample_text_carries_the_state_from_character_to_character():
    """Sampling one character at a time is reading the sampled text whole."""
    vocab = _Vocab("abcd")
    params, readout = lc.init_params(len(vocab), 4, seed=2), lc.init_readout(4, len(vocab), seed=2)
    text = sample_text(params, readout, vocab, "abc", length=6, temperature=0.5, seed=1)
    trace = lc.lstm_forward(params, vocab.one_hot(vocab.encode(text[:-1])))
    rng = np.random.default_rng(1)
    for k in range(2, len(text) - 1):
        p = with_temperature(lc.readout_forward(readout, trace.h[k]), 0.5)
        assert text[k + 1] == vocab.chars[rng.choice(len(vocab), p=p)]


def test_temperature_sharpens_or_flattens_the_distribution():
    scores = np.array([2.0, 1.0, 0.0, -1.0])
    p = {tau: lc.softmax(scores / tau) for tau in (0.3, 1.0, 3.0)}
    np.testing.assert_allclose(with_temperature(scores, 1.0), lc.softmax(scores))
    entropy = {tau: -np.sum(q * np.log(q)) for tau, q in p.items()}
    assert entropy[0.3] < entropy[1.0] < entropy[3.0] < np.log(4)
    np.testing.assert_allclose(with_temperature(scores, 0.3), p[0.3])
    assert with_temperature(scores, 1e-3)[0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="temperature"):
        with_temperature(scores, 0.0)


def test_next_char_distribution_is_what_sampling_draws_from():
    vocab = _Vocab("abc")
    params, readout = lc.init_params(len(vocab), 4, seed=0), lc.init_readout(4, len(vocab), seed=0)
    p = next_char_distribution(params, readout, vocab, "ab", temperature=0.5)
    assert p.shape == (len(vocab),) and p.sum() == pytest.approx(1.0)
    trace = lc.lstm_forward(params, vocab.one_hot(vocab.encode("ab")))
    np.testing.assert_allclose(p, lc.softmax(lc.readout_forward(readout, trace.h[-1]) / 0.5))


def test_evaluate_is_the_training_loss_without_a_step():
    params, readout = lc.init_params(2, 4, seed=0), lc.init_readout(4, 1, seed=0)
    x, y = _regression()
    assert evaluate(params, readout, x, y) == training_step(params, readout, x, y).loss
    x, targets = _classes()(0)
    lstm, out = lc.init_params(5, 4), lc.init_readout(4, 5)
    assert evaluate(lstm, out, x, targets, loss="xent") == pytest.approx(
        training_step(lstm, out, x, targets, loss="xent").loss)
