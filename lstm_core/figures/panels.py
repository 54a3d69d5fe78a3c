"""Figure panels: each draws its axes once, then changes only its artists' data.

A panel's ``__init__`` draws labels, ticks and empty artists; its ``update`` sets new
data; its ``dynamic`` attribute lists the artists ``update`` changes, which is all a
widget repaints when a slider moves (see :mod:`lstm_core.figures.stepper`). The still figures
in :mod:`lstm_core.figures.stills` are built from the same panels.

Sizes that are not finite, or larger than :data:`EXPLODED`, are not drawn: the panels
clip them, and the widgets say on the figure that the values exploded instead.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, MaxNLocator, NullFormatter

from ..activations import sigmoid
from ..params import GATE_ORDER
from .style import DIVERGING, GATE_COLORS, PATH_COLORS, SEQUENTIAL, STATE_COLORS, WARNING_COLOR

#: sizes above this are reported as an explosion rather than drawn
EXPLODED = 1e6

GATE_LABELS = {"a": "$a_t$ tanh", "i": "$i_t$ σ", "f": "$f_t$ σ", "o": "$o_t$ σ"}


def explosion_message(values, what: str = "gradient", limit: float = EXPLODED) -> str | None:
    """None if every entry of ``values`` is finite and at most ``limit`` in size, else a warning.

    ``values`` has time on axis 0 (entry k is step t = k + 1); the warning names the steps.
    """
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return None
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(values) <= limit)  # also true for inf and nan
    if not bad.any():
        return None
    steps = np.flatnonzero(bad.reshape(len(values), -1).any(axis=1)) + 1
    where = f"t = {steps[0]}" if len(steps) == 1 else f"t = {steps[0]} … {steps[-1]}"
    overflow = ", some overflowed to inf or nan" if not np.all(np.isfinite(values)) else ""
    return (f"⚠ The {what} exploded.\nAt {where} sizes exceed {limit:.0e}{overflow}.\n"
            "Nothing is drawn: the numbers would be meaningless.")


class WarningText:
    """A red message in the middle of a figure, shown only when there is something to say."""

    def __init__(self, fig, y: float = 0.5):
        self.text = fig.text(0.5, y, "", ha="center", va="center", color=WARNING_COLOR,
                             fontsize=15, fontweight="bold", visible=False, zorder=10, linespacing=1.6,
                             bbox=dict(facecolor="white", edgecolor=WARNING_COLOR, lw=2, boxstyle="round,pad=0.6"))
        self.dynamic = [self.text]

    def update(self, message: str | None) -> None:
        self.text.set_text(message or "")
        self.text.set_visible(bool(message))


def clip_exploded(values, limit=EXPLODED):
    values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0, posinf=limit, neginf=-limit)
    return np.clip(values, -limit, limit)


def nice_limit(value: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 5, 7 (times a power of ten) that is at least ``value``.

    Axis ranges snap to these, so that small changes of a slider leave the axes (and
    their tick labels) as they are, and only the data moves.
    """
    if not np.isfinite(value) or value <= 0:
        return 1.0
    decade = 10.0 ** np.floor(np.log10(value))
    for step in (1, 1.5, 2, 3, 5, 7, 10):
        if step * decade >= value * (1 - 1e-12):
            return float(step * decade)
    return float(10 * decade)  # pragma: no cover - the loop always returns


def symmetric_limit(values, floor: float = 1e-12) -> float:
    finite = np.abs(clip_exploded(values))
    return max(float(finite.max(initial=0.0)) * 1.08, floor)


def colour_limit(*arrays) -> float:
    """The one rounded ``±limit`` that a still figure and its widget both use for the same data."""
    return nice_limit(symmetric_limit(np.concatenate([np.ravel(a) for a in arrays])))


class GateBars:
    """Grouped bars: one group per gate (a, i, f, o), one bar per hidden unit."""

    def __init__(self, ax, hidden_size: int, ylabel: str = "activation", title: str | None = None,
                 highlight: int | None = None):
        self.ax, self.H = ax, hidden_size
        H = hidden_size
        x = np.array([g * (H + 1) + j for g in range(4) for j in range(H)], dtype=float)
        colors = [GATE_COLORS[name] for name in GATE_ORDER for _ in range(H)]
        self.bars = ax.bar(x, np.zeros(4 * H), width=0.85, color=colors, edgecolor="0.15", linewidth=0.6)
        ax.axhline(0, color="0.3", lw=1, zorder=0.5)
        self.dynamic = list(self.bars)
        ax.set_xticks([g * (H + 1) + (H - 1) / 2 for g in range(4)],
                      [GATE_LABELS[name] for name in GATE_ORDER])
        ax.set_xlim(-0.8, 4 * (H + 1) - 1.2)
        ax.set_xlabel(f"in each group, units 1 … {H} from left to right", fontsize=11)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        self.highlight(highlight)

    def highlight(self, unit: int | None) -> None:
        """Outline the bars of one unit (the one the diagram shows), or none."""
        for k, bar in enumerate(self.bars):
            bar.set_linewidth(2.2 if unit is not None and k % self.H == unit else 0.6)

    def clear(self) -> None:
        for bar in self.bars:
            bar.set_height(0.0)

    def update(self, values, ylim: tuple[float, float] | None = None) -> None:
        """Set the bar heights to ``values`` (4H,) in gate order; clip what exploded."""
        for bar, v in zip(self.bars, clip_exploded(values)):
            bar.set_height(v)
        if ylim is not None:
            self.ax.set_ylim(*ylim)


class UnitHistory:
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
        self.dynamic = [self.cursor, *self.gate_lines.values(), self.s_line, self.h_line]
        ax.axhline(0, color="0.3", lw=0.8, zorder=0.5)
        ax.set_xlim(0.5, T + 0.5)
        ax.set_xlabel("time step $t$")
        ax.set_ylabel("value")
        ax.legend(loc="center left", fontsize=12, frameon=False, bbox_to_anchor=(1.0, 0.5),
                  handlelength=1.8).set_zorder(-1)
        if title:
            ax.set_title(title)

    def clear(self) -> None:
        for line in (*self.gate_lines.values(), self.s_line, self.h_line):
            line.set_data([], [])

    def update(self, gates, s, h, t: int, ylim: tuple[float, float]) -> None:
        """``gates`` (T, 4) of one unit in gate order, ``s`` and ``h`` (T,); draw steps 1..t."""
        shown = self.steps[:t]
        for g, name in enumerate(GATE_ORDER):
            self.gate_lines[name].set_data(shown, clip_exploded(gates[:t, g]))
        self.s_line.set_data(shown, clip_exploded(s[:t]))
        self.h_line.set_data(shown, clip_exploded(h[:t]))
        self.cursor.set_xdata([t, t])
        self.ax.set_ylim(*ylim)

    def show(self, history: dict, t: int) -> None:
        """Draw :func:`~lstm_core.lessons.measures.unit_history` up to step t, on a y range that fits all T steps."""
        values = np.concatenate([history["gates"].ravel(), history["s"], history["h"]])
        limit = max(1.05, nice_limit(symmetric_limit(values)))
        self.update(history["gates"], history["s"], history["h"], t, (-limit, limit))


class ScaledTicks:
    """A y axis of fixed range whose tick marks and labels are ordinary artists.

    Data is drawn divided by :attr:`scale`, so the axes range never changes and a widget
    only repaints the data and these few marks and labels (a rescaled matplotlib axis
    would need the whole axes redrawn). Ticks sit at round values, as matplotlib's own.
    """

    LABELPAD = 40  # points between the axis and its label: room for these tick labels

    def __init__(self, ax, symmetric: bool = False, pool: int = 12):
        self.ax, self.symmetric = ax, symmetric
        self.scale = 1.0
        self._locator = MaxNLocator(nbins=4 if symmetric else 5, steps=[1, 2, 2.5, 5, 10])
        ax.set_ylim(-1.0 if symmetric else 0.0, 1.0)
        ax.set_yticks([])
        where = ax.get_yaxis_transform()  # x in axes units, y in data units
        self.marks = [ax.plot([-0.012, 0], [0, 0], transform=where, clip_on=False, color="black",
                              lw=0.8, visible=False)[0] for _ in range(pool)]
        self.labels = [ax.text(-0.02, 0, "", transform=where, ha="right", va="center", visible=False,
                               fontsize=mpl.rcParams["ytick.labelsize"]) for _ in range(pool)]
        self.dynamic = [*self.marks, *self.labels]

    def set_scale(self, scale: float) -> None:
        """Label the axis for data drawn in units of ``scale`` (the top of the axis)."""
        self.scale = float(scale)
        low = -self.scale if self.symmetric else 0.0
        values = [v for v in self._locator.tick_values(low, self.scale)
                  if low - 1e-9 * self.scale <= v <= self.scale * (1 + 1e-9)]
        for k, (mark, label) in enumerate(zip(self.marks, self.labels)):
            shown = k < len(values)
            mark.set_visible(shown)
            label.set_visible(shown)
            if shown:
                y = values[k] / self.scale
                mark.set_ydata([y, y])
                label.set_y(y)
                label.set_text(f"{values[k]:.4g}")


class FlowBars:
    """Over time: ``|δS_t|`` stacked from its two paths, and the total as a line.

    Bars of steps the backward pass has not reached yet (``t' < t``) are faded.
    """

    def __init__(self, ax, T: int, title: str | None = "the two paths into $S_t$, step by step"):
        self.ax, self.T = ax, T
        self.steps = np.arange(1, T + 1)
        zeros = np.zeros(T)
        self.via_h = ax.bar(self.steps, zeros, width=0.75, color=PATH_COLORS["via_h"],
                            label="path 1: $\\|\\delta h_t \\odot o_t \\odot (1-\\tanh^2 S_t)\\|$")
        self.via_next = ax.bar(self.steps, zeros, width=0.75, color=PATH_COLORS["via_next"],
                               label="path 2: $\\|\\delta S_{t+1} \\odot f_{t+1}\\|$")
        self.total = ax.plot(self.steps, zeros, color=PATH_COLORS["total"], marker="o", ms=5,
                             label="$\\|\\delta S_t\\| = \\|$path 1 + path 2$\\|$")[0]
        self.cursor = ax.axvspan(0.5, 1.5, color="0.85", zorder=0)
        self.yaxis = ScaledTicks(ax)
        self.dynamic = [self.cursor, *self.via_h, *self.via_next, self.total, *self.yaxis.dynamic]
        ax.set_xlim(0.5, T + 0.5)
        ax.set_xlabel("time step $t$ (the backward pass walks right to left)")
        ax.set_ylabel("size (norm over units)", labelpad=ScaledTicks.LABELPAD)
        ax.legend(loc="upper left", fontsize=11, frameon=False)
        if title:
            ax.set_title(title)

    def clear(self) -> None:
        zeros = np.zeros(self.T)
        self.update(zeros, zeros, zeros)
        self.total.set_ydata(np.full(self.T, np.nan))

    def update(self, via_h, via_next, total, t: int | None = None) -> None:
        """Sizes per step, each (T,); ``t`` is the current step (None: all computed).

        Bars are drawn in units of :attr:`scale` (the y axis's top), which snaps to a
        round number above the largest stack.
        """
        via_h, via_next, total = (np.abs(clip_exploded(v)) for v in (via_h, via_next, total))
        top = max(float((via_h + via_next).max(initial=0.0)), float(total.max(initial=0.0)))
        self.yaxis.set_scale(nice_limit(max(top * 1.35, 1e-12)))
        self.scale = self.yaxis.scale
        via_h, via_next, total = via_h / self.scale, via_next / self.scale, total / self.scale
        reached = self.steps >= (t if t is not None else 1)
        for k in range(self.T):
            alpha = 1.0 if reached[k] else 0.15
            self.via_h[k].set_height(via_h[k])
            self.via_next[k].set_height(via_next[k])
            self.via_next[k].set_y(via_h[k])
            self.via_h[k].set_alpha(alpha)
            self.via_next[k].set_alpha(alpha)
        self.total.set_ydata(np.where(reached, total, np.nan))
        self.cursor.set_x((t if t is not None else 1) - 0.5)
        self.cursor.set_visible(t is not None)


class Heatmap:
    """A matrix as colours with a fixed colour scale, so that frames can be compared."""

    def __init__(self, ax, shape, title: str | None = None, cmap: str = DIVERGING, symmetric: bool = True,
                 colorbar_label: str | None = None):
        self.ax, self.symmetric = ax, symmetric
        self.image = ax.imshow(np.zeros(shape), cmap=cmap, aspect="auto", interpolation="nearest",
                               vmin=-1 if symmetric else 0, vmax=1)
        self.dynamic = [self.image]
        self.colorbar = ax.figure.colorbar(self.image, ax=ax, fraction=0.05, pad=0.02)
        if colorbar_label:
            self.colorbar.set_label(colorbar_label)
        if title:
            ax.set_title(title)

    def update(self, matrix, limit: float | None = None) -> None:
        """Show ``matrix``; colours span ``±limit`` (symmetric) or ``0..limit``."""
        matrix = clip_exploded(matrix)
        if limit is None:
            limit = symmetric_limit(matrix)
        self.image.set_data(matrix)
        self.image.set_clim(-limit if self.symmetric else 0, limit)


class GateGradientHeatmap(Heatmap):
    """``‖δZ‖`` per gate block (rows a, i, f, o) and time step (columns 1 … T)."""

    def __init__(self, ax, T: int, title: str = "$\\|\\delta Z\\|$ per gate block and step"):
        super().__init__(ax, (4, T), title=title, cmap=SEQUENTIAL, symmetric=False,
                         colorbar_label="$\\|\\delta Z\\|$")
        ax.set_xticks(range(T), [str(t) for t in range(1, T + 1)])
        ax.set_yticks(range(4), [f"$\\delta Z_{name}$" for name in GATE_ORDER])
        ax.set_xlabel("time step $t$")

    def show(self, norms) -> None:
        """Show :func:`~lstm_core.lessons.measures.gate_gradient_norms`, (4, T), on a rounded colour scale."""
        self.update(norms, limit=nice_limit(float(np.max(clip_exploded(norms)))))


def label_gate_blocks(ax, hidden_size: int, input_size: int | None = None, axis: str = "y") -> None:
    """Separate and name the four gate blocks along ``axis`` (and, given ``input_size``, x | h columns)."""
    H = hidden_size
    centres = [g * H + (H - 1) / 2 for g in range(4)]
    names = [f"${n}$" for n in GATE_ORDER]
    if axis == "y":
        ax.set_yticks(centres, names)
        for g in range(1, 4):
            ax.axhline(g * H - 0.5, color="0.2", lw=1.2)
    else:
        ax.set_xticks(centres, names)
        for g in range(1, 4):
            ax.axvline(g * H - 0.5, color="0.2", lw=1.2)
    if input_size is not None:
        D = input_size
        ax.axvline(D - 0.5, color="0.2", lw=1.5)
        ax.set_xticks([(D - 1) / 2, D + (H - 1) / 2], ["$x_t$ columns", "$h_{t-1}$ columns"])


class PathUnits:
    """Per unit at one step: path 1 and path 2 side by side (signed), their sum as a dot."""

    def __init__(self, ax, hidden_size: int):
        self.ax = ax
        units = np.arange(hidden_size)
        self.via_h = ax.bar(units - 0.2, np.zeros(hidden_size), width=0.38, color=PATH_COLORS["via_h"], label="path 1")
        self.via_next = ax.bar(units + 0.2, np.zeros(hidden_size), width=0.38, color=PATH_COLORS["via_next"],
                               label="path 2")
        self.total = ax.plot(units, np.zeros(hidden_size), "o", color="black", ms=9, label="$\\delta S_t$")[0]
        self.yaxis = ScaledTicks(ax, symmetric=True)
        self.dynamic = [*self.via_h, *self.via_next, self.total, *self.yaxis.dynamic]
        ax.axhline(0, color="0.3", lw=1)
        ax.set_xticks(units, [f"unit {j + 1}" for j in units])
        ax.set_ylabel("gradient", labelpad=ScaledTicks.LABELPAD)
        ax.legend(loc="upper right", fontsize=11, frameon=False, ncol=3).set_zorder(-1)

    def clear(self) -> None:
        zeros = np.zeros(len(self.via_h))
        self.update(zeros, zeros, None, 1.0)

    def update(self, via_h, via_next, t: int | None, limit: float) -> None:
        """Signed paths of every unit at step t, (H,) each; the y axis spans about ``±1.3 limit``."""
        self.yaxis.set_scale(nice_limit(limit * 1.3))
        via_h, via_next = clip_exploded(via_h) / self.yaxis.scale, clip_exploded(via_next) / self.yaxis.scale
        for bar, v in zip(self.via_h, via_h):
            bar.set_height(v)
        for bar, v in zip(self.via_next, via_next):
            bar.set_height(v)
        self.total.set_ydata(via_h + via_next)
        self.ax.set_title(f"each unit's δS at t = {t}" if t else "each unit's δS")


class SigmoidSlope:
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
        self.dynamic = [self.points, self.note]
        ax.set_title("keep gate: how much of $\\delta f$ gets into $\\delta Z_f$")

    def update(self, z_f, keep_bias: float) -> None:
        shown = np.clip(z_f, -10, 10)  # the curve's range; the note uses the true values
        s = sigmoid(shown)
        self.points.set_data(shown, s * (1 - s))
        f = sigmoid(z_f)
        slope = f * (1 - f)
        self.note.set_text(f"keep bias {keep_bias:+.1f}\nlargest slope\n{slope.max():.2g} of 0.25")


class DecayCurves:
    """How far back the gradient reaches, log scale, against the distance back in time.

    Four curves from :func:`lstm_core.lessons.measures.gradient_decay`, each relative to its size
    at the last step: the LSTM's ``‖δS_t‖``; path 2 alone, the product of keep gates
    (the constant error carousel); and, like for like, the LSTM's and the RNN's ``‖δh_t‖``.

    The y axis is fixed (``10^-30 … 10^30``, a tick every decade, labelled every ten) so
    that moving a slider only redraws the curves; values outside are pinned to the edge
    and reported. The x axis runs over the sequence shown, 0 … T - 1 steps back.
    """

    LOW, HIGH = 1e-30, 1e30
    CURVES = (  # key, label, colour, line style
        ("lstm", "LSTM: $\\|\\delta S_t\\|$", STATE_COLORS["s"], "-"),
        ("carousel", "LSTM, path 2 alone: $\\|\\delta S_T \\odot \\prod f\\|$", PATH_COLORS["via_next"], ":"),
        ("lstm_dh", "LSTM: $\\|\\delta h_t\\|$", STATE_COLORS["h"], "-"),
        ("rnn", "RNN: $\\|\\delta h_t\\|$", GATE_COLORS["a"], "--"),
    )

    def __init__(self, ax, T_max: int = 300, title: str | None = None, legend: bool = True):
        self.ax = ax
        self.lines = {key: ax.plot([], [], color=color, lw=2.4, ls=style, label=label)[0]
                      for key, label, color, style in self.CURVES}
        ax.set_yscale("log")
        ax.set_xlim(0, T_max - 1)
        ax.set_ylim(self.LOW, self.HIGH)
        ax.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(-30, 31, 10)))
        ax.yaxis.set_minor_locator(FixedLocator(10.0 ** np.arange(-30, 31)))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.axhline(1.0, color="0.6", lw=1, zorder=0.5)
        ax.set_xlabel("steps back from the loss, $T - t$")
        ax.set_ylabel("size relative to the last step")
        if legend:  # under the axes, clear of the curves
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False, fontsize=11)
        self.note = ax.text(0.03, 0.04, "", transform=ax.transAxes, fontsize=10.5, va="bottom")
        if title:
            ax.set_title(title)
        self.dynamic = [*self.lines.values(), self.note]

    def update(self, curves: dict[str, np.ndarray]) -> None:
        """``curves`` as :func:`lstm_core.lessons.measures.gradient_decay` returns them."""
        distance = curves["distance"]
        for key, line in self.lines.items():
            shown = np.nan_to_num(curves[key], nan=self.HIGH, posinf=self.HIGH)
            line.set_data(distance, np.clip(shown, self.LOW, self.HIGH))
        self.ax.set_xlim(0, max(len(distance) - 1, 1))
        last = len(distance) - 1
        names = {"lstm": "LSTM δS", "carousel": "path 2 alone", "lstm_dh": "LSTM δh", "rnn": "RNN δh"}
        vanished = [names[key] for key in self.lines if np.nanmin(curves[key]) < self.LOW]
        floor = f"\n(below {self.LOW:.0e}, on the bottom edge: {', '.join(vanished)})" if vanished else ""
        self.note.set_text(f"{last} steps back:\n" + "\n".join(f"{names[key]} {_sci(curves[key][-1])}" for key in self.lines)
                           + floor)


def _sci(v: float) -> str:
    return f"{v:.1e}" if np.isfinite(v) else "overflow"


def _light(cmap: str, low: float, high: float) -> ListedColormap:
    """The part of ``cmap`` from ``low`` to ``high``: light enough that black text on it
    keeps a contrast of at least 4.5 : 1 (WCAG AA)."""
    return ListedColormap(mpl.colormaps[cmap](np.linspace(low, high, 256)), name=f"{cmap}_light")


#: the backgrounds of :class:`TextColors`: a cell state (blue below 0, red above) and a gate (0 … 1)
TEXT_STATE_CMAP = _light(DIVERGING, 0.2, 0.8)
TEXT_GATE_CMAP = _light("Greens", 0.0, 0.7)
NEWLINE = "⏎"


def text_grid(text: str, width: int = 60) -> np.ndarray:
    """(T, 2) the row and column of each character when ``text`` is laid out in lines of at
    most ``width`` characters; a newline sits at the end of its line (drawn as ⏎)."""
    places, row, column = [], 0, 0
    for char in text:
        if column == width:
            row, column = row + 1, 0
        places.append((row, column))
        if char == "\n":
            row, column = row + 1, 0
        else:
            column += 1
    return np.array(places, dtype=int).reshape(-1, 2)


def text_rows(text: str, width: int = 60) -> int:
    """How many lines :func:`text_grid` lays ``text`` out in."""
    return int(text_grid(text, width)[:, 0].max()) + 1


def labelled_units(units) -> list[tuple[str, int]]:
    """``units`` (unit indices, or ``(label, index)`` pairs) as ``(label, index)`` pairs;
    a bare index ``j`` is labelled ``"unit j+1"``."""
    return [(f"unit {u + 1}", int(u)) if isinstance(u, (int, np.integer)) else (str(u[0]), int(u[1]))
            for u in units]


class _StillLayer(Artist):
    """Artists that never change, drawn once onto a transparent bitmap that later draws paste.

    Pasting costs under a millisecond where drawing a passage's characters one by one
    costs a hundred. The bitmap is drawn again when the figure's size or the axes' place
    or range changes; renderers other than Agg (PDF, SVG) get the artists themselves.
    """

    def __init__(self, ax, artists):
        super().__init__()
        self.artists = artists
        for artist in artists:
            artist.axes = ax
            artist.set_figure(ax.figure)
            artist.set_transform(ax.transData)
        self._key, self._pixels = None, None

    def draw(self, renderer):
        if not self.get_visible():
            return
        if not isinstance(renderer, RendererAgg):
            for artist in self.artists:
                artist.draw(renderer)
            return
        key = (renderer.width, renderer.height, self.figure.dpi, tuple(self.axes.bbox.bounds),
               self.axes.get_xlim(), self.axes.get_ylim())
        if key != self._key:
            layer = RendererAgg(int(renderer.width), int(renderer.height), self.figure.dpi)
            for artist in self.artists:
                artist.draw(layer)
            self._key, self._pixels = key, np.asarray(layer.buffer_rgba())[::-1].copy()
        gc = renderer.new_gc()
        renderer.draw_image(gc, 0, 0, self._pixels)
        gc.restore()


class TextColors:
    """A passage of text, each character on a background coloured by one value: the
    picture of Karpathy, Johnson and Fei-Fei's "Visualizing and Understanding Recurrent
    Networks" (2015). A box marks the character of the current step.

    Call :meth:`update` with (T,) values and ``kind``: ``"state"`` colours blue (< 0)
    through white (0) to red (> 0) on ``±limit``; ``"gate"`` colours white (0) to green (1).
    Only the box moves from frame to frame; when the colours change, :attr:`stale_axes`
    asks a widget to repaint this axes and its colour bar once (the characters lie over
    the colours, and redrawing them for every step would be slow).
    """

    def __init__(self, ax, text: str, width: int = 60, title: str | None = None, fontsize: float = 14):
        self.ax, self.text = ax, text
        self.places = text_grid(text, width)
        rows = int(self.places[:, 0].max()) + 1
        self._grid = np.full((rows, width), np.nan)
        self.image = ax.imshow(self._grid, cmap=TEXT_STATE_CMAP, vmin=-1, vmax=1, aspect="auto",
                               interpolation="nearest", zorder=1)
        self.characters = [Text(column, row, NEWLINE if char == "\n" else char, ha="center", va="center",
                                family="monospace", fontsize=fontsize, color="black")
                           for (row, column), char in zip(self.places, text)]
        ax.add_artist(_StillLayer(ax, self.characters)).set_zorder(2)
        self.cursor = ax.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor="black", lw=2.5, zorder=3,
                                             visible=False))
        self.colorbar = ax.figure.colorbar(self.image, ax=ax, fraction=0.03, pad=0.01, aspect=6)
        self.dynamic = [self.cursor]
        self.stale_axes = []
        ax.set_xlim(-0.5, width - 0.5)
        ax.set_ylim(rows - 0.5, -0.5)
        ax.set_axis_off()
        if title:
            ax.set_title(title)

    def update(self, values, kind: str = "state", limit: float | None = None, label: str = "") -> None:
        """Colour each character by ``values`` (T,); ``limit`` (state only) spans ``±limit``."""
        values = clip_exploded(np.asarray(values, dtype=float))
        if kind == "state":
            limit = limit if limit is not None else nice_limit(symmetric_limit(values))
            cmap, low, high = TEXT_STATE_CMAP, -limit, limit
        elif kind == "gate":
            cmap, low, high = TEXT_GATE_CMAP, 0.0, 1.0
        else:
            raise ValueError(f"kind must be 'state' or 'gate', got {kind!r}")
        grid = self._grid.copy()
        grid[self.places[:, 0], self.places[:, 1]] = values
        if not np.array_equal(grid, self._grid, equal_nan=True):
            self._grid = grid
            self.image.set_data(grid)
            self.stale_axes = [self.ax]
        if self.image.get_cmap() is not cmap or self.image.get_clim() != (low, high) \
                or self.colorbar.ax.get_ylabel() != label:
            self.image.set_cmap(cmap)
            self.image.set_clim(low, high)
            self.colorbar.update_normal(self.image)
            self.colorbar.set_label(label)
            self.stale_axes = [self.ax, self.colorbar.ax]

    def show_cursor(self, k: int | None) -> None:
        """Box the character of step ``t = k + 1`` (None: no box)."""
        self.cursor.set_visible(k is not None)
        if k is not None:
            row, column = self.places[k]
            self.cursor.set_xy((column - 0.5, row - 0.5))


class ValueAlongText:
    """One value over a passage, step by step (a line), with a dot at the current step."""

    def __init__(self, ax, T: int, title: str | None = None):
        self.ax = ax
        self.line = ax.plot([], [], color=STATE_COLORS["s"], lw=1.6)[0]
        self.cursor = ax.axvline(1, color="0.45", lw=1, ls=":")
        self.dot = ax.plot([], [], "o", color=STATE_COLORS["h"], ms=9, mec="black", zorder=4)[0]
        self.dynamic = [self.line, self.cursor, self.dot]
        ax.axhline(0, color="0.3", lw=0.8, zorder=0.5)
        ax.set_xlim(0.5, T + 0.5)
        ax.set_xlabel("character $t$")
        if title:
            ax.set_title(title)

    def update(self, values, t: int, ylim: tuple[float, float], ylabel: str = "") -> None:
        """``values`` (T,) for the whole passage; mark step ``t``."""
        values = clip_exploded(np.asarray(values, dtype=float))
        self.line.set_data(np.arange(1, len(values) + 1), values)
        self.cursor.set_xdata([t, t])
        self.dot.set_data([t], [values[t - 1]])
        self.ax.set_ylim(*ylim)
        self.ax.set_ylabel(ylabel)

__all__ = [
    "DecayCurves",
    "EXPLODED",
    "FlowBars",
    "GateBars",
    "GateGradientHeatmap",
    "Heatmap",
    "PathUnits",
    "ScaledTicks",
    "SigmoidSlope",
    "TextColors",
    "UnitHistory",
    "ValueAlongText",
    "WarningText",
    "clip_exploded",
    "colour_limit",
    "explosion_message",
    "label_gate_blocks",
    "labelled_units",
    "nice_limit",
    "symmetric_limit",
    "text_grid",
    "text_rows",
]
