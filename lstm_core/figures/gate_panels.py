"""The panels of the gates: their values as bars, one unit's history, ``δZ`` as a map, the keep gate's slope.

Each follows :class:`~lstm_core.figures.panel.Panel`: drawn once, then ``update(data)``,
and ``describe(data)`` in words. A ``data.title`` replaces the title: for a stepper, scenery
(:class:`~lstm_core.figures.panel.StillScenery`), except the :class:`Heatmap`'s when it is
built without one (then the title moves with every frame).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Rectangle

from ..activations import sigmoid
from ..params import GATE_ORDER
from .alt_text import number
from .explosions import clip_exploded
from .labels import GATES
from .panel import StillScenery
from .scales import nice_limit, symmetric_limit
from .style import DIVERGING, GATE_COLORS, SEQUENTIAL, STATE_COLORS


def _set_title(ax, title: str | None) -> None:
    if title is not None:
        ax.set_title(title)


@dataclass(frozen=True)
class GateValues:
    """``values`` (4H,) in gate order a, i, f, o; the y range; the unit to outline; the title."""

    values: np.ndarray
    ylim: tuple[float, float] | None = None
    unit: int | None = None
    title: str | None = None


class GateBars(StillScenery):
    """Grouped bars: one group per gate (a, i, f, o), one bar per hidden unit."""

    def __init__(self, ax, hidden_size: int, ylabel: str = "activation", title: str | None = None):
        self.ax, self.H = ax, hidden_size
        H = hidden_size
        x = np.array([g * (H + 1) + j for g in range(4) for j in range(H)], dtype=float)
        colors = [GATE_COLORS[name] for name in GATE_ORDER for _ in range(H)]
        self.bars = ax.bar(x, np.zeros(4 * H), width=0.85, color=colors, edgecolor="0.15", linewidth=0.6)
        ax.axhline(0, color="0.3", lw=1, zorder=0.5)
        ax.set_xticks([g * (H + 1) + (H - 1) / 2 for g in range(4)], [GATES[name].math for name in GATE_ORDER])
        ax.set_xlim(-0.8, 4 * (H + 1) - 1.2)
        ax.set_xlabel(f"in each group, units 1 … {H} from left to right", fontsize=11)
        ax.set_ylabel(ylabel)
        self.moving = list(self.bars)
        _set_title(ax, title)

    def update(self, data: GateValues | None) -> None:
        """Set the bar heights (clipping what exploded) and outline ``data.unit``; None empties the bars."""
        values = np.zeros(4 * self.H) if data is None else clip_exploded(data.values)
        for k, (bar, v) in enumerate(zip(self.bars, values)):
            bar.set_height(v)
            bar.set_linewidth(2.2 if data is not None and data.unit is not None and k % self.H == data.unit else 0.6)
        if data is not None:
            if data.ylim is not None:
                self.ax.set_ylim(*data.ylim)
            _set_title(self.ax, data.title)

    def describe(self, data: GateValues | None) -> str:
        if data is None:
            return ""
        values = np.asarray(data.values, dtype=float)
        k = int(np.argmax(np.abs(values)))
        return f"the largest in size is {number(values[k])}, in block {GATE_ORDER[k // self.H]} (unit {k % self.H + 1})"


@dataclass(frozen=True)
class UnitSeries:
    """:func:`~lstm_core.lessons.measures.unit_history` of one unit, drawn up to step ``t``."""

    history: dict
    t: int
    unit: int = 0
    title: str | None = None


class UnitHistory(StillScenery):
    """One unit over time: its four gates (thin) and ``S_t``, ``h_t`` (thick), up to step t."""

    def __init__(self, ax, T: int, title: str | None = None):
        self.ax, self.T = ax, T
        self.steps = np.arange(1, T + 1)
        self.gate_lines = {name: ax.plot([], [], color=GATE_COLORS[name], lw=1.4, alpha=0.85,
                                         marker="o", ms=3, label=f"${name}_t$")[0]
                           for name in GATE_ORDER}
        self.s_line = ax.plot([], [], color=STATE_COLORS["s"], lw=3, marker="o", ms=5, label="$S_t$")[0]
        self.h_line = ax.plot([], [], color=STATE_COLORS["h"], lw=3, ls="--", marker="s", ms=5,
                              label="$h_t$")[0]
        self.cursor = ax.axvline(1, color="0.5", lw=1, ls=":")
        ax.axhline(0, color="0.3", lw=0.8, zorder=0.5)
        ax.set_xlim(0.5, T + 0.5)
        ax.set_xlabel("time step $t$")
        ax.set_ylabel("value")
        ax.legend(loc="center left", fontsize=12, frameon=False, bbox_to_anchor=(1.0, 0.5),
                  handlelength=1.8).set_zorder(-1)
        self.moving = [self.cursor, *self.gate_lines.values(), self.s_line, self.h_line]
        _set_title(ax, title)

    def update(self, data: UnitSeries | None) -> None:
        """Draw steps 1 … t, on a y range that fits all T steps; None empties the lines."""
        if data is None:
            for line in (*self.gate_lines.values(), self.s_line, self.h_line):
                line.set_data([], [])
            return
        history, t = data.history, data.t
        values = np.concatenate([history["gates"].ravel(), history["s"], history["h"]])
        limit = max(1.05, nice_limit(symmetric_limit(values)))
        shown = self.steps[:t]
        for g, name in enumerate(GATE_ORDER):
            self.gate_lines[name].set_data(shown, clip_exploded(history["gates"][:t, g]))
        self.s_line.set_data(shown, clip_exploded(history["s"][:t]))
        self.h_line.set_data(shown, clip_exploded(history["h"][:t]))
        self.cursor.set_xdata([t, t])
        self.ax.set_ylim(-limit, limit)
        _set_title(self.ax, data.title)

    def describe(self, data: UnitSeries | None) -> str:
        if data is None:
            return ""
        history, t = data.history, data.t
        gates = ", ".join(f"{name} between {number(history['gates'][:t, g].min())} and "
                          f"{number(history['gates'][:t, g].max())}" for g, name in enumerate(GATE_ORDER))
        s, h = history["s"][:t], history["h"][:t]
        return (f"Line chart of unit {data.unit + 1} over steps 1 to {t}: its four gates as thin lines ({gates}), "
                f"and S_t (from {number(s.min())} to {number(s.max())}) and h_t (from {number(h.min())} to "
                f"{number(h.max())}) as thick lines.")


@dataclass(frozen=True)
class Matrix:
    """A matrix to show, its colour range ``±limit`` (or ``0 … limit``), and the title."""

    values: np.ndarray
    limit: float | None = None
    title: str | None = None


class Heatmap(StillScenery):
    """A matrix as colours with a fixed colour scale, so that frames can be compared."""

    def __init__(self, ax, shape, title: str | None = None, cmap: str = DIVERGING, symmetric: bool = True,
                 colorbar_label: str | None = None):
        self.ax, self.symmetric = ax, symmetric
        # interpolation "none": Agg scales the cells itself, the pixels of "nearest" in a third of the time
        self.image = ax.imshow(np.zeros(shape), cmap=cmap, aspect="auto", interpolation="none",
                               vmin=-1 if symmetric else 0, vmax=1)
        self.colorbar = ax.figure.colorbar(self.image, ax=ax, fraction=0.05, pad=0.02)
        if colorbar_label:
            self.colorbar.set_label(colorbar_label)
        self.moving = [self.image] + ([] if title else [ax.title])
        _set_title(ax, title)

    def update(self, data: Matrix) -> None:
        """Show ``data.values``; colours span ``±limit`` (symmetric) or ``0..limit``."""
        matrix = clip_exploded(data.values)
        limit = symmetric_limit(matrix) if data.limit is None else data.limit
        self.image.set_data(matrix)
        self.image.set_clim(-limit if self.symmetric else 0, limit)
        _set_title(self.ax, data.title)

    def describe(self, data: Matrix) -> str:
        values = np.asarray(data.values, dtype=float)
        row, column = np.unravel_index(int(np.argmax(np.abs(values))), values.shape)
        return f"its largest entry in size is {number(values[row, column])}, in row {row + 1}, column {column + 1}"


@dataclass(frozen=True)
class GateNorms:
    """:func:`~lstm_core.lessons.measures.gate_gradient_norms`, (4, T), and the step to mark (None: none)."""

    norms: np.ndarray
    t: int | None = None


class GateGradientHeatmap(Heatmap):
    """``‖δZ‖`` per gate block (rows a, i, f, o) and time step (columns 1 … T), a box around step t."""

    def __init__(self, ax, T: int, title: str = "$\\|\\delta Z\\|$ per gate block and step"):
        super().__init__(ax, (4, T), title=title, cmap=SEQUENTIAL, symmetric=False,
                         colorbar_label="$\\|\\delta Z\\|$")
        ax.set_xticks(range(T), [str(t) for t in range(1, T + 1)])
        ax.set_yticks(range(4), [f"$\\delta Z_{name}$" for name in GATE_ORDER])
        ax.set_xlabel("time step $t$")
        self.marker = ax.add_patch(Rectangle((-0.5, -0.5), 1, 4, fill=False, edgecolor="white", lw=3,
                                             visible=False))
        self.moving = [self.image, self.marker]

    def update(self, data: GateNorms) -> None:
        """Show the norms on a rounded colour scale, and box step ``data.t``."""
        super().update(Matrix(data.norms, limit=nice_limit(float(np.max(clip_exploded(data.norms))))))
        self.marker.set_visible(data.t is not None)
        if data.t is not None:
            self.marker.set_x(data.t - 1.5)

    def describe(self, data: GateNorms) -> str:
        """With a step ``t``: the four blocks' sizes there; without, the whole map in words."""
        norms = np.asarray(data.norms, dtype=float)
        if data.t is not None:
            sizes = ", ".join(f"δZ_{name} {size:.2g}" for name, size in zip(GATE_ORDER, norms[:, data.t - 1]))
            return f"t = {data.t}: sizes {sizes};"
        totals = dict(zip(GATE_ORDER, norms.sum(axis=1)))
        gate, step = np.unravel_index(int(np.argmax(norms)), norms.shape)
        ranking = ", ".join(sorted(GATE_ORDER, key=lambda name: -totals[name]))
        return (f"Heat map of the size of δZ for each gate block (rows a, i, f, o) and step (columns 1 to "
                f"{norms.shape[1]}), brighter for larger. The largest is δZ_{GATE_ORDER[gate]} at t = {step + 1}, "
                f"{number(norms[gate, step])}. Over all steps the blocks rank {ranking}, largest first.")


@dataclass(frozen=True)
class KeepGate:
    """The keep gate's pre-activations ``Z_f`` of every unit at one step, and its bias ``b_f``."""

    z_f: np.ndarray
    keep_bias: float


class SigmoidSlope(StillScenery):
    """``σ(z)`` and its slope ``σ'(z) = σ(1 - σ)``, with the keep gate's ``Z_f`` marked on the slope."""

    def __init__(self, ax):
        self.ax = ax
        z = np.linspace(-10, 10, 201)
        s = sigmoid(z)
        ax.plot(z, s, color="0.55", lw=1.5, label="$\\sigma(z)$")
        ax.plot(z, s * (1 - s), color="0.15", lw=2, label="$\\sigma'(z) = \\sigma(1-\\sigma)$")
        self.points = ax.plot([], [], "o", color=GATE_COLORS["f"], ms=10, mec="black",
                              label="$Z_f$ of each unit")[0]
        ax.set_xlim(-10, 10)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("pre-activation $z$")
        ax.legend(loc="upper left", fontsize=10, frameon=False).set_zorder(-1)
        self.note = ax.text(0.98, 0.45, "", transform=ax.transAxes, ha="right", va="center", fontsize=11)
        self.moving = [self.points, self.note]
        ax.set_title("keep gate: how much of $\\delta f$ gets into $\\delta Z_f$")

    @staticmethod
    def _slope(z_f) -> np.ndarray:
        f = sigmoid(np.asarray(z_f, dtype=float))
        return f * (1 - f)

    def update(self, data: KeepGate) -> None:
        shown = np.clip(data.z_f, -10, 10)  # the curve's range; the note uses the true values
        s = sigmoid(shown)
        self.points.set_data(shown, s * (1 - s))
        self.note.set_text(f"keep bias {data.keep_bias:+.1f}\nlargest slope\n{self._slope(data.z_f).max():.2g} of 0.25")

    def describe(self, data: KeepGate) -> str:
        return f"keep bias {data.keep_bias:+.1f}: largest keep-gate slope f(1 - f) = {self._slope(data.z_f).max():.3f}"


def label_gate_blocks(ax, hidden_size: int, input_size: int | None = None, axis: str = "y") -> None:
    """Separate and name the four gate blocks along ``axis`` (and, given ``input_size``, x | h columns)."""
    H = hidden_size
    centres = [g * H + (H - 1) / 2 for g in range(4)]
    names = [f"${n}$" for n in GATE_ORDER]
    line = ax.axhline if axis == "y" else ax.axvline
    (ax.set_yticks if axis == "y" else ax.set_xticks)(centres, names)
    for g in range(1, 4):
        line(g * H - 0.5, color="0.2", lw=1.2)
    if input_size is not None:
        D = input_size
        ax.axvline(D - 0.5, color="0.2", lw=1.5)
        ax.set_xticks([(D - 1) / 2, D + (H - 1) / 2], ["$x_t$ columns", "$h_{t-1}$ columns"])


__all__ = ["GateBars", "GateGradientHeatmap", "GateNorms", "GateValues", "Heatmap", "KeepGate", "Matrix",
           "SigmoidSlope", "UnitHistory", "UnitSeries", "label_gate_blocks"]
