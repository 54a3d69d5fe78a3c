"""The figures' building blocks (lstm_core.figures: style, diagram, and the panels: explosions,
gate_panels, path_panels, text_panels, each a Panel)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from course_tools import contrast
from matplotlib.colors import to_hex

import lstm_core as lc
from lstm_core.figures import stills, text_panels
from lstm_core.figures.diagram import CellDiagram
from lstm_core.figures.explosions import explosion_message
from lstm_core.figures.panel import Panel
from lstm_core.figures.style import GATE_COLORS, OKABE_ITO, PATH_COLORS
from lstm_core.lessons import measures
from lstm_core.lessons.data import lesson_problem


@pytest.fixture
def run():
    params, x, dh = lesson_problem()
    trace = lc.lstm_forward(params, x)
    return trace, lc.lstm_backward(trace, dh)


def test_explosion_message_is_silent_for_ordinary_values():
    assert explosion_message(np.ones((5, 3))) is None


def test_explosion_message_names_the_steps_and_overflow():
    values = np.ones((6, 2))
    values[1, 0] = 1e9
    values[3, 1] = np.inf
    message = explosion_message(values, what="gradient")
    assert "gradient exploded" in message and "t = 2 … 4" in message and "inf" in message
    assert "t = 2:" not in explosion_message(values[:3])  # one step: "t = 2 sizes"


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


def test_flow_bars_show_the_path_norms_on_a_real_axis(run):
    _, grads = run
    fig = stills.plot_gradient_flow(grads)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_width() == pytest.approx(0.75)][:12]
    np.testing.assert_allclose([b.get_height() for b in bars], measures.path_norms(grads)[0])
    assert not ax.texts  # the tick labels are the axis's own
    assert ax.get_yticklabels() and ax.get_ylim()[1] >= max(b.get_height() for b in bars)


def test_text_grid_puts_a_newline_at_the_end_of_its_line_and_wraps_long_lines():
    np.testing.assert_array_equal(text_panels.text_grid("ab\ncd", width=60), [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]])
    np.testing.assert_array_equal(text_panels.text_grid("abcde", width=2)[:, 0], [0, 0, 1, 1, 2])


def test_text_colors_characters_sit_inside_their_axes_so_the_layout_may_skip_them():
    """The characters are left out of the layout pass (``in_layout=False``, which halves the time of
    notebook 06's still): that changes nothing only because each lies inside the axes' box."""
    from lstm_core.lessons.data import CharVocab, load_text

    text = load_text()
    vocab, passage = CharVocab(text), text[text.index("MARCIUS:"):][:260]
    fig = stills.plot_text_units(lc.init_params(input_size=len(vocab), hidden_size=4, seed=0), vocab, passage,
                                 [("a unit", 0), ("another", 1)])
    renderer = fig.canvas.get_renderer()
    passages = [ax for ax in fig.axes if ax.texts]  # the others are colour bars
    assert len(passages) == 2
    for ax in passages:
        characters = ax.texts
        assert len(characters) == len(passage) and not any(t.get_in_layout() for t in characters)
        box = ax.get_window_extent(renderer)
        for t in characters:
            extent = t.get_window_extent(renderer)
            assert box.x0 <= extent.x0 and extent.x1 <= box.x1 and box.y0 <= extent.y0 and extent.y1 <= box.y1
    plt.close(fig)


def test_text_colors_place_values_under_their_characters_and_move_only_the_box():
    fig, ax = plt.subplots()
    text = "ab\ncd"
    panel = text_panels.TextColors(ax, text, title="a passage")
    assert isinstance(panel, Panel)
    values = np.array([0.5, -0.25, 0.0, 1.0, -1.0])
    panel.update(text_panels.TextValues(values, kind="state", limit=2.0, label="S"))
    grid = ax.images[0].get_array()
    assert grid[0, 0] == 0.5 and grid[0, 2] == 0.0 and grid[1, 1] == -1.0 and np.ma.is_masked(grid[0, 3])
    assert ax.images[0].get_clim() == (-2.0, 2.0) and set(panel.scenery()) == {ax, panel.colorbar.ax}
    before = panel.scenery()
    panel.update(text_panels.TextValues(values, kind="state", limit=2.0, label="S", t=4))  # only the box moves
    assert panel.scenery() == before
    assert panel.cursor.get_xy() == (-0.5, 0.5) and panel.cursor.get_visible()
    assert panel.moving == [panel.cursor]
    assert panel.describe(text_panels.TextValues(values)) == "from -1 (at 'd', character 5) to 1 (at 'c', character 4)"
    panel.update(text_panels.TextValues(np.full(5, 0.7), kind="gate"))
    assert ax.images[0].get_clim() == (0.0, 1.0) and ax.images[0].get_cmap() is text_panels.TEXT_GATE_CMAP
    assert panel.scenery() != before  # new colours: the stepper repaints the passage
    with pytest.raises(ValueError, match="kind"):
        panel.update(text_panels.TextValues(values, kind="weights"))
    plt.close(fig)


def test_text_colors_keep_black_text_readable_on_every_colour():
    """WCAG AA: black characters on the lightest to the darkest background keep 4.5 : 1."""
    for cmap in (text_panels.TEXT_STATE_CMAP, text_panels.TEXT_GATE_CMAP):
        worst = min(contrast("black", cmap(x)) for x in np.linspace(0, 1, 65))
        assert worst >= 4.5, (cmap.name, worst)


def test_the_decay_curves_take_their_names_from_the_one_label_table():
    from lstm_core.figures.decay_panels import Decay, DecayCurves
    from lstm_core.figures.labels import DECAY

    fig, ax = plt.subplots()
    panel = DecayCurves(ax, T_max=20)
    data = Decay(measures.gradient_decay(T=20), "a setting")
    panel.update(data)
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [label.math for label in DECAY.values()]
    words = panel.describe(data)
    assert words.startswith("a setting: 19 steps back, ") and all(label.words in words for label in DECAY.values())
    assert all(label.words in panel.note.get_text() for label in DECAY.values())
