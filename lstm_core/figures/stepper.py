"""A matplotlib figure as an ipywidget that redraws in milliseconds: :class:`FigureStepper`.

A stepper puts rows of controls above an ``ipywidgets.Image`` of a figure made of
:class:`~lstm_core.figures.panel.Panel` s, and a line of text under it. When a control
changes, the stepper asks its ``compute`` for each panel's data, has each panel
``update`` to it, repaints as little as it can (:class:`~lstm_core.figures.rendering.BlitRenderer`),
and writes the line of text from the panels' ``describe``. It needs no matplotlib backend:
the figure is rendered with Agg and sent as PNG.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .panel import Panel
from .rendering import BlitRenderer
from .style import autograding, course_style


class FigureStepper(widgets.VBox):
    """Rows of controls above an image of a matplotlib figure that they update, and a line of text.

    ``compute(setting)`` gets the controls' values by name and returns each panel's data
    by name. The line under the image joins the ``describe`` of the panels named in
    ``readout``: it says in words and numbers what the figure now shows (announced by
    screen readers as it changes, and readable from the back of a room).

    Attributes
    ----------
    figure : the matplotlib Figure (built once, updated in place)
    image : the ``ipywidgets.Image`` showing it
    readout : the ``ipywidgets.HTML`` line under it; ``readout_text`` holds its plain text
    controls : dict of the controls by name (``"play"``, ``"t"``, ...)
    panels : dict of the panels by name, for tests and for curious students
    """

    def __init__(self, figure: Figure, controls: dict, rows: list[list[str]], panels: dict[str, Panel],
                 compute: Callable[[dict], dict], readout: Sequence[str]):
        for name, panel in panels.items():
            if not isinstance(panel, Panel):
                raise TypeError(f"panels[{name!r}] must be a Panel (moving, scenery, update, describe), "
                                f"got {type(panel).__name__}")
        unknown = [name for name in readout if name not in panels]
        if unknown:
            raise ValueError(f"readout must name panels of {sorted(panels)}, got {unknown}")
        self.figure, self.controls, self.panels = figure, controls, panels
        self._compute, self._readout = compute, tuple(readout)
        width = int(figure.get_figwidth() * figure.dpi)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%"))
        self.readout = widgets.HTML(layout=widgets.Layout(width=f"{width}px", max_width="100%"))
        self.readout_text = ""
        self.renderer = None
        boxes = [widgets.HBox([controls[name] for name in row]) for row in rows]
        super().__init__(children=[*boxes, self.image, self.readout])
        self._update()
        if autograding():  # nbgrader is grading: nobody will look at this figure, so it is not drawn
            return
        with course_style():
            self.renderer = BlitRenderer(figure, [a for panel in panels.values() for a in panel.moving],
                                         self._scenery)
        for name, control in controls.items():
            if name != "play":  # the Play button moves the slider ``t``, which redraws
                control.observe(self._on_change, names="value")
        self.redraw()

    def _scenery(self) -> dict:
        return {ax: key for panel in self.panels.values() for ax, key in panel.scenery().items()}

    def _update(self) -> None:
        """Every panel updated to the controls' values, and the readout written."""
        setting = {name: control.value for name, control in self.controls.items()}
        with np.errstate(all="ignore"), course_style():
            data = self._compute(setting)
            for name, value in data.items():
                self.panels[name].update(value)
            words = [self.panels[name].describe(data[name]) for name in self._readout if name in data]
        self.readout_text = " ".join(word for word in words if word)
        self.readout.value = (f'<p role="status" aria-live="polite" style="font-size: 1.15em; margin: 0.3em 0">'
                              f"{html.escape(self.readout_text)}</p>")

    def _on_change(self, change) -> None:
        self._update()
        self.redraw()

    def redraw(self, full: bool = False) -> None:
        """Paint the figure as it is and show it (``full``: drawn whole, without blitting)."""
        with np.errstate(all="ignore"), course_style():
            self.renderer.frame(full=full)
        self.image.value = self.renderer.png()


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


__all__ = ["FigureStepper", "stepper_figure", "styled"]
