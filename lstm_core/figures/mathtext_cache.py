"""Mathtext parsed once per session, not once per figure.

matplotlib parses each mathtext string (``$\\delta S_t$``, a log axis's ``$10^{-5}$``) for
every figure anew: its cache of parses (50 of them) belongs to one renderer, and each
figure draws with a renderer of its own. A notebook's figures share most of their labels,
and a parse takes 3 to 10 ms, so a notebook spent up to a second parsing the same strings
again. :func:`share_mathtext_parses` makes every renderer's parser use one cache, keyed by
everything a parse depends on: the string, the dpi, the font, antialiasing and hinting,
the kind of output, and the ``mathtext.*`` settings. A parse is the same whichever
renderer made it, so the figures are the same, pixel for pixel (``tests/test_glyphs.py``).

:func:`~lstm_core.figures.style.use_course_style` and the steppers' renderer turn it on.
Where matplotlib keeps its parses another way (its private ``_parse_cached`` is not there),
nothing changes.
"""

from __future__ import annotations

import functools

import matplotlib as mpl
from matplotlib.mathtext import MathTextParser

#: parses kept for the whole session, the latest used
KEPT_PARSES = 1024
_SETTINGS = tuple(sorted(name for name in mpl.rcParams if name.startswith("mathtext.")))
_shared = None  # the shared cache, once installed
_matplotlib_own = None  # matplotlib's own per-parser method, kept (the tests draw with it to compare)


def _settings() -> tuple:
    return tuple(str(mpl.rcParams[name]) for name in _SETTINGS)


def share_mathtext_parses() -> bool:
    """Make every mathtext parser of this session use one cache (once); False if this matplotlib
    keeps its parses in a way this function does not know, and nothing was changed."""
    global _shared, _matplotlib_own
    if _shared is not None:
        return True
    own = getattr(MathTextParser, "_parse_cached", None)
    parse = getattr(own, "__wrapped__", None)  # the method under matplotlib's per-parser lru_cache
    if parse is None:
        return False
    parsers = {}  # one parser per kind of output ("agg", "path", ...) does the parsing

    @functools.lru_cache(KEPT_PARSES)
    def shared(output_type, settings, s, dpi, prop, antialiased, load_glyph_flags):
        return parse(parsers[output_type], s, dpi, prop, antialiased, load_glyph_flags)

    def _parse_cached(self, s, dpi, prop, antialiased, load_glyph_flags):
        parsers.setdefault(self._output_type, self)
        return shared(self._output_type, _settings(), s, dpi, prop, antialiased, load_glyph_flags)

    MathTextParser._parse_cached = _parse_cached
    _shared, _matplotlib_own = shared, own
    return True


def cache_info():
    """The shared cache's hits and misses (``functools.lru_cache``'s info), None before it is installed."""
    return None if _shared is None else _shared.cache_info()


__all__ = ["KEPT_PARSES", "cache_info", "share_mathtext_parses"]
