"""A matplotlib figure as an ipywidget that redraws in milliseconds: :class:`FigureStepper`.

A stepper puts rows of controls above an ``ipywidgets.Image`` of a figure made of
:class:`~lstm_core.figures.panel.Panel` s, and a line of text under it. When a control
changes, the stepper asks its ``compute`` for each panel's data, has each panel
``update`` to it, repaints as little as it can (:class:`~lstm_core.figures.rendering.BlitRenderer`),
and writes the line of text from the panels' ``describe``. It needs no matplotlib backend:
the figure is rendered with Agg and sent as PNG. With ``frames="t"``, the browser keeps a
picture of every step (:mod:`lstm_core.figures.frames`), which the kernel draws while idle,
so that the slider ``t`` moves without waiting for the kernel.
"""

from __future__ import annotations

import functools
import html
import time
from collections.abc import Callable, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .frames import BrowserFrames, when_idle
from .panel import Panel
from .rendering import BlitRenderer
from .style import autograding, course_style

#: how often, at most, a stepper filling its frames tells the browser of the new ones far from the slider (s)
TELL_EVERY_S = 0.25


class FigureStepper(widgets.VBox):
    """Rows of controls above an image of a matplotlib figure that they update, and a line of text.

    ``compute(setting)`` gets the controls' values by name and returns each panel's data
    by name. The line under the image joins the ``describe`` of the panels named in
    ``readout``: it says in words and numbers what the figure now shows (announced by
    screen readers as it changes, and readable from the back of a room). ``frames``
    names a slider among the controls whose every position the browser keeps as a
    picture (see :mod:`lstm_core.figures.frames`).

    Attributes
    ----------
    figure : the matplotlib Figure (built once, updated in place)
    image : the ``ipywidgets.Image`` showing it (with ``frames``: the current value's); ``png``: its PNG
    readout : the ``ipywidgets.HTML`` line under it; ``readout_text`` holds its plain text
    controls : dict of the controls by name (``"play"``, ``"t"``, ...)
    panels : dict of the panels by name, for tests and for curious students
    """

    def __init__(self, figure: Figure, controls: dict, rows: list[list[str]], panels: dict[str, Panel],
                 compute: Callable[[dict], dict], readout: Sequence[str], frames: str | None = None):
        for name, panel in panels.items():
            if not isinstance(panel, Panel):
                raise TypeError(f"panels[{name!r}] must be a Panel (moving, scenery, update, describe), "
                                f"got {type(panel).__name__}")
        unknown = [name for name in readout if name not in panels]
        if unknown:
            raise ValueError(f"readout must name panels of {sorted(panels)}, got {unknown}")
        self.figure, self.controls, self.panels = figure, controls, panels
        self._compute, self._readout = compute, tuple(readout)
        width, height = (int(size * figure.dpi) for size in figure.get_size_inches())
        # a fixed height: a picture the browser swaps in keeps its place before it is decoded
        layout = {"width": f"{width}px", "height": f"{height}px", "max_width": "100%", "object_fit": "contain"}
        if frames is not None and frames not in controls:
            raise ValueError(f"frames must name one of the controls {sorted(controls)}, got {frames!r}")
        self.frames = BrowserFrames(controls[frames], layout) if frames else None
        self._frames_name = frames
        self._image = None if frames else widgets.Image(format="png", layout=widgets.Layout(**layout))
        self.readout = widgets.HTML(layout=widgets.Layout(width=f"{width}px", max_width="100%"))
        self.readout_text = ""
        self.renderer = None
        self._filling, self._told = False, 0.0
        boxes = [widgets.HBox([controls[name] for name in row]) for row in rows]
        super().__init__(children=[*boxes, self.frames.stack if frames else self._image, self.readout])
        self._update()
        if autograding():  # nbgrader is grading: nobody will look at this figure, so it is not drawn
            return
        with course_style():
            self.renderer = BlitRenderer(figure, [a for panel in panels.values() for a in panel.moving],
                                         self._scenery)
        for name, control in controls.items():
            if name != "play":  # the Play button moves the slider ``t``, which redraws
                control.observe(self._on_change, names="value")
        self._show()

    @property
    def image(self) -> widgets.Image:
        """The ``ipywidgets.Image`` of what the controls show now."""
        return self.frames.image(self.frames.position) if self.frames else self._image

    @property
    def png(self) -> bytes:
        """The PNG of what the controls show now (empty while nbgrader grades)."""
        return self.frames.png(self.frames.position) if self.frames else bytes(self._image.value)

    def _scenery(self) -> dict:
        return {ax: key for panel in self.panels.values() for ax, key in panel.scenery().items()}

    def _setting(self, **values) -> dict:
        return {**{name: control.value for name, control in self.controls.items()}, **values}

    def _others(self) -> tuple:
        """The controls' values that every frame shares: all but the frames' slider (and Play, which moves it)."""
        return tuple((name, control.value) for name, control in self.controls.items()
                     if name != "play" and control is not self.frames.control)

    def _update_panels(self, setting: dict) -> dict:
        with np.errstate(all="ignore"), course_style():
            data = self._compute(setting)
            for name, value in data.items():
                self.panels[name].update(value)
        return data

    def _update(self) -> None:
        """Every panel updated to the controls' values, and the readout written."""
        data = self._update_panels(self._setting())
        with np.errstate(all="ignore"), course_style():
            words = [self.panels[name].describe(data[name]) for name in self._readout if name in data]
        self.readout_text = " ".join(word for word in words if word)
        self.readout.value = (f'<p role="status" aria-live="polite" style="font-size: 1.15em; margin: 0.3em 0">'
                              f"{html.escape(self.readout_text)}</p>")

    def _on_change(self, change) -> None:
        with course_style():  # once for the whole change: the blocks inside it cost nothing
            self._update()
            self._show()

    def _show(self) -> None:
        """The picture of the controls' values, drawn unless the browser has it; then the other frames, when idle."""
        if self.frames is None:
            self.redraw()
            return
        others = self._others()
        if not self.frames.fresh(self.frames.position, others):
            self.redraw()
        self.frames.show(others)
        if not self._filling and self.frames.stale(others):
            self._filling = when_idle(self._fill_one)

    def _fill_one(self) -> bool:
        """Draw the nearest frame the browser lacks (the kernel is idle); False once it has them all.

        The panels show the controls' values again afterwards, so that ``redraw`` and the
        panels read from a cell stay true; if drawing fails, filling stops until a control moves."""
        others = self._others()
        stale = self.frames.stale(others)
        self._filling = False
        if stale:
            position = stale[0]
            with np.errstate(all="ignore"), course_style():  # once for the frame: the blocks inside cost nothing
                try:
                    self._update_panels(self._setting(**{self._frames_name: self.frames.value_at(position)}))
                    self.renderer.frame()
                    self.frames.put(position, self.renderer.png(), others)
                finally:
                    self._update_panels(self._setting())
            self._filling = len(stale) > 1
        # tell the browser at once of a picture next to the slider, of the others now and then, and at the end
        near = bool(stale) and abs(stale[0] - self.frames.position) <= 2
        if not self._filling or near or time.monotonic() - self._told >= TELL_EVERY_S:
            self.frames.show(others)
            self._told = time.monotonic()
        return self._filling

    def fill_frames(self) -> None:
        """Draw every frame the browser lacks now (as the kernel does while idle)."""
        if self.frames is not None and self.renderer is not None:
            while self._fill_one():
                pass

    def redraw(self, full: bool = False) -> None:
        """Paint the figure as it is and show it (``full``: drawn whole, without blitting)."""
        with np.errstate(all="ignore"), course_style():
            self.renderer.frame(full=full)
        if self.frames is None:
            self._image.value = self.renderer.png()
        else:
            self.frames.put(self.frames.position, self.renderer.png(), self._others(), shown=True)


def stops_slider(stops, value, description: str, label=str, **kwargs) -> widgets.SelectionSlider:
    """A slider over ``stops`` only, its readout each stop's ``label``: its position (``index``)
    can carry a stepper's frames, whatever the values are."""
    stops = list(stops)
    if value not in stops:
        raise ValueError(f"{description} must be one of the slider's stops {label(stops[0])}, {label(stops[1])}, … "
                         f"{label(stops[-1])}, got {value!r}")
    return widgets.SelectionSlider(options=[(label(stop), stop) for stop in stops], value=value,
                                   description=description, **kwargs)


def stepper_figure(width: float, height: float) -> Figure:
    """An empty figure for a stepper: projector-sized, laid out once with constrained layout."""
    figure = Figure(figsize=(width, height), dpi=80, layout="constrained")
    # Generous gaps, so that an axes whose range changes can be repainted alone (see rendering).
    figure.get_layout_engine().set(w_pad=8 / 72, h_pad=8 / 72)
    return figure


def styled(builder):
    """Build the figure under the course's style (fonts and colours are fixed at creation)."""
    @functools.wraps(builder)
    def build(*args, **kwargs):
        with course_style():
            return builder(*args, **kwargs)
    return build


__all__ = ["FigureStepper", "stepper_figure", "stops_slider", "styled"]
