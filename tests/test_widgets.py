"""The notebooks' widgets: build with no arguments, respond to every control, survive extremes.

Each test moves controls the way a student would (by setting their values, which runs
the same callbacks a browser triggers) and checks what the figure then shows.
"""

import itertools

import ipywidgets
import numpy as np
import pytest

import lstm_core as lc
from lstm_core.figures import frameworks, widgets
from lstm_core.figures.panel import Panel
from lstm_core.lessons import measures
from lstm_core.lessons.data import CharVocab, lesson_problem

#: every stepper of the course: the lessons' (widgets) and notebook 07's (frameworks)
BUILDERS = [getattr(widgets, name) for name in widgets.__all__] + [frameworks.gate_product_explorer]
BUILDER_IDS = [builder.__name__ for builder in BUILDERS]


def find(widget, cls, description=None):
    """Every descendant of ``widget`` (through ``.children``) of type ``cls``."""
    found = []
    for child in getattr(widget, "children", ()):
        if isinstance(child, cls) and (description is None or child.description == description):
            found.append(child)
        found += find(child, cls, description)
    return found


def forward_and_back(T=12, scale=1.0, keep_bias=0.0, linear=False, last_only=False):
    params, x, dh = lesson_problem(T=T, scale=scale, keep_bias=keep_bias)
    trace = lc.lstm_forward(params, x, linear=linear)
    if last_only:
        dh = np.where(np.arange(T)[:, None] == T - 1, dh, 0.0)
    return trace, lc.lstm_backward(trace, dh)


@pytest.mark.parametrize("builder", BUILDERS, ids=BUILDER_IDS)
def test_builder_needs_no_arguments_and_shows_a_png(builder):
    stepper = builder()
    assert isinstance(stepper, ipywidgets.VBox)
    shown = stepper.children[-2]  # the image, or with frames the stack that shows the current step's
    assert shown is (stepper.frames.stack if stepper.frames else stepper.image)
    assert isinstance(stepper.image, ipywidgets.Image)
    if stepper.frames:
        assert shown.children[stepper.frames.position] is stepper.image
    assert stepper.png.startswith(b"\x89PNG")
    # its panels have the declared interface, and what they change is blitted over the still picture
    for name, panel in stepper.panels.items():
        assert isinstance(panel, Panel), name
        assert all(artist.get_animated() for artist in panel.moving), name
    # every control is reachable through .children
    reachable = find(stepper, ipywidgets.ValueWidget)
    assert all(any(c is r for r in reachable) for c in stepper.controls.values())
    if "t" in stepper.controls:  # a time stepper: Play and the slider "step t"
        [t_slider] = find(stepper, ipywidgets.IntSlider, "step t")
        [play] = find(stepper, ipywidgets.Play)
        assert t_slider is stepper.controls["t"] and play is stepper.controls["play"]


@pytest.mark.parametrize("builder", BUILDERS, ids=BUILDER_IDS)
def test_moving_the_slider_changes_the_figure(builder):
    stepper = builder()
    first = stepper.png
    slider = next(c for c in stepper.controls.values() if isinstance(c, (ipywidgets.IntSlider, ipywidgets.FloatSlider)))
    slider.value = slider.max if slider.value == slider.min else slider.min
    assert stepper.png != first


def test_play_counts_forward_in_the_forward_stepper_and_backward_in_the_others():
    forward, backward = widgets.forward_stepper(T=12), widgets.state_gradient_stepper(T=12)
    assert forward.controls["t"].value == 1 and backward.controls["t"].value == 12
    forward.controls["play"].value = 3
    backward.controls["play"].value = 3
    assert forward.controls["t"].value == 4
    assert backward.controls["t"].value == 9


@pytest.mark.parametrize("builder", BUILDERS, ids=BUILDER_IDS)
def test_blitted_frames_equal_a_full_redraw(builder):
    """Redraws repaint only what changed; the picture must be exactly that of a full draw."""
    stepper = builder()
    for name, control in stepper.controls.items():
        if name == "play":
            continue
        if isinstance(control, (ipywidgets.ToggleButtons, ipywidgets.Dropdown)):
            control.value = control.options[-1][1]
        elif isinstance(control, ipywidgets.SelectionSlider):
            control.index = int(0.7 * (len(control.options) - 1))
        elif isinstance(control, ipywidgets.FloatLogSlider):
            control.value = control.base ** (0.3 * control.max)
        else:
            control.value = type(control.value)(control.min + (control.max - control.min) * 0.7)
        blitted = np.asarray(stepper.renderer.canvas.buffer_rgba()).copy()
        stepper.redraw(full=True)
        assert np.array_equal(blitted, np.asarray(stepper.renderer.canvas.buffer_rgba())), name


def _extremes(control):
    if isinstance(control, (ipywidgets.ToggleButtons, ipywidgets.Dropdown)):
        return [value for _, value in control.options]
    if isinstance(control, ipywidgets.SelectionSlider):
        return [control.options[0][1], control.options[-1][1]]
    if isinstance(control, ipywidgets.FloatLogSlider):
        return [control.base ** control.min, control.base ** control.max]
    return [control.min, control.max]


@pytest.mark.parametrize("builder", BUILDERS, ids=BUILDER_IDS)
def test_every_combination_of_extreme_settings_draws_without_error(builder):
    stepper = builder()
    names = [n for n in stepper.controls if n != "play"]
    for values in itertools.product(*(_extremes(stepper.controls[n]) for n in names)):
        for name, value in zip(names, values):
            stepper.controls[name].value = value
        assert stepper.png.startswith(b"\x89PNG")


def test_forward_stepper_shows_the_trace_at_step_t():
    stepper = widgets.forward_stepper()
    stepper.controls["t"].value = 5
    stepper.controls["unit"].value = 1
    trace, _ = forward_and_back()
    heights = [bar.get_height() for bar in stepper.panels["gates"].bars]
    np.testing.assert_allclose(heights, trace.gates[4])
    diagram = stepper.panels["diagram"]
    assert diagram.values["f"].get_text() == f"{trace.f[4, 1]:.2f}"
    assert diagram.values["s"].get_text() == f"{trace.s[4, 1]:.2f}"
    np.testing.assert_allclose(stepper.panels["history"].s_line.get_ydata(), trace.s[:5, 1])
    assert "t = 5" in diagram.ax.get_title()
    assert not stepper.panels["warning"].text.get_visible()


def test_forward_stepper_linear_mode_shows_the_linear_trace():
    stepper = widgets.forward_stepper()
    stepper.controls["mode"].value = True
    stepper.controls["t"].value = 3
    trace, _ = forward_and_back(linear=True)
    heights = [bar.get_height() for bar in stepper.panels["gates"].bars]
    np.testing.assert_allclose(heights, trace.gates[2])


def test_a_forward_explosion_is_reported_and_nothing_is_drawn():
    stepper = widgets.forward_stepper()
    stepper.controls["mode"].value = True
    stepper.controls["scale"].value = 10.0
    warning = stepper.panels["warning"].text
    assert warning.get_visible() and "exploded" in warning.get_text()
    assert all(bar.get_height() == 0 for bar in stepper.panels["gates"].bars)
    assert len(stepper.panels["history"].s_line.get_xdata()) == 0
    stepper.controls["mode"].value = False  # the full LSTM stays bounded
    assert not warning.get_visible()


def test_state_gradient_stepper_draws_both_paths_at_step_t():
    stepper = widgets.state_gradient_stepper()
    stepper.controls["t"].value = 7
    _, grads = forward_and_back()
    via_h, via_next, total = measures.path_norms(grads)
    flow = stepper.panels["flow"]
    np.testing.assert_allclose([b.get_height() for b in flow.via_h], via_h)
    np.testing.assert_allclose([b.get_height() for b in flow.via_next], via_next)
    assert flow.ax.get_ylim()[1] >= (via_h + via_next).max()
    top = flow.ax.get_ylim()[1]
    stepper.controls["t"].value = 3  # the range fits every step: moving t leaves it (and its ticks) as it is
    assert flow.ax.get_ylim()[1] == top
    stepper.controls["t"].value = 7
    # steps the backward pass has not reached (t' < 7) are faded
    assert [b.get_alpha() < 1 for b in flow.via_h] == [t < 7 for t in range(1, 13)]
    diagram = stepper.panels["diagram"]
    assert diagram.path_labels["via_h"].get_text() == f"path 1 {via_h[6]:.2f}"
    assert diagram.path_labels["via_next"].get_text() == f"path 2 {via_next[6]:.2f}"
    widths = {name: line.get_linewidth() for name, line in diagram.paths.items()}
    assert widths["via_h"] / widths["via_next"] == pytest.approx(via_h[6] / via_next[6])


def test_with_the_loss_at_the_last_step_path_1_starts_there():
    stepper = widgets.state_gradient_stepper()
    stepper.controls["loss"].value = True
    _, grads = forward_and_back(last_only=True)
    flow = stepper.panels["flow"]
    heights = [b.get_height() for b in flow.via_h]
    np.testing.assert_allclose(heights, measures.path_norms(grads)[0])
    assert heights[-1] > 0


def test_a_large_keep_bias_carries_the_gradient_further_back():
    stepper = widgets.state_gradient_stepper()
    stepper.controls["loss"].value = True
    stepper.controls["t"].value = 1  # the backward pass has reached every step
    flow = stepper.panels["flow"]
    first = flow.total.get_ydata()[0]
    stepper.controls["keep_bias"].value = 6.0
    assert flow.total.get_ydata()[0] > 100 * first


def test_the_linear_model_has_no_keep_bias():
    stepper = widgets.state_gradient_stepper()
    stepper.controls["keep_bias"].value = 4.0
    stepper.controls["mode"].value = True
    assert stepper.controls["keep_bias"].disabled
    _, grads = forward_and_back(linear=True)  # keep bias 0
    flow = stepper.panels["flow"]
    np.testing.assert_allclose([b.get_height() for b in flow.via_h], measures.path_norms(grads)[0])
    stepper.controls["mode"].value = False
    assert not stepper.controls["keep_bias"].disabled


def test_a_backward_explosion_is_reported():
    stepper = widgets.state_gradient_stepper()
    stepper.controls["mode"].value = True
    stepper.controls["scale"].value = 10.0
    assert "exploded" in stepper.panels["warning"].text.get_text()
    assert not any(line.get_visible() for line in stepper.panels["diagram"].paths.values())


def test_gate_gradient_explorer_shows_the_norms_and_saturation():
    stepper = widgets.gate_gradient_explorer()
    stepper.controls["t"].value = 4
    _, grads = forward_and_back()
    np.testing.assert_allclose(stepper.panels["heatmap"].image.get_array(), measures.gate_gradient_norms(grads))
    np.testing.assert_allclose([b.get_height() for b in stepper.panels["step"].bars], grads.dz[3])
    assert stepper.panels["heatmap"].marker.get_x() == pytest.approx(2.5)
    stepper.controls["keep_bias"].value = 8.0
    slopes = stepper.panels["sigmoid"].points.get_ydata()
    assert np.all(slopes < 1e-3)  # saturated: σ'(Z_f) is tiny, and so is δZ_f
    _, grads = forward_and_back(keep_bias=8.0)
    np.testing.assert_allclose(stepper.panels["heatmap"].image.get_array(), measures.gate_gradient_norms(grads))


def test_chain_rule_explorer_shows_the_two_path_derivative():
    stepper = widgets.chain_rule_explorer()
    stepper.controls["s"].value = -1.0
    stepper.controls["o"].value = 0.3
    stepper.controls["f"].value = 1.5
    expected = 0.3 * (1 - np.tanh(-1.0) ** 2) + 1.5
    assert f"{expected:.2f}" in stepper.panels["graph"].ax.get_title()
    assert stepper.panels["graph"].node_texts["s"].get_text().endswith(f"δ = {expected:.2f}")


def test_gradient_decay_explorer_draws_both_networks_and_reports_explosions():
    stepper = widgets.gradient_decay_explorer()
    stepper.controls["T"].value = 50
    curves = measures.gradient_decay(50, 0.0, 1.0)
    panel = stepper.panels["curves"]
    for key in ("lstm", "carousel", "lstm_dh", "rnn"):  # δS, path 2 alone, and δh of both networks
        np.testing.assert_allclose(panel.lines[key].get_ydata(), np.clip(curves[key], 1e-30, None))
    assert len(panel.lines["rnn"].get_xdata()) == 50
    assert panel.ax.get_xlim() == (0, 299)  # the distance axis stays as it is: a longer sequence reaches further
    assert not stepper.panels["warning"].text.get_visible()
    stepper.controls["T"].value = 300
    stepper.controls["scale"].value = 8.0
    assert "RNN's gradient exploded" in stepper.panels["warning"].text.get_text()


def test_weight_stepper_running_sum_reaches_dW_at_t_1():
    stepper = widgets.weight_gradient_stepper()
    trace, grads = forward_and_back()
    stepper.controls["t"].value = 12
    np.testing.assert_allclose(stepper.panels["step"].image.get_array(), np.outer(grads.dz[11], trace.I[11]))
    assert "still missing" in stepper.panels["contributions"].done.get_text()
    stepper.controls["t"].value = 1
    np.testing.assert_allclose(stepper.panels["sum"].image.get_array(), grads.dW)
    assert "equals δW" in stepper.panels["contributions"].done.get_text()


@pytest.mark.parametrize("builder", [widgets.forward_stepper, widgets.state_gradient_stepper,
                                     widgets.gate_gradient_explorer, widgets.weight_gradient_stepper])
def test_a_bad_sequence_length_is_named(builder):
    with pytest.raises(ValueError, match="T"):
        builder(T=0)
    with pytest.raises(TypeError, match="T"):
        builder(T=2.5)


@pytest.mark.parametrize("builder", BUILDERS, ids=BUILDER_IDS)
def test_every_stepper_says_in_words_what_its_figure_shows(builder):
    """A line of text under the figure, for screen readers and the back of the room, that follows the controls."""
    stepper = builder()
    assert stepper.readout in stepper.children and stepper.children[-1] is stepper.readout
    first = stepper.readout_text
    assert len(first) > 30 and first in stepper.readout.value.replace("&#x27;", "'")
    assert 'role="status"' in stepper.readout.value
    control = stepper.controls.get("t") or next(iter(stepper.controls.values()))
    low, high = _extremes(control)
    control.value = low if control.value != low else high
    assert stepper.readout_text != first
    if "t" in stepper.controls:
        assert stepper.readout_text.startswith(f"t = {control.value}")


def test_state_gradient_readout_gives_the_two_paths_of_the_step_shown():
    stepper = widgets.state_gradient_stepper()
    stepper.controls["t"].value = 6
    params, x, dh = lesson_problem()
    trace = lc.lstm_forward(params, x)
    grads = lc.lstm_backward(trace, dh)
    path1, path2 = grads.ds_via_h[5, 0], grads.ds_via_next[5, 0]
    assert f"δS = {path1 + path2:.2f} = path 1 {path1:.2f} + path 2 {path2:.2f}" in stepper.readout_text


def test_text_unit_stepper_colours_the_text_and_shows_the_step_in_the_cell():
    text = "All:\nSpeak, speak.\nYou are all resolved."
    vocab = CharVocab(text)
    params = lc.init_params(len(vocab), 5, seed=3)
    stepper = widgets.text_unit_stepper(params, vocab, text, units=[("unit 4: picked", 3)])
    trace = lc.lstm_forward(params, vocab.one_hot(vocab.encode(text)))
    assert [value for _, value in stepper.controls["unit"].options] == [3, 0, 1, 2, 4]
    assert stepper.controls["t"].max == len(text)
    stepper.controls["t"].value = 8  # 'e' of "Speak", row 1, column 2
    grid = stepper.panels["text"].ax.images[0].get_array()
    assert grid[1, 2] == trace.s[7, 3]
    assert stepper.panels["text"].cursor.get_xy() == (1.5, 0.5)
    assert stepper.panels["diagram"].values["s"].get_text() == f"{trace.s[7, 3]:.2f}"
    assert stepper.readout_text.startswith(f"t = 8: 'e', unit 4: a = {trace.a[7, 3]:.2f}")
    stepper.controls["show"].value = "f"
    assert stepper.panels["text"].ax.images[0].get_array()[1, 2] == trace.f[7, 3]
    assert stepper.panels["text"].ax.images[0].get_clim() == (0.0, 1.0)
    stepper.controls["unit"].value = 1
    assert stepper.panels["text"].ax.images[0].get_array()[0, 0] == trace.f[0, 1]


def test_text_unit_stepper_names_bad_arguments():
    vocab = CharVocab("abc")
    with pytest.raises(ValueError, match="params"):
        widgets.text_unit_stepper(lc.init_params(7, 2), vocab, "abc")
    with pytest.raises(ValueError, match="units"):
        widgets.text_unit_stepper(lc.init_params(3, 2), vocab, "abc", units=[5])
    with pytest.raises(TypeError, match="vocab"):
        widgets.text_unit_stepper(lc.init_params(3, 2), "abc", "abc")


def test_every_control_has_a_label():
    for builder in BUILDERS:
        for name, control in builder().controls.items():
            assert control.description, f"{builder.__name__}: control {name} has no label"


def test_still_figures_and_their_widgets_share_one_colour_scale():
    """The same data gets the same colours (and bar ranges) in a still figure and in its widget."""
    from lstm_core.figures import stills

    trace, grads = forward_and_back()
    still = stills.plot_weight_accumulation(trace, grads)
    stepper = widgets.weight_gradient_stepper()
    assert still.axes[0].images[0].get_clim() == stepper.panels["sum"].image.get_clim()
    assert stepper.panels["step"].image.get_clim() == stepper.panels["sum"].image.get_clim()
    still = stills.plot_gate_gradient_steps(grads)
    explorer = widgets.gate_gradient_explorer()
    assert still.axes[0].get_ylim() == explorer.panels["step"].ax.get_ylim()


def test_while_nbgrader_autogrades_a_stepper_is_built_but_not_drawn(monkeypatch):
    """nbgrader sets NBGRADER_EXECUTION=autograde; nobody looks at the figures then."""
    from lstm_core.figures import style

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert style.autograding()
    stepper = widgets.state_gradient_stepper()
    assert stepper.png == b"" and stepper.controls  # built, with its controls, and no PNG
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert not style.autograding() and widgets.state_gradient_stepper().png.startswith(b"\x89PNG")
