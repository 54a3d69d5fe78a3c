"""How a stepper's figure becomes a PNG in a few milliseconds: blitting with matplotlib's own API.

:class:`BlitRenderer` draws a figure once, in full, and keeps the picture of everything
that never moves (``canvas.copy_from_bbox``). A frame restores that picture
(``canvas.restore_region``) and draws over it only the moving artists and what lies
above them (``figure.draw_artist``). When an axes's still part changes (its range, or
what a panel calls its scenery), that axes alone is repainted: its area is restored
from a blank picture of the figure and the axes drawn again, unless the area touches
another axes, in which case the whole figure is drawn. The picture is the same as a
full draw's, pixel for pixel (``tests/test_rendering.py`` and ``tests/test_widgets.py``
check it).

The still pictures of the last few settings of the axes are kept (:data:`KEPT_STILLS`): a
control moved back to a setting seen before restores that picture instead of repainting.

A frame goes out as a palette PNG (:func:`encode_png`): half the bytes of an RGB PNG,
written in a fraction of the time. The palette (256 colours, fast octree) is made when the
still picture is drawn, and kept for the frames blitted over it, which then only map
their pixels to it.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.spines import Spine
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image

from .glyphs import GlyphCachingCanvas
from .mathtext_cache import share_mathtext_parses

#: pixels around an axes's tight box that a repaint of that axes also blanks (antialiasing)
PAD = 3
#: how many still pictures (with their axes' boxes and palette) a renderer keeps, the latest used
KEPT_STILLS = 8


def encode_png(canvas: FigureCanvasAgg, palette: Image.Image | None = None) -> tuple[bytes, Image.Image]:
    """The canvas as a PNG of at most 256 colours (no dithering), and the palette image it used.

    Without ``palette`` the colours are chosen for this picture (fast octree); with one (a
    "P" image from an earlier call), each pixel takes its nearest colour, which is several
    times faster.
    """
    width, height = canvas.get_width_height()
    rgb = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    if palette is None:
        image = palette = rgb.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    else:
        image = rgb.quantize(palette=palette, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=1)
    return buf.getvalue(), palette


def layers_over(figure: Figure, moving: Iterable[Artist], renderer) -> list[Artist]:
    """The moving artists plus, in their axes, whatever is drawn above them; in drawing order.

    Those are the artists a frame draws over the still picture: drawn in the same order
    as a full draw, so that the result is the same. Still artists that cannot touch a
    moving one are left out: those that draw nothing (hidden ones, empty texts such as an
    axes's unused titles), and, when every moving artist below them is clipped to the
    axes, those outside it. A moving axes title is put above everything else in its axes
    (it is drawn outside the data area, so this changes no pixel).
    """
    moving = list(dict.fromkeys(moving))
    for artist in moving:
        if artist.axes is not None and artist is artist.axes.title:
            artist.set_zorder(max(a.get_zorder() for a in artist.axes.get_children()) + 1)
    layers = []
    for ax in figure.axes:
        mine = [a for a in moving if a.axes is ax]
        if not mine:
            continue

        def touches(still, ax=ax, mine=mine) -> bool:
            below = [a for a in mine if a.get_zorder() < still.get_zorder()]
            if not below or not still.get_visible() or (isinstance(still, Text) and not still.get_text()):
                return False
            inside = all(_clipped_to(a, ax) for a in below)
            return not inside or still.get_window_extent(renderer).overlaps(ax.bbox)

        still = [a for a in ax.get_children() if a not in mine and a is not ax.patch
                 and not isinstance(a, (Spine, Axis)) and touches(a)]
        layers += sorted(dict.fromkeys(mine + still), key=lambda a: a.get_zorder())
    return layers + [a for a in moving if a.axes is None]


def _clipped_to(artist: Artist, ax) -> bool:
    """Whether ``artist`` draws only inside ``ax`` (clipped to its box, or to its patch)."""
    if not artist.get_clip_on():
        return False
    area = ax.bbox.padded(1)
    box, path = artist.get_clip_box(), artist.get_clip_path()
    if path is not None:
        box = path.get_fully_transformed_path().get_extents()
    return box is not None and area.x0 <= box.x0 and box.x1 <= area.x1 and area.y0 <= box.y0 and box.y1 <= area.y1


class BlitRenderer:
    """Draws ``figure`` once, then repaints frames over a saved picture of its still part.

    ``moving`` lists the artists that change from frame to frame; ``scenery`` returns, for
    each axes whose still part can change, a key of that part (the renderer repaints the
    axes when its key or its range changes). Call :meth:`frame` after changing the artists.
    """

    def __init__(self, figure: Figure, moving: Iterable[Artist],
                 scenery: Callable[[], dict] = dict):
        self.figure = figure
        self.canvas = GlyphCachingCanvas(figure)  # each glyph rasterized once, then reused
        share_mathtext_parses()  # and each mathtext label parsed once
        self._scenery = scenery
        figure.draw_without_rendering()  # the one layout pass (later frames keep it), painting nothing
        figure.set_layout_engine("none")
        self.layers = layers_over(figure, moving, self.canvas.get_renderer())
        for artist in self.layers:
            artist.set_animated(True)
        renderer = self.canvas.get_renderer()
        renderer.clear()
        figure.patch.draw(renderer)
        self._blank = self.canvas.copy_from_bbox(figure.bbox)  # the figure's background alone
        self._background = None
        self._palette = None  # the colours of the PNGs, chosen when the still picture is drawn
        self._state: dict[object, Hashable] = {}
        self._boxes: dict[object, Bbox] = {}
        self._kept: OrderedDict[tuple, tuple] = OrderedDict()  # axes' state -> (still picture, boxes, palette)

    def _axes_state(self) -> dict:
        state = {ax: (ax.get_xlim(), ax.get_ylim()) for ax in self.figure.axes}
        for ax, key in self._scenery().items():
            state[ax] = (state[ax], key)
        return state

    def frame(self, full: bool = False) -> None:
        """Paint the figure as it now is: blitted, or ``full``: drawn whole."""
        state = self._axes_state()
        changed = [ax for ax in self.figure.axes if self._state.get(ax) != state[ax]]
        key = tuple(state[ax] for ax in self.figure.axes)
        if self._background is not None and (changed or full):  # keep the still picture being left
            self._keep(tuple(self._state.get(ax) for ax in self.figure.axes))
        if changed and not full and key in self._kept:  # a setting seen before: its still picture
            self._background, boxes, self._palette = self._kept[key]
            self._boxes = dict(boxes)
            self._kept.move_to_end(key)
            self.canvas.restore_region(self._background)
        else:
            if full or self._background is None or not self._repaint(changed):
                self.canvas.draw()  # everything but the animated layers
                self._boxes = {ax: self._box(ax) for ax in self.figure.axes}
            if full or changed or self._background is None:
                self._background = self.canvas.copy_from_bbox(self.figure.bbox)
                self._palette = None
        self._state = state
        for artist in self.layers:
            self.figure.draw_artist(artist)

    def _keep(self, key: tuple) -> None:
        self._kept[key] = (self._background, dict(self._boxes), self._palette)
        self._kept.move_to_end(key)
        while len(self._kept) > KEPT_STILLS:
            self._kept.popitem(last=False)

    def _box(self, ax) -> Bbox:
        return ax.get_tightbbox(self.canvas.get_renderer()).padded(PAD)

    def _repaint(self, changed) -> bool:
        """Restore the still picture and repaint the ``changed`` axes alone over it; False (nothing
        done) if one of them reaches into an axes that is not repainted: then only a full draw is exact."""
        now = {ax: self._box(ax) for ax in changed}
        areas = [Bbox.union([now[ax], self._boxes[ax]]) for ax in changed]
        for ax in self.figure.axes:
            if ax not in now and any(self._boxes[ax].overlaps(area) for area in areas):
                return False
        self.canvas.restore_region(self._background)
        width, height = self.canvas.get_width_height()
        for area in areas:  # the blank figure there; a region's pixel rows run from the top
            x0, y0, x1, y1 = np.clip(area.extents, 0, [width, height, width, height])
            box = (int(x0), int(height - y1), int(np.ceil(x1)), int(np.ceil(height - y0)))
            self.canvas.restore_region(self._blank, bbox=box, xy=(0, 0))
        renderer = self.canvas.get_renderer()
        for ax in changed:
            ax.draw(renderer)
        self._boxes.update(now)
        return True

    def png(self) -> bytes:
        """The frame as a palette PNG (the palette chosen for the first frame over this still picture)."""
        png, self._palette = encode_png(self.canvas, self._palette)
        return png


__all__ = ["BlitRenderer", "encode_png", "layers_over"]
