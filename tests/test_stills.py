"""The still figures (lstm_core.figures.stills): titled, labelled, and showing what they measure."""

import numpy as np
import pytest

import lstm_core as lc
from lstm_core.figures import stills
from lstm_core.lessons import measures
from lstm_core.lessons.data import CharVocab, lesson_problem


@pytest.fixture
def run():
    params, x, dh = lesson_problem()
    trace = lc.lstm_forward(params, x)
    return trace, lc.lstm_backward(trace, dh)


PASSAGE = "All:\nSpeak, speak.\n"
VOCAB = CharVocab(PASSAGE + "abc")


FIGURES = [
    lambda trace, grads: stills.plot_cell(),
    lambda trace, grads: stills.plot_forward_steps(trace),
    lambda trace, grads: stills.plot_forward_history(trace),
    lambda trace, grads: stills.plot_gradient_paths(grads),
    lambda trace, grads: stills.plot_gradient_flow(grads),
    lambda trace, grads: stills.plot_gate_gradient_heatmap(grads),
    lambda trace, grads: stills.plot_gate_gradient_steps(grads),
    lambda trace, grads: stills.plot_weight_accumulation(trace, grads),
    lambda trace, grads: stills.plot_keep_bias_sweep(np.arange(3.0), np.ones((3, 4)), np.full(3, 0.2)),
    lambda trace, grads: stills.plot_gradcheck({"W": 1e-10, "b": 3e-9}),
    lambda trace, grads: stills.plot_loss_curve([1.0, 0.5, 0.1]),
    lambda trace, grads: stills.plot_predictions(*np.ones((4, 5))),
    lambda trace, grads: stills.plot_runs({"a": [[1.0, 0.5], [1.0, 2.0, np.inf]]}),
    lambda trace, grads: stills.plot_gradient_decay({"default": measures.gradient_decay(T=20)}),
    lambda trace, grads: stills.plot_training_curves({"a": [1.0, 0.5, 0.2]}, line=(1.0, "threshold"),
                                                     marks={"held-out": ([1, 3], [1.1, 0.4])}),
    lambda trace, grads: stills.plot_scalar_graph([(0.5, 0.8, 0.6)]),
    lambda trace, grads: stills.plot_temperatures({tau: np.exp(np.arange(5.0) / tau)
                                                   / np.exp(np.arange(5.0) / tau).sum() for tau in (0.5, 1.0, 2.0)},
                                                  list("ab c\n")),
    lambda trace, grads: stills.plot_text_units(lc.init_params(len(VOCAB), 4, seed=0), VOCAB, PASSAGE,
                                                [("unit 2: a label", 1), 3]),
]


@pytest.mark.parametrize("make", FIGURES)
def test_every_still_figure_has_titles_and_labelled_axes(make, run):
    fig = make(*run)
    fig.canvas.draw()
    titled = [ax for ax in fig.axes if ax.get_title() or ax.get_label() == "<colorbar>"]
    assert titled, "no titled axes"
    for ax in fig.axes:
        if ax.axison and ax.get_label() != "<colorbar>":
            assert ax.get_xlabel() or ax.get_xticklabels(), "unlabelled x axis"
            siblings = ax.get_shared_y_axes().get_siblings(ax)  # small multiples share one y label
            assert any(a.get_ylabel() or a.get_yticklabels() for a in siblings), "unlabelled y axis"


def test_runs_show_each_run_a_median_and_where_a_run_stopped():
    runs = {"stable": [[1.0, 0.5, 0.2, 0.1], [1.0, 0.7, 0.3, 0.2]], "exploding": [[1.0, 1e3, 1e200], [1.0, 1e5]]}
    fig = stills.plot_runs(runs, top=1e8)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert "stable: median of 2 runs" in labels and "exploding: median of 2 runs" in labels
    stops = [line for line in ax.get_lines() if line.get_marker() == "x"]
    assert len(stops) == 2  # both exploding runs ended early; the stable ones did not
    assert all(line.get_ydata()[0] <= 1e8 for line in stops)  # drawn on the top edge, not off the chart
    assert ax.get_ylim()[1] == pytest.approx(1e8)
    median = next(line for line in ax.get_lines() if line.get_label() == "stable: median of 2 runs")
    np.testing.assert_allclose(median.get_ydata(), [1.0, 0.6, 0.25, 0.15])


@pytest.mark.parametrize("make", FIGURES)
def test_every_still_figure_describes_itself_in_words(make, run):
    """The text alternative: at least a sentence that says what the figure shows, made with it."""
    text = make(*run).description
    assert len(text) >= 60 and text.endswith("."), text
    assert "nan" not in text.split() and "{" not in text.replace("_{t-1}", "").replace("_{t+1}", ""), text


def test_descriptions_use_the_numbers_they_plot(run):
    trace, grads = run
    via_h, via_next, total = measures.path_norms(grads)
    text = stills.plot_gradient_flow(grads).description
    assert f"largest at t = {int(np.argmax(total)) + 1}" in text
    assert "2 of 2 below it" in stills.plot_gradcheck({"W": 1e-10, "b": 3e-9}).description
    assert "1 of 2 below it" in stills.plot_gradcheck({"W": 1e-10, "b": 3e-3}).description


def test_a_notebook_stores_the_description_as_the_images_alt():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats

    shell = InteractiveShell.instance()
    try:
        select_figure_formats(shell, {"png"})  # what the inline backend does
        fig = stills.plot_loss_curve([1.0, 0.5, 0.1])
        data, metadata = shell.display_formatter.format(fig)
        assert data["image/png"]  # the picture itself, drawn as usual
        assert metadata["image/png"]["alt"] == fig.description
    finally:
        InteractiveShell.clear_instance()


def test_text_units_colour_each_character_by_its_units_cell_state():
    params = lc.init_params(len(VOCAB), 4, seed=0)
    fig = stills.plot_text_units(params, VOCAB, PASSAGE, [("unit 2: a label", 1), 3])
    trace = lc.lstm_forward(params, VOCAB.one_hot(VOCAB.encode(PASSAGE)))
    text_axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert [ax.get_title() for ax in text_axes] == ["unit 2: a label: cell state $S_t$ after each character",
                                                    "unit 4: cell state $S_t$ after each character"]
    for ax, j in zip(text_axes, (1, 3)):
        grid = ax.images[0].get_array()
        assert grid[0, 0] == trace.s[0, j] and grid[1, 0] == trace.s[5, j]  # 'A', then 'S' after "All:⏎"
        low, high = ax.images[0].get_clim()
        assert low == -high and high >= np.abs(trace.s[:, j]).max()
    from lstm_core.figures.alt_text import description
    assert "unit 2: a label" in description(fig) and "cell state" in description(fig)
