"""A matplotlib figure as an ipywidget that redraws in tens of milliseconds.

:class:`FigureStepper` puts rows of controls above an ``ipywidgets.Image`` of a figure.
When a control changes, it updates the figure's panels and repaints as little as it can:

- the artists that change (the panels' ``dynamic`` lists, the axes titles, and whatever
  is drawn above them) are animated: drawn over a saved background of everything else;
- an axes whose range changed (new ticks) is blanked and drawn again on its own, if it
  is clear of its neighbours; otherwise the whole figure is drawn.

The result is the same picture a full draw gives, pixel for pixel (``tests/test_widgets.py``
checks it), at a fraction of the cost. It needs no matplotlib backend: the figure is
rendered with Agg and sent as PNG.
"""

from __future__ import annotations

import functools
import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.spines import Spine
from matplotlib.transforms import Bbox
from PIL import Image

from .style import autograding, course_style


def _encode(canvas: FigureCanvasAgg) -> bytes:
    # Fast compression: this runs on every slider move, and the image only crosses a socket.
    buf = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3]).save(buf, format="png", compress_level=1)
    return buf.getvalue()


def _artists(obj) -> list[Artist]:
    """The artists a panel (or an artist, or a list of them) changes when updated."""
    if isinstance(obj, Artist):
        return [obj]
    if hasattr(obj, "dynamic"):
        return list(obj.dynamic)
    if isinstance(obj, (list, tuple)):
        return [a for item in obj for a in _artists(item)]
    return []


class FigureStepper(widgets.VBox):
    """Rows of controls above an image of a matplotlib figure that they update, and a line of text.

    ``update()`` changes the panels from the controls' values and returns one line that
    says in words and numbers what the figure now shows; it appears under the image
    (announced by screen readers as it changes, and readable from the back of a room).

    Attributes
    ----------
    figure : the matplotlib Figure (built once, updated in place)
    image : the ``ipywidgets.Image`` showing it
    readout : the ``ipywidgets.HTML`` line under it; ``readout_text`` holds its plain text
    controls : dict of the controls by name (``"play"``, ``"t"``, ...)
    panels : dict of the plot panels by name, for tests and for curious students

    Redrawing is blitted: the first frame is drawn in full and kept as a background
    without the artists that change; later frames repaint only those artists (and what
    lies above them). An axes whose range changed, or that a panel lists in its
    ``stale_axes`` (its still part changed), is repainted whole, or the whole figure if
    that axes overlaps another.
    """

    def __init__(self, figure: Figure, controls: dict, rows: list[list[str]], update, panels: dict):
        self.figure = figure
        self.controls = controls
        self.panels = panels
        self._update = update
        self.canvas = FigureCanvasAgg(figure)
        width = int(figure.get_figwidth() * figure.dpi)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%"))
        self.readout = widgets.HTML(layout=widgets.Layout(width=f"{width}px", max_width="100%"))
        self.readout_text = ""
        boxes = [widgets.HBox([controls[name] for name in row]) for row in rows]
        super().__init__(children=[*boxes, self.image, self.readout])
        with np.errstate(all="ignore"), course_style():
            update()
        if autograding():  # nbgrader is grading: nobody will look at this figure, so it is not drawn
            return
        self.canvas.draw()  # the one constrained-layout pass; later frames keep this layout
        figure.set_layout_engine("none")
        self._layers = self._find_layers(_artists(list(panels.values())))
        for artist in self._layers:
            artist.set_animated(True)
        self._background = None
        self._limits = None
        self._box_cache = {}
        for name, control in controls.items():
            if name != "play":  # the Play button moves the slider ``t``, which redraws
                control.observe(self._on_change, names="value")
        self.redraw()

    def _find_layers(self, dynamic: list[Artist]) -> list[Artist]:
        """The changing artists plus, in their axes, whatever is drawn over them; in drawing order."""
        dynamic = dynamic + [ax.title for ax in self.figure.axes]
        layers = []
        for ax in self.figure.axes:
            mine = [a for a in dynamic if a.axes is ax]
            if not mine:
                continue
            lowest = min(a.get_zorder() for a in mine)
            above = [a for a in ax.get_children()
                     if a.get_zorder() > lowest and a is not ax.patch and not isinstance(a, (Spine, Axis))]
            layers += sorted(set(mine) | set(above), key=lambda a: a.get_zorder())
        return layers + [a for a in dynamic if a.axes is None]

    def _axis_limits(self):
        return tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.figure.axes)

    def _on_change(self, change) -> None:
        self.redraw()

    def redraw(self, full: bool = False) -> None:
        """Update the figure from the controls' values and show it (``full``: no blitting)."""
        with np.errstate(all="ignore"), course_style():
            self._show_readout(self._update())
            stale = []  # axes whose still part a panel changed: repainted whole, like an axes whose range changed
            for panel in self.panels.values():
                stale += getattr(panel, "stale_axes", [])
                if hasattr(panel, "stale_axes"):
                    panel.stale_axes = []
            limits = self._axis_limits()
            if full or self._background is None or not self._redraw_axes(limits, stale):
                self.canvas.draw()  # everything but the animated layers
                renderer = self.canvas.get_renderer()
                self._boxes = {ax: ax.get_tightbbox(renderer).padded(3) for ax in self.figure.axes}
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            self._limits = limits
            for artist in self._layers:
                self.figure.draw_artist(artist)
        self.image.value = _encode(self.canvas)

    def _show_readout(self, text: str | None) -> None:
        self.readout_text = text or ""
        self.readout.value = (f'<p role="status" aria-live="polite" style="font-size: 1.15em; margin: 0.3em 0">'
                              f"{html.escape(self.readout_text)}</p>")

    def _redraw_axes(self, limits, stale=()) -> bool:
        """Restore the background, repainting only the axes whose range changed (and the ``stale`` ones).

        Each such axes is blanked where it was and where it now reaches (ticks, labels,
        legend) and drawn again. Returns False, having changed nothing that matters, if
        the blanked area touches an axes that is not being redrawn: then only a full
        draw is exact.
        """
        self.canvas.restore_region(self._background)
        changed = [ax for ax, old, new in zip(self.figure.axes, self._limits, limits) if old != new or ax in stale]
        if not changed:
            return True
        now = {ax: self._box(ax, new) for ax, new in zip(self.figure.axes, limits) if ax in changed}
        area = {ax: Bbox.union([now[ax], self._boxes[ax]]) for ax in changed}
        for ax in self.figure.axes:
            if ax not in area and any(self._boxes[ax].overlaps(box) for box in area.values()):
                return False
        pixels = np.asarray(self.canvas.buffer_rgba())
        height, width = pixels.shape[:2]
        for box in area.values():  # blank with the figure's white (the buffer's y axis points down)
            (x0, y0), (x1, y1) = np.clip(box.get_points(), 0, [width, height])
            pixels[int(height - y1):int(np.ceil(height - y0)), int(x0):int(np.ceil(x1))] = 255
        renderer = self.canvas.get_renderer()
        for ax in changed:
            ax.draw(renderer)
        self._boxes.update(now)
        return True

    def _box(self, ax, limits):
        """Where ``ax`` draws (ticks, labels, legend included) at these axis ranges; cached."""
        key = (id(ax), limits)
        if key not in self._box_cache:
            self._box_cache[key] = ax.get_tightbbox(self.canvas.get_renderer()).padded(3)
        return self._box_cache[key]


def stepper_figure(width: float, height: float) -> Figure:
    """An empty figure for a stepper: projector-sized, laid out once with constrained layout."""
    figure = Figure(figsize=(width, height), dpi=80, layout="constrained")
    # Generous gaps, so that an axes whose range changes can be repainted alone (see redraw).
    figure.get_layout_engine().set(w_pad=8 / 72, h_pad=8 / 72)
    return figure


def styled(builder):
    """Build the figure under the course's style (fonts and colours are fixed at creation)."""
    @functools.wraps(builder)
    def build(*args, **kwargs):
        with course_style():
            return builder(*args, **kwargs)
    return build


__all__ = ["FigureStepper", "stepper_figure", "styled"]
