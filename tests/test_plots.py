"""Still figures, the cell diagram, the palette, and the toy data behind the notebooks."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

import lstm_core as lc
from lstm_core import panels, plots
from lstm_core.data import echo_task, lesson_problem
from lstm_core.diagram import CellDiagram
from lstm_core.style import GATE_COLORS, OKABE_ITO, PATH_COLORS


@pytest.fixture
def run():
    params, x, dh = lesson_problem()
    trace = lc.lstm_forward(params, x)
    return trace, lc.lstm_backward(params, trace, dh)


def test_explosion_message_is_silent_for_ordinary_values():
    assert panels.explosion_message(np.ones((5, 3))) is None


def test_explosion_message_names_the_steps_and_overflow():
    values = np.ones((6, 2))
    values[1, 0] = 1e9
    values[3, 1] = np.inf
    message = panels.explosion_message(values, what="gradient")
    assert "gradient exploded" in message and "t = 2 … 4" in message and "inf" in message
    assert "t = 2:" not in panels.explosion_message(values[:3])  # one step: "t = 2 sizes"


def test_palette_is_okabe_ito_and_every_gate_has_its_own_colour():
    palette = {to_hex(c) for c in OKABE_ITO.values()}
    used = [to_hex(c) for c in [*GATE_COLORS.values(), PATH_COLORS["via_h"], PATH_COLORS["via_next"]]]
    assert set(used) <= palette
    assert len(set(used)) == len(used)


def test_diagram_writes_values_and_sizes_paths_to_scale():
    fig, ax = plt.subplots()
    diagram = CellDiagram(ax)
    diagram.show_values({"f": 0.731, "x": (0.5, -1.25), "s": 1234.0})
    assert diagram.values["f"].get_text() == "0.73"
    assert diagram.values["x"].get_text() == "[0.50, -1.25]"
    assert diagram.values["s"].get_text() == "1.2e+03"
    assert not diagram.values["o"].get_visible()
    diagram.show_gradient_paths({"via_h": 1.0, "via_next": 3.0, "total": 4.0, "carried": 2.0}, scale=4.0)
    widths = {name: line.get_linewidth() for name, line in diagram.paths.items()}
    assert widths["total"] == pytest.approx(16.0)
    assert widths["via_next"] == pytest.approx(3 * widths["via_h"])
    diagram.show_gradient_paths(None)
    assert not any(line.get_visible() for line in diagram.paths.values())


def test_path_norms_split_the_total(run):
    _, grads = run
    via_h, via_next, total = plots.path_norms(grads)
    assert np.all(total <= via_h + via_next + 1e-12)  # the triangle inequality: paths may cancel
    assert via_next[-1] == 0  # nothing comes from beyond the last step
    np.testing.assert_allclose(total, np.linalg.norm(grads.ds, axis=1))


def test_gate_gradient_norms_are_per_gate_and_step(run):
    _, grads = run
    norms = plots.gate_gradient_norms(grads)
    assert norms.shape == (4, 12)
    np.testing.assert_allclose(norms[2], np.linalg.norm(grads.dz[:, 6:9], axis=1))
    assert norms[2, 0] == 0  # δf_1 = δS_1 ⊙ S_0 = 0


@pytest.mark.parametrize("make", [
    lambda trace, grads: plots.plot_cell(),
    lambda trace, grads: plots.plot_forward_steps(trace),
    lambda trace, grads: plots.plot_forward_history(trace),
    lambda trace, grads: plots.plot_gradient_paths(grads),
    lambda trace, grads: plots.plot_gradient_flow(grads),
    lambda trace, grads: plots.plot_gate_gradient_heatmap(grads),
    lambda trace, grads: plots.plot_gate_gradient_steps(grads),
    lambda trace, grads: plots.plot_weight_accumulation(trace, grads),
    lambda trace, grads: plots.plot_keep_bias_sweep(np.arange(3.0), np.ones((3, 4)), np.full(3, 0.2)),
    lambda trace, grads: plots.plot_gradcheck({"W": 1e-10, "b": 3e-9}),
    lambda trace, grads: plots.plot_loss_curve([1.0, 0.5, 0.1]),
    lambda trace, grads: plots.plot_predictions(*np.ones((4, 5))),
    lambda trace, grads: plots.plot_runs({"a": [[1.0, 0.5], [1.0, 2.0, np.inf]]}),
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


def test_flow_bars_show_the_path_norms_and_label_their_scale(run):
    _, grads = run
    fig = plots.plot_gradient_flow(grads)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_width() == pytest.approx(0.75)][:12]
    # the y axis's labels are texts at positions in units of the scale: value / position = scale
    label = next(t for t in ax.texts if t.get_visible() and t.get_text() not in ("", "0"))
    scale = float(label.get_text()) / label.get_position()[1]
    np.testing.assert_allclose([b.get_height() * scale for b in bars], plots.path_norms(grads)[0])


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
    assert a.x.shape == (12, 2) and a.dh.shape == (12, 3)
    assert np.all(lesson_problem(keep_bias=2.0).params.gate("f")[1] == 2.0)
    with pytest.raises(ValueError, match="scale"):
        lesson_problem(scale=0.0)


def test_runs_show_each_run_a_median_and_where_a_run_stopped():
    runs = {"stable": [[1.0, 0.5, 0.2, 0.1], [1.0, 0.7, 0.3, 0.2]], "exploding": [[1.0, 1e3, 1e200], [1.0, 1e5]]}
    fig = plots.plot_runs(runs, top=1e8)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert "stable: median of 2 runs" in labels and "exploding: median of 2 runs" in labels
    stops = [line for line in ax.get_lines() if line.get_marker() == "x"]
    assert len(stops) == 2  # both exploding runs ended early; the stable ones did not
    assert all(line.get_ydata()[0] <= 1e8 for line in stops)  # drawn on the top edge, not off the chart
    assert ax.get_ylim()[1] == pytest.approx(1e8)
    median = next(line for line in ax.get_lines() if line.get_label() == "stable: median of 2 runs")
    np.testing.assert_allclose(median.get_ydata(), [1.0, 0.6, 0.25, 0.15])
