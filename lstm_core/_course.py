"""The line between the engine and the course built on it.

The engine (``lstm_core`` itself: forward, backward, gradcheck, optimizers, losses,
training loop, RNN, GRU, layouts) needs numpy alone. The course's parts, the figures
(:mod:`lstm_core.figures`), the exercise checks (:mod:`lstm_core.checks`) and the
lessons' measures and data (:mod:`lstm_core.lessons`), come with the ``course`` extra,
which brings the figure and widget libraries. Each of them calls
:func:`require_course_extra` first, so that without the extra it fails at once, with an
error that says how to get it, rather than halfway through a lesson.
"""

from __future__ import annotations

import importlib.util

#: what the ``course`` extra adds to numpy (pyproject.toml's ``course`` extra)
COURSE_LIBRARIES = ("matplotlib", "ipywidgets")


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # ValueError: a module set to None in sys.modules
        return False


def require_course_extra(part: str) -> None:
    """Raise an ``ImportError`` naming the ``course`` extra unless its libraries are installed."""
    missing = [name for name in COURSE_LIBRARIES if not _installed(name)]
    if missing:
        raise ImportError(
            f"{part} is part of the course, not of the numpy-only engine, and needs the 'course' "
            f"extra ({', '.join(missing)} missing): pip install 'lstm_core[course]', or run "
            f"`make lab`, which installs it")


__all__ = ["COURSE_LIBRARIES", "require_course_extra"]
