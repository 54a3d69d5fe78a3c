"""Mathtext parsed once per session (lstm_core.figures.mathtext_cache): the same pixels, fewer parses."""

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.mathtext import MathTextParser

from lstm_core.figures import mathtext_cache
from lstm_core.figures.style import course_style, use_course_style

LABELS = ("$\\delta S_t = \\delta h_t \\odot o_t \\odot (1 - \\tanh^2 S_t)$", "steps back, $T - t$",
          "$\\|\\delta S_{t+1} \\odot f_{t+1}\\|$ 0.42")


@pytest.fixture(autouse=True)
def shared():
    assert mathtext_cache.share_mathtext_parses(), "this matplotlib keeps its parses another way"


def _pixels(labels=LABELS) -> np.ndarray:
    """A new figure, so a new renderer (and, in matplotlib itself, a new cache of parses)."""
    with course_style():
        figure = Figure(figsize=(5, 3), dpi=80)
        for k, label in enumerate(labels):
            figure.text(0.05, 0.2 + 0.25 * k, label, fontsize=12 + 2 * k)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()


def test_a_shared_parse_draws_what_matplotlibs_own_parse_draws(monkeypatch):
    shared = _pixels()
    monkeypatch.setattr(MathTextParser, "_parse_cached", mathtext_cache._matplotlib_own)
    own = _pixels()
    monkeypatch.undo()
    np.testing.assert_array_equal(shared, own)


def test_a_label_is_parsed_once_for_every_figure_that_shows_it():
    unique = ("$\\gamma_{\\mathrm{only\\ here}}$",)  # a string no other test parses
    before = mathtext_cache.cache_info()
    first = _pixels(unique)
    between = mathtext_cache.cache_info()
    second = _pixels(unique)
    after = mathtext_cache.cache_info()
    assert between.misses > before.misses  # the first figure parsed it
    assert after.misses == between.misses and after.hits > between.hits  # the second took the parse
    np.testing.assert_array_equal(first, second)


def test_a_changed_mathtext_setting_parses_again():
    plain = _pixels(LABELS[:1])
    misses = mathtext_cache.cache_info().misses
    with mpl.rc_context({"mathtext.default": "rm"}):  # upright letters: another parse, another picture
        upright = _pixels(LABELS[:1])
    assert mathtext_cache.cache_info().misses > misses
    assert not np.array_equal(plain, upright)


def test_the_course_style_turns_it_on():
    with mpl.rc_context():  # the course's settings, for this test only
        use_course_style()
    assert MathTextParser._parse_cached is not mathtext_cache._matplotlib_own
    assert mathtext_cache.share_mathtext_parses()  # and again: once only
