"""The course's figures, built on the engine: still figures and interactive steppers.

- :mod:`~lstm_core.figures.style`: the colour-blind-safe palette and projector-sized fonts;
- :mod:`~lstm_core.figures.diagram` and :mod:`~lstm_core.figures.graph_diagram`: the LSTM
  cell and notebook 00's scalar graph, drawn;
- :mod:`~lstm_core.figures.panels`: plot panels that are drawn once and then only have
  their data changed;
- :mod:`~lstm_core.figures.stills`: the still figures (``plot_*``), for readers without a kernel;
- :mod:`~lstm_core.figures.stepper` and :mod:`~lstm_core.figures.widgets`: the interactive
  steppers, built from the same panels and the same numbers (:mod:`lstm_core.lessons.measures`).

The engine (:mod:`lstm_core`) never imports from here.
"""

from .._course import require_course_extra

require_course_extra("lstm_core.figures")

from . import stills, style, widgets  # noqa: E402 - after the check
from .style import use_course_style  # noqa: E402 - after the check

__all__ = ["stills", "style", "use_course_style", "widgets"]
