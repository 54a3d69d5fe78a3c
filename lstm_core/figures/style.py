"""The course's look: a colour-blind-safe palette and fonts that read on a projector.

Colours are the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), which
stays distinguishable under the common colour-vision deficiencies. Every colour in the
figures comes from here, so a gate has the same colour in every notebook.
"""

from __future__ import annotations

import os
import warnings
from contextlib import contextmanager

import matplotlib as mpl

from .mathtext_cache import share_mathtext_parses

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}

#: one colour per gate, in the equations' order a, i, f, o
GATE_COLORS = {
    "a": OKABE_ITO["blue"],
    "i": OKABE_ITO["green"],
    "f": OKABE_ITO["orange"],
    "o": OKABE_ITO["purple"],
}

#: the two paths of the gradient into S_t, and their sum
PATH_COLORS = {
    "via_h": OKABE_ITO["vermillion"],  # path 1: through h_t and the output gate
    "via_next": OKABE_ITO["sky"],  # path 2: through S_{t+1} and the next keep gate
    "total": OKABE_ITO["black"],
}

#: for the cell state and the hidden output (black: the candidate a_t already has blue)
STATE_COLORS = {"s": OKABE_ITO["black"], "h": OKABE_ITO["vermillion"]}

#: diverging colour map for signed matrices (ColorBrewer's RdBu is colour-blind safe)
DIVERGING = "RdBu_r"
#: sequential colour map for magnitudes
SEQUENTIAL = "viridis"

#: warnings drawn onto figures
WARNING_COLOR = OKABE_ITO["vermillion"]

#: Larger than matplotlib's defaults, so that a figure is legible from the back of a room.
COURSE_RC = {
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "figure.titlesize": 15,
    "lines.linewidth": 2.2,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=[OKABE_ITO[k] for k in
                                         ("blue", "vermillion", "green", "orange", "purple", "sky", "black")]),
    "figure.dpi": 90,
    "savefig.dpi": 90,
    "image.cmap": SEQUENTIAL,
}


def autograding() -> bool:
    """Whether nbgrader is autograding this kernel's notebook (it sets ``NBGRADER_EXECUTION=autograde``).

    Nothing is looked at then, so figures are built but not drawn: a class's submissions are
    graded in seconds each instead of spending most of them on pictures.
    """
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


def use_course_style() -> None:
    """Apply :data:`COURSE_RC` to matplotlib for the rest of the session (first cell of a notebook).

    While nbgrader autogrades (:func:`autograding`), figures go to matplotlib's non-drawing
    backend instead of the notebook. Mathtext is parsed once per session
    (:mod:`~lstm_core.figures.mathtext_cache`).
    """
    mpl.rcParams.update(COURSE_RC)
    share_mathtext_parses()  # each mathtext label parsed once, not once per figure
    if autograding():
        import matplotlib.pyplot as plt

        plt.switch_backend("agg")
        warnings.filterwarnings("ignore", message=".*non-interactive.*", category=UserWarning)


_inside_course_style = 0  # how many course_style blocks are open


@contextmanager
def course_style():
    """A context manager applying :data:`COURSE_RC` only inside a ``with`` block.

    Inside another such block it does nothing: the style is already set, and matplotlib's
    ``rc_context`` copies and restores every setting (about half a millisecond each time).
    """
    global _inside_course_style
    if _inside_course_style:
        yield
        return
    with mpl.rc_context(COURSE_RC):
        _inside_course_style += 1
        try:
            yield
        finally:
            _inside_course_style -= 1


__all__ = [
    "COURSE_RC",
    "DIVERGING",
    "GATE_COLORS",
    "OKABE_ITO",
    "PATH_COLORS",
    "SEQUENTIAL",
    "STATE_COLORS",
    "WARNING_COLOR",
    "autograding",
    "course_style",
    "use_course_style",
]
