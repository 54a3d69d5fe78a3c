"""The steppers' rendering (lstm_core.figures.rendering): blitted frames equal full draws, pixel for pixel."""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from lstm_core.figures.rendering import BlitRenderer, encode_png, layers_over


def _pixels(canvas) -> np.ndarray:
    return np.asarray(canvas.buffer_rgba()).copy()


def _full(renderer) -> np.ndarray:
    """What a draw of the whole figure, moving artists included, gives."""
    renderer.frame(full=True)
    return _pixels(renderer.canvas)


def _two_axes(wspace=0.3):
    figure = Figure(figsize=(6, 3), dpi=60)
    left, right = figure.subplots(1, 2, gridspec_kw={"wspace": wspace})
    line = left.plot([0, 1], [0, 1], lw=3)[0]
    note = left.text(0.5, 0.5, "over the line", zorder=5)  # drawn above the line: a layer too
    right.plot([0, 1], [1, 0])
    return figure, left, right, line, note


def test_the_layers_are_the_moving_artists_and_what_lies_above_them_in_drawing_order():
    figure, left, right, line, note = _two_axes()
    left.set_title("a still title", zorder=4)  # above the line, but outside the axes it is clipped to
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # where the title goes is settled by a draw
    renderer = canvas.get_renderer()
    assert layers_over(figure, [line], renderer) == [line, note]
    assert layers_over(figure, [note], renderer) == [note]
    line.set_clip_on(False)  # now the line could reach the title
    assert layers_over(figure, [line], renderer) == [line, left.title, note]


def test_a_frame_that_moves_an_artist_equals_a_full_draw():
    figure, left, right, line, note = _two_axes()
    renderer = BlitRenderer(figure, [line])
    renderer.frame()
    for y in (0.2, 0.9, 0.5):
        line.set_ydata([y, 1 - y])
        renderer.frame()
        blitted = _pixels(renderer.canvas)
        np.testing.assert_array_equal(blitted, _full(renderer))


def test_an_axes_whose_range_changes_is_repainted_alone_and_exactly():
    figure, left, right, line, note = _two_axes(wspace=0.6)
    renderer = BlitRenderer(figure, [line])
    renderer.frame()
    right_before = renderer._boxes[right]
    left.set_ylim(-5, 5)  # new ticks and labels on the left axes only
    renderer.frame()
    blitted = _pixels(renderer.canvas)
    assert renderer._boxes[right] is right_before  # the right axes was not drawn again
    np.testing.assert_array_equal(blitted, _full(renderer))


def test_a_repaint_that_would_reach_another_axes_draws_the_whole_figure():
    figure, left, right, line, note = _two_axes(wspace=0.0)  # the left's labels touch the right axes
    renderer = BlitRenderer(figure, [line])
    renderer.frame()
    right_before = renderer._boxes[right]
    left.set_ylim(-12345.5, 12345.5)
    renderer.frame()
    assert renderer._boxes[right] is not right_before  # every axes drawn again
    np.testing.assert_array_equal(_pixels(renderer.canvas), _full(renderer))


def test_a_scenery_change_repaints_its_axes():
    figure, left, right, line, note = _two_axes(wspace=0.6)
    shade = {"colour": "white"}
    renderer = BlitRenderer(figure, [line], scenery=lambda: {right: shade["colour"]})
    renderer.frame()
    right.set_facecolor("0.8")  # a still part: only the scenery's key tells the renderer
    shade["colour"] = "grey"
    renderer.frame()
    assert _pixels(renderer.canvas)[90, 270, 0] != 255  # inside the right axes: grey now
    np.testing.assert_array_equal(_pixels(renderer.canvas), _full(renderer))


def test_frames_are_palette_pngs_and_those_over_one_still_picture_share_its_palette():
    figure, left, right, line, note = _two_axes()
    renderer = BlitRenderer(figure, [line])
    renderer.frame()
    first = Image.open(io.BytesIO(renderer.png()))
    assert first.format == "PNG" and first.mode == "P"
    png, palette = encode_png(renderer.canvas)  # colours chosen afresh: the same picture, the same bytes
    assert encode_png(renderer.canvas)[0] == png and palette.mode == "P"
    decoded = np.asarray(first.convert("RGB")).astype(int)
    original = _pixels(renderer.canvas)[..., :3].astype(int)
    assert np.abs(decoded - original).mean() < 2  # a few colours merged, nothing more
    line.set_ydata([0.9, 0.1])
    renderer.frame()  # blitted: the palette of the still picture
    second = Image.open(io.BytesIO(renderer.png()))
    assert second.getpalette() == first.getpalette()
    assert np.abs(np.asarray(second.convert("RGB")).astype(int) - _pixels(renderer.canvas)[..., :3]).mean() < 2
    left.set_ylim(-3, 3)
    renderer.frame()  # a new still picture: colours chosen for it
    assert Image.open(io.BytesIO(renderer.png())).getpalette() == encode_png(renderer.canvas)[1].getpalette()


@pytest.mark.parametrize("full", [False, True])
def test_frames_leave_the_layout_as_the_first_draw_made_it(full):
    figure, left, right, line, note = _two_axes()
    figure.set_layout_engine("constrained")
    renderer = BlitRenderer(figure, [line])
    where = left.get_position().bounds
    line.set_ydata([5, -5])
    renderer.frame(full=full)
    assert left.get_position().bounds == where


def test_a_setting_seen_before_restores_its_kept_still_picture_exactly(monkeypatch):
    from lstm_core.figures import rendering

    figure, left, right, line, note = _two_axes()
    renderer = BlitRenderer(figure, [line])
    renderer.frame()
    pictures = {}
    for top in (1.0, 2.0):  # two ranges of the left axes: each repainted once
        left.set_ylim(0, top)
        renderer.frame()
        renderer.png()  # the first frame over a still picture chooses the PNGs' palette
        pictures[top] = (_pixels(renderer.canvas), renderer._palette)
    drawn = []
    monkeypatch.setattr(type(left), "draw", lambda ax, r: drawn.append(ax))  # any repaint would show here
    monkeypatch.setattr(renderer.canvas, "draw", lambda: drawn.append("figure"))
    left.set_ylim(0, 1.0)  # back to a range seen before
    renderer.frame()
    assert drawn == []
    np.testing.assert_array_equal(_pixels(renderer.canvas), pictures[1.0][0])
    assert renderer._palette is pictures[1.0][1]  # and its palette
    monkeypatch.undo()
    np.testing.assert_array_equal(pictures[1.0][0], _full(renderer))
    for top in np.linspace(3, 9, rendering.KEPT_STILLS + 2):  # more settings than are kept
        left.set_ylim(0, top)
        renderer.frame()
    assert len(renderer._kept) == rendering.KEPT_STILLS
