"""The course's figures, built on the engine: still figures and interactive steppers.

- :mod:`~lstm_core.figures.style`: the colour-blind-safe palette and projector-sized fonts;
  :mod:`~lstm_core.figures.labels`: the one table of names (curves, paths, gates, controls);
- :mod:`~lstm_core.figures.diagram` and :mod:`~lstm_core.figures.graph_diagram`: the LSTM
  cell and notebook 00's scalar graph, drawn;
- :mod:`~lstm_core.figures.panel`: the interface every panel has (draw once, ``update(data)``,
  ``describe(data)``), and the panels: :mod:`~lstm_core.figures.gate_panels`,
  :mod:`~lstm_core.figures.path_panels`, :mod:`~lstm_core.figures.decay_panels`,
  :mod:`~lstm_core.figures.text_panels`, :mod:`~lstm_core.figures.weight_panels`, with
  :mod:`~lstm_core.figures.scales` (round ranges) and :mod:`~lstm_core.figures.explosions`;
- :mod:`~lstm_core.figures.stills`: the still figures (``plot_*``), for readers without a kernel;
- :mod:`~lstm_core.figures.stepper` and :mod:`~lstm_core.figures.widgets`: the interactive
  steppers, built from the same panels and the same numbers (:mod:`lstm_core.lessons.measures`),
  drawn by :mod:`~lstm_core.figures.rendering` (blitting, palette PNGs).

The engine (:mod:`lstm_core`) never imports from here.
"""

from .._course import require_course_extra

require_course_extra("lstm_core.figures")

from . import stills, style, widgets  # noqa: E402 - after the check
from .style import use_course_style  # noqa: E402 - after the check

__all__ = ["stills", "style", "use_course_style", "widgets"]
