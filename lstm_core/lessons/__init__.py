"""What the lessons compute and read, beyond the engine: the course side, with the ``course`` extra.

- :mod:`~lstm_core.lessons.measures`: the quantities the notebooks plot and print (gradient
  paths, gate-gradient norms, the gradient-decay experiment of notebook 05, the unit
  correlations of notebook 06);
- :mod:`~lstm_core.lessons.data`: the lessons' problems and toy tasks, and the shipped text
  (``texts/``) for character-level language modelling;
- :mod:`~lstm_core.lessons.scalar_graph`: notebook 00's two-path scalar graph.

These use the engine (:mod:`lstm_core`); the engine never imports them.
"""

from .._course import require_course_extra

require_course_extra("lstm_core.lessons")

from . import data, measures, scalar_graph  # noqa: E402 - after the check, which names the extra

__all__ = ["data", "measures", "scalar_graph"]
