"""The still figures (lstm_core.figures.stills): titled, labelled, and showing what they measure."""

import numpy as np
import pytest

import lstm_core as lc
from lstm_core.figures import stills
from lstm_core.data import lesson_problem


@pytest.fixture
def run():
    params, x, dh = lesson_problem()
    trace = lc.lstm_forward(params, x)
    return trace, lc.lstm_backward(params, trace, dh)


@pytest.mark.parametrize("make", [
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
])
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
