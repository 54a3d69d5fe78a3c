"""The steppers' text (lstm_core.figures.glyphs): each glyph rasterized once, in matplotlib's own pixels."""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lstm_core.figures import frameworks, widgets
from lstm_core.figures.glyphs import SUPPORTED, GlyphCachingCanvas, GlyphCachingRenderer
from lstm_core.figures.style import course_style

BUILDERS = [getattr(widgets, name) for name in widgets.__all__] + [frameworks.gate_product_explorer]


def _pixels(canvas_class, figure) -> np.ndarray:
    canvas = canvas_class(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def _texts(figure, shift: float = 0.0):
    """Every kind of text the course draws: plain, unicode, math, several lines, sizes, rotated, bold."""
    ax = figure.subplots()
    ax.set_title(f"loss at the last step: $b_f$ = {shift:g}, weights × 1.0\n299 steps back: ‖δS_t‖ 1.2e-05")
    ax.set_xlabel("steps back from the loss, $T - t$")
    ax.set_ylabel("size relative to the last step", rotation=90)
    ax.text(0.1 + shift, 0.5, "path 2 alone 3.4e-07\nRNN ‖δh‖ overflow", fontsize=10.5)
    ax.text(0.3, 0.3 + shift, "$\\delta S_t = \\delta h_t \\odot o_t \\odot (1 - \\tanh^2 S_t)$", fontsize=14)
    ax.text(0.6, 0.8, "tilted", rotation=30, fontweight="bold")
    ax.plot([0, 1], [0, 1])


@pytest.mark.parametrize("shift", [0.0, 0.013, 0.37])
def test_texts_are_drawn_exactly_as_matplotlib_draws_them_the_first_time_and_after(shift):
    with course_style():
        figure = Figure(figsize=(6, 4), dpi=80)
        _texts(figure, shift)
        plain = _pixels(FigureCanvasAgg, figure)
        canvas = GlyphCachingCanvas(figure)
        for _ in range(2):  # the second draw takes every glyph from the cache
            canvas.draw()
            np.testing.assert_array_equal(np.asarray(canvas.buffer_rgba()), plain)


def test_glyphs_are_rasterized_once_and_reused():
    with course_style():
        figure = Figure(figsize=(6, 4), dpi=80)
        _texts(figure)
        canvas = GlyphCachingCanvas(figure)
        canvas.draw()
        renderer = canvas.get_renderer()
        assert isinstance(renderer, GlyphCachingRenderer)
        if not SUPPORTED:  # another matplotlib's text path: nothing is kept, the drawing is matplotlib's
            return
        kept = dict(renderer._glyphs)
        assert kept and renderer._layouts
        canvas.draw()
        assert renderer._glyphs.keys() == kept.keys()
        assert all(renderer._glyphs[key] is kept[key] for key in kept)  # the same pictures, not made again


@pytest.mark.parametrize("builder", BUILDERS, ids=[builder.__name__ for builder in BUILDERS])
def test_every_stepper_frame_is_matplotlibs_own_picture(builder):
    stepper = builder()
    canvas = stepper.renderer.canvas
    assert isinstance(canvas, GlyphCachingCanvas)
    stepper.redraw(full=True)
    drawn = np.asarray(canvas.buffer_rgba()).copy()
    with course_style():
        plain_canvas = FigureCanvasAgg(stepper.figure)
        plain_canvas.draw()  # all but the moving layers (animated), which a frame draws over
        for artist in stepper.renderer.layers:
            stepper.figure.draw_artist(artist)
        plain = np.asarray(plain_canvas.buffer_rgba()).copy()
    stepper.figure.set_canvas(canvas)
    np.testing.assert_array_equal(drawn, plain)
