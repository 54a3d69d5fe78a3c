"""The panels of the two paths into ``S_t``: over time (:class:`FlowBars`) and per unit at one step
(:class:`PathUnits`). Each follows :class:`~lstm_core.figures.panel.Panel`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .alt_text import number
from .explosions import clip_exploded
from .labels import PATHS
from .panel import StillScenery
from .scales import nice_limit
from .style import PATH_COLORS


@dataclass(frozen=True)
class PathFlow:
    """Per step, (T,) each: ``‖path 1‖``, ``‖path 2‖``, ``‖δS_t‖``; ``t`` is the step reached (None: all)."""

    via_h: np.ndarray
    via_next: np.ndarray
    total: np.ndarray
    t: int | None = None


class FlowBars(StillScenery):
    """Over time: ``|δS_t|`` stacked from its two paths, and the total as a line.

    Bars of steps the backward pass has not reached yet (``t' < t``) are faded. The y axis
    snaps to a round number well above the largest stack, which moving ``t`` leaves as it is.
    """

    HEADROOM = 1.6  # the legend sits in the top part, clear of the bars

    def __init__(self, ax, T: int, title: str | None = "the two paths into $S_t$, step by step"):
        self.ax, self.T = ax, T
        self.steps = np.arange(1, T + 1)
        zeros = np.zeros(T)
        self.via_h = ax.bar(self.steps, zeros, width=0.75, color=PATH_COLORS["via_h"], label=PATHS["via_h"].math)
        self.via_next = ax.bar(self.steps, zeros, width=0.75, color=PATH_COLORS["via_next"],
                               label=PATHS["via_next"].math)
        self.total = ax.plot(self.steps, zeros, color=PATH_COLORS["total"], marker="o", ms=5,
                             label=PATHS["total"].math)[0]
        self.cursor = ax.axvspan(0.5, 1.5, color="0.85", zorder=0)
        self.moving = [self.cursor, *self.via_h, *self.via_next, self.total]
        ax.set_xlim(0.5, T + 0.5)
        ax.set_xlabel("time step $t$ (the backward pass walks right to left)")
        ax.set_ylabel("size (norm over units)")
        ax.legend(loc="upper left", fontsize=11, frameon=False).set_zorder(-1)
        if title:
            ax.set_title(title)

    def update(self, data: PathFlow | None) -> None:
        """Show the sizes (None: empty bars)."""
        if data is None:
            zeros = np.zeros(self.T)
            data = PathFlow(zeros, zeros, np.full(self.T, np.nan))
        via_h, via_next, total = (np.abs(clip_exploded(v)) for v in (data.via_h, data.via_next, data.total))
        top = max(float((via_h + via_next).max(initial=0.0)), float(total.max(initial=0.0)))
        self.ax.set_ylim(0, nice_limit(max(top * self.HEADROOM, 1e-12)))
        reached = self.steps >= (data.t if data.t is not None else 1)
        for k in range(self.T):
            alpha = 1.0 if reached[k] else 0.15
            self.via_h[k].set_height(via_h[k])
            self.via_next[k].set_height(via_next[k])
            self.via_next[k].set_y(via_h[k])
            self.via_h[k].set_alpha(alpha)
            self.via_next[k].set_alpha(alpha)
        self.total.set_ydata(np.where(reached & np.isfinite(data.total), total, np.nan))
        self.cursor.set_x((data.t if data.t is not None else 1) - 0.5)
        self.cursor.set_visible(data.t is not None)

    def describe(self, data: PathFlow) -> str:
        via_next, total = np.asarray(data.via_next), np.asarray(data.total)
        largest = int(np.argmax(total))
        return (f"Stacked bars over steps t = 1 to {len(total)}: the size of path 1 (through h_t) and of path 2 "
                f"(from S_{{t+1}}) into S_t, with the size of their sum δS_t as a line. At the last step path 2 is "
                f"{number(via_next[-1])}; it is largest, {number(via_next.max())}, at t = "
                f"{int(np.argmax(via_next)) + 1}. δS_t is largest at t = {largest + 1}, {number(total[largest])}.")


@dataclass(frozen=True)
class UnitPaths:
    """At step ``t``: path 1 and path 2 of every unit, (H,) each (None: exploded, nothing drawn);
    ``limit``, the largest size over all steps, sets the y range."""

    via_h: np.ndarray | None
    via_next: np.ndarray | None
    t: int
    limit: float = 1.0


class PathUnits(StillScenery):
    """Per unit at one step: path 1 and path 2 side by side (signed), their sum as a dot."""

    def __init__(self, ax, hidden_size: int):
        self.ax = ax
        units = np.arange(hidden_size)
        self.via_h = ax.bar(units - 0.2, np.zeros(hidden_size), width=0.38, color=PATH_COLORS["via_h"],
                            label=PATHS["via_h"].words)
        self.via_next = ax.bar(units + 0.2, np.zeros(hidden_size), width=0.38, color=PATH_COLORS["via_next"],
                               label=PATHS["via_next"].words)
        self.total = ax.plot(units, np.zeros(hidden_size), "o", color="black", ms=9, label="$\\delta S_t$")[0]
        self.moving = [*self.via_h, *self.via_next, self.total]
        ax.set_title("each unit's δS at step t")
        ax.axhline(0, color="0.3", lw=1)
        ax.set_xticks(units, [f"unit {j + 1}" for j in units])
        ax.set_ylabel("gradient")
        ax.legend(loc="upper right", fontsize=11, frameon=False, ncol=3).set_zorder(-1)

    def update(self, data: UnitPaths) -> None:
        """The signed paths of every unit at step t; the y axis spans about ``±1.3 limit``."""
        exploded = data.via_h is None or data.via_next is None
        zeros = np.zeros(len(self.via_h))
        via_h, via_next = (zeros, zeros) if exploded else (clip_exploded(data.via_h), clip_exploded(data.via_next))
        top = nice_limit(data.limit * 1.3)
        self.ax.set_ylim(-top, top)
        for bar, v in zip(self.via_h, via_h):
            bar.set_height(v)
        for bar, v in zip(self.via_next, via_next):
            bar.set_height(v)
        self.total.set_ydata(via_h + via_next)

    def describe(self, data: UnitPaths) -> str:
        if data.via_h is None or data.via_next is None:
            return f"t = {data.t}:"
        via_h, via_next = np.asarray(data.via_h), np.asarray(data.via_next)
        return (f"t = {data.t}, unit 1: δS = {via_h[0] + via_next[0]:.2f} = path 1 {via_h[0]:.2f} + path 2 "
                f"{via_next[0]:.2f}; over all units, sizes path 1 {np.linalg.norm(via_h):.2f}, path 2 "
                f"{np.linalg.norm(via_next):.2f}")


__all__ = ["FlowBars", "PathFlow", "PathUnits", "UnitPaths"]
