"""Text alternatives for the still figures: what each one shows, in words and numbers.

Every ``plot_*`` function of :mod:`lstm_core.figures.stills` writes the description of
the figure it draws onto that figure (:func:`describe`), from the same numbers it
plots, so the words cannot drift from the picture. When a notebook shows the figure,
IPython stores the description with the PNG output, as ``metadata["image/png"]["alt"]``
(the figure offers it through ``_repr_mimebundle_``); the static site (``make site``)
makes it the image's ``alt`` text, for screen readers and for anyone reading without
the picture.
"""

from __future__ import annotations

import numpy as np


def describe(fig, text: str):
    """Record ``text`` as the description of ``fig`` (also for IPython's display); returns ``fig``."""
    text = " ".join(text.split())
    fig.description = text

    def alt_for_ipython(include=None, exclude=None):
        # no data of its own: IPython's PNG formatter draws the figure, this adds its alt
        return {}, {"image/png": {"alt": text}}

    fig._repr_mimebundle_ = alt_for_ipython
    return fig


def description(fig) -> str | None:
    """The description recorded on ``fig``, or None."""
    return getattr(fig, "description", None)


def number(value: float) -> str:
    """A value as a reader would say it: two significant digits."""
    value = float(value)
    if not np.isfinite(value):
        return "infinite" if value > 0 else "not a number"
    return f"{value:.2g}"


def power_of_ten(value: float) -> str:
    """``value`` rounded to a power of ten, as ``10^k``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        power = np.log10(float(value))
    return f"10^{int(round(power))}" if np.isfinite(power) else number(value)


__all__ = ["describe", "description", "number", "power_of_ten"]
