"""Text that costs nothing the second time: an Agg canvas that rasterizes each glyph once.

matplotlib's Agg renderer (3.11 and later) lays out every string and asks FreeType to
rasterize every glyph each time a text is drawn. For a stepper's frame that is most of
its time: a note of five lines and a title, about 150 glyphs, take 10 to 20 ms on the
2-core machine, the rest of the frame a few. Yet a frame draws the same glyphs at the
same places again and again.

A glyph's picture depends only on its font, size, transform and hinting, and on the
fraction of a pixel where it starts: moved by whole pixels, FreeType's picture moves
with it, unchanged. :class:`GlyphCachingRenderer` keeps each picture the first time it
is made, keyed by all of these, and each string's layout likewise; after that it draws
the kept picture where FreeType's would go. The pixels are the same as the plain
renderer's (``tests/test_glyphs.py``). Where matplotlib draws text another way
(before 3.11), the plain renderer's drawing is used.

:class:`GlyphCachingCanvas` is a ``FigureCanvasAgg`` with that renderer; the steppers'
:class:`~lstm_core.figures.rendering.BlitRenderer` draws on one.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.ft2font import FT2Font, RenderMode

#: the private matplotlib API this module reads (matplotlib 3.11); without it, nothing is cached
SUPPORTED = all(hasattr(FT2Font, name) for name in ("_layout", "_render_glyph", "_set_transform")) and hasattr(
    RendererAgg, "_draw_text_glyphs_and_boxes")
#: pictures kept per renderer before the oldest half is dropped (a glyph's picture is about 200 bytes)
MAX_GLYPHS = 20_000
#: string layouts kept per renderer before the oldest half is dropped
MAX_LAYOUTS = 2_000


def _bounded(cache: dict, limit: int) -> None:
    if len(cache) > limit:
        for key in list(cache)[: limit // 2]:  # dicts keep insertion order: the oldest first
            del cache[key]


class GlyphCachingRenderer(RendererAgg):
    """A ``RendererAgg`` that keeps each glyph's picture and each string's layout once made."""

    def __init__(self, width, height, dpi):
        super().__init__(width, height, dpi)
        self._glyphs: dict[tuple, tuple[np.ndarray, int, int]] = {}
        self._layouts: dict[tuple, list] = {}

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or not SUPPORTED:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        font = self._prepare_font(prop)
        flags = get_hinting_flag()
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        size = prop.get_size_in_points()
        key = (hash(prop), font.fname, size, self.dpi, s, flags, features if features is None else tuple(features),
               language)
        items = self._layouts.get(key)
        if items is None:
            items = [(item.ft_object, item.glyph_index, item.x, item.y)
                     for item in font._layout(s, flags=flags, features=features, language=language)]
            _bounded(self._layouts, MAX_LAYOUTS)
            self._layouts[key] = items
        glyphs = ((ft, size, index, 0, 1, dx, dy) for ft, index, dx, dy in items)
        self._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, [])

    def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
        if not SUPPORTED:
            return super()._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, boxes)
        # As RendererAgg's, with each glyph's picture made once (y is downwards, dy upwards).
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        load_flags = get_hinting_flag()
        antialiased = gc.get_antialiased()
        rotation = 0x10000 * np.array([[cos, -sin], [sin, cos]])
        for font, size, glyph_index, slant, extend, dx, dy in glyphs:
            matrix = (rotation @ [[extend, extend * slant], [0, 1]]).round().astype(int)
            at = (round(0x40 * (x + dx * cos - dy * sin)), round(0x40 * (self.height - y + dx * sin + dy * cos)))
            whole = (at[0] >> 6, at[1] >> 6)  # whole pixels (26.6 fixed point); the rest is the fraction
            key = (font.fname, size, self.dpi, glyph_index, matrix.tobytes(), at[0] & 63, at[1] & 63, load_flags,
                   antialiased)
            kept = self._glyphs.get(key)
            if kept is None:
                font.set_size(size, self.dpi)
                font._set_transform(matrix, list(at))
                bitmap = font._render_glyph(glyph_index, load_flags,
                                            RenderMode.NORMAL if antialiased else RenderMode.MONO)
                buffer = np.array(bitmap.buffer)  # a copy: FreeType reuses its own
                if not antialiased:
                    buffer *= 0xff
                kept = (buffer, bitmap.left - whole[0], bitmap.top - whole[1])
                _bounded(self._glyphs, MAX_GLYPHS)
                self._glyphs[key] = kept
            buffer, left, top = kept
            bottom = int(self.height) - (top + whole[1]) + buffer.shape[0]  # draw_text_image's y is downwards
            self._renderer.draw_text_image(buffer, left + whole[0], bottom, 0, gc)
        if boxes:
            super()._draw_text_glyphs_and_boxes(gc, x, y, angle, (), boxes)


class GlyphCachingCanvas(FigureCanvasAgg):
    """A ``FigureCanvasAgg`` that draws with a :class:`GlyphCachingRenderer`."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = GlyphCachingRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


__all__ = ["GlyphCachingCanvas", "GlyphCachingRenderer", "SUPPORTED"]
