"""How far back a gradient reaches: :class:`DecayCurves`, the curves of
:func:`lstm_core.lessons.measures.gradient_decay` on a fixed log axis (a
:class:`~lstm_core.figures.panel.Panel`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import FixedLocator, NullFormatter

from .alt_text import power_of_ten
from .labels import DECAY
from .panel import StillScenery
from .style import GATE_COLORS, PATH_COLORS, STATE_COLORS

#: each curve's colour and line style; its names are :data:`~lstm_core.figures.labels.DECAY`'s
STYLES = {"lstm": (STATE_COLORS["s"], "-"), "carousel": (PATH_COLORS["via_next"], ":"),
          "lstm_dh": (STATE_COLORS["h"], "-"), "rnn": (GATE_COLORS["a"], "--")}


@dataclass(frozen=True)
class Decay:
    """``curves`` as :func:`~lstm_core.lessons.measures.gradient_decay` returns them; ``setting``
    names the setting in words (the title, and the start of the description)."""

    curves: dict
    setting: str


def sci(v: float) -> str:
    """A size in scientific notation, or "overflow"."""
    return f"{v:.1e}" if np.isfinite(v) else "overflow"


class DecayCurves(StillScenery):
    """How far back the gradient reaches, log scale, against the distance back in time.

    Four curves, each relative to its size at the last step: the LSTM's ``‖δS_t‖``; path
    2 alone, the product of keep gates (the constant error carousel); and, like for like,
    the LSTM's and the RNN's ``‖δh_t‖``.

    The y axis is fixed (``10^-30 … 10^30``, a tick every decade, labelled every ten) so
    that moving a slider only redraws the curves; values outside are pinned to the edge
    and reported. The x axis is fixed too, 0 … ``T_max`` - 1 steps back: a longer sequence
    draws the same curves further.
    """

    LOW, HIGH = 1e-30, 1e30

    def __init__(self, ax, T_max: int = 300, title: str | None = None, legend: bool = True):
        self.ax = ax
        self.lines = {key: ax.plot([], [], color=STYLES[key][0], lw=2.4, ls=STYLES[key][1], label=label.math)[0]
                      for key, label in DECAY.items()}
        ax.set_yscale("log")
        ax.set_xlim(0, T_max - 1)
        ax.set_ylim(self.LOW, self.HIGH)
        ax.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(-30, 31, 10)))
        ax.yaxis.set_minor_locator(FixedLocator(10.0 ** np.arange(-30, 31)))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.axhline(1.0, color="0.6", lw=1, zorder=0.5)
        ax.set_xlabel("steps back from the loss, $T - t$")
        ax.set_ylabel("size relative to the last step")
        if legend:  # under the axes, clear of the curves (so drawn first: it never lies over them)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False,
                      fontsize=11).set_zorder(-1)
        self.note = ax.text(0.03, 0.04, "", transform=ax.transAxes, fontsize=10.5, va="bottom")
        self._title = title
        if title:
            ax.set_title(title)
        self.moving = [*self.lines.values(), self.note, *([] if title else [ax.title])]

    def update(self, data: Decay) -> None:
        curves = data.curves
        distance = curves["distance"]
        for key, line in self.lines.items():
            shown = np.nan_to_num(curves[key], nan=self.HIGH, posinf=self.HIGH)
            line.set_data(distance, np.clip(shown, self.LOW, self.HIGH))
        vanished = [DECAY[key].words for key in self.lines if np.nanmin(curves[key]) < self.LOW]
        floor = f"\n(below {self.LOW:.0e}, on the bottom edge: {', '.join(vanished)})" if vanished else ""
        self.note.set_text(f"{len(distance) - 1} steps back:\n"
                           + "\n".join(f"{DECAY[key].words} {sci(curves[key][-1])}" for key in self.lines) + floor)
        if not self._title:
            self.ax.set_title(f"loss at the last step: {data.setting}")

    def describe(self, data: Decay) -> str:
        curves = data.curves
        ends = ", ".join(f"{label.words} × {power_of_ten(curves[key][-1])}" for key, label in DECAY.items())
        return f"{data.setting}: {len(curves['distance']) - 1} steps back, {ends}"

    def cut_off(self, data: Decay) -> str | None:
        """Which network's gradient left the plot's range, and from how many steps back (None: neither)."""
        for key in ("rnn", "lstm"):
            beyond = np.flatnonzero(~(data.curves[key] <= self.HIGH))  # also inf and nan
            if len(beyond):
                network = DECAY[key].words.split()[0]
                return (f"⚠ The {network}'s gradient exploded:\nabove {self.HIGH:.0e} from {beyond[0]} steps back on.\n"
                        "The curve is cut off at the top of the axis.")
        return None


__all__ = ["Decay", "DecayCurves", "STYLES", "sci"]
