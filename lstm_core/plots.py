"""Figures for the notebooks: panels that are drawn once and then updated.

Each panel class draws its axes, labels and artists in ``__init__`` and changes only
artist data in ``update``; the widgets in :mod:`lstm_core.widgets` call ``update`` when
a slider moves, and the ``plot_*`` functions here call it once per small multiple for
the still figures that a reader without a kernel sees.

Sizes that are not finite, or larger than :data:`EXPLODED`, are not drawn as bars:
the panel says on the figure that the gradient exploded instead.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .diagram import CellDiagram
from .params import GATE_ORDER
from .style import DIVERGING, GATE_COLORS, PATH_COLORS, STATE_COLORS, WARNING_COLOR

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


def _clip(values, limit=EXPLODED):
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


def _symmetric_limit(values, floor: float = 1e-12) -> float:
    finite = np.abs(_clip(values))
    return max(float(finite.max(initial=0.0)) * 1.08, floor)


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
        for bar, v in zip(self.bars, _clip(values)):
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
            self.gate_lines[name].set_data(shown, _clip(gates[:t, g]))
        self.s_line.set_data(shown, _clip(s[:t]))
        self.h_line.set_data(shown, _clip(h[:t]))
        self.cursor.set_xdata([t, t])
        self.ax.set_ylim(*ylim)


class ScaledTicks:
    """A y axis with fixed range and tick positions whose labels say the current scale.

    Data is drawn divided by :attr:`scale`, so the axes never change and a widget only
    repaints the data and these few labels (a rescaled matplotlib axis would need the
    whole axes redrawn). ``fractions`` are the tick positions in units of the scale.
    """

    LABELPAD = 38  # points between the axis and its label: room for these tick labels

    def __init__(self, ax, fractions=(0.0, 0.25, 0.5, 0.75, 1.0)):
        self.ax, self.fractions = ax, tuple(fractions)
        self.scale = 1.0
        ax.set_ylim(min(fractions), max(fractions))
        ax.set_yticks(fractions, [""] * len(fractions))
        style = dict(transform=ax.get_yaxis_transform(), ha="right", va="center",
                     fontsize=mpl.rcParams["ytick.labelsize"])
        self.labels = [ax.text(-0.012, f, "", **style) for f in fractions]
        self.dynamic = list(self.labels)

    def set_scale(self, scale: float) -> None:
        self.scale = float(scale)
        for f, label in zip(self.fractions, self.labels):
            label.set_text(f"{f * self.scale:.3g}")


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
                             label="$\\|\\delta S_t\\|$ (their sum)")[0]
        self.cursor = ax.axvspan(0.5, 1.5, color="0.85", zorder=0)
        self.yaxis = ScaledTicks(ax, (0.0, 0.25, 0.5, 0.75, 1.0))
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
        via_h, via_next, total = (np.abs(_clip(v)) for v in (via_h, via_next, total))
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
        matrix = _clip(matrix)
        if limit is None:
            limit = _symmetric_limit(matrix)
        self.image.set_data(matrix)
        self.image.set_clim(-limit if self.symmetric else 0, limit)


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


# --- still figures ------------------------------------------------------------------

def unit_values(trace, k: int, unit: int = 0) -> dict:
    """The numbers :class:`CellDiagram` shows for step ``t = k + 1`` and one unit (unbatched trace).

    ``x`` is the whole input ``x_t`` (its first three entries), since every unit sees all of it.
    """
    step = trace.step(k)
    values = {name: float(step.gate(name)[unit]) for name in GATE_ORDER}
    values.update(s_prev=float(step.s_prev[unit]), s=float(step.s[unit]),
                  h_prev=float(step.h_prev[unit]), h=float(step.h[unit]), x=tuple(step.x[:3].tolist()))
    return values


def plot_cell(values: dict[str, float] | None = None, title: str = "one LSTM cell at step t"):
    """The cell diagram alone, optionally with one unit's values; returns the Figure."""
    fig, ax = plt.subplots(figsize=(8, 4.6))
    CellDiagram(ax, title=title).show_values(values)
    return fig


def plot_forward_steps(trace, steps=(1, 4, 8, 12), unit: int = 0):
    """Small multiples: the cell with one unit's values at several steps ``t``."""
    fig, axes = plt.subplots(2, 2, figsize=(13, 7.6))
    for ax, t in zip(axes.flat, steps):
        CellDiagram(ax, title=f"step t = {t}").show_values(unit_values(trace, t - 1, unit))
    fig.suptitle(f"the forward pass of unit {unit + 1}, four steps of the sequence")
    fig.tight_layout()
    return fig


def plot_forward_history(trace, unit: int = 0):
    """Every gate, ``S_t`` and ``h_t`` of one unit over the whole sequence."""
    fig, ax = plt.subplots(figsize=(11, 4.2))
    T = len(trace.x)
    history = UnitHistory(ax, T, title=f"unit {unit + 1} over the sequence")
    gates = np.stack([trace.gate(n)[:, unit] for n in GATE_ORDER], axis=1)
    values = np.concatenate([gates.ravel(), trace.s[:, unit], trace.h[:, unit]])
    lim = max(1.05, _symmetric_limit(values))
    history.update(gates, trace.s[:, unit], trace.h[:, unit], T, (-lim, lim))
    fig.tight_layout()
    return fig


def path_sizes(grads, k: int) -> dict[str, float]:
    """Norms over units (and batch) of the two paths, their sum and what goes on to step t-1."""
    trace = grads.trace
    return {
        "via_h": float(np.linalg.norm(grads.ds_via_h[k])),
        "via_next": float(np.linalg.norm(grads.ds_via_next[k])),
        "total": float(np.linalg.norm(grads.ds[k])),
        "carried": float(np.linalg.norm(grads.ds[k] * trace.f[k])),
    }


def path_norms(grads) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per step: ``‖path 1‖``, ``‖path 2‖`` and ``‖δS_t‖``, each (T,)."""
    T = len(grads.ds)
    flat = lambda a: np.linalg.norm(np.reshape(a, (T, -1)), axis=1)  # noqa: E731
    return flat(grads.ds_via_h), flat(grads.ds_via_next), flat(grads.ds)


def plot_gradient_paths(grads, steps=(12, 8, 4, 1)):
    """Small multiples: the cell with both paths of ``δS_t`` drawn to one scale, at several steps."""
    fig, axes = plt.subplots(2, 2, figsize=(13, 7.6))
    scale = max(max(path_sizes(grads, t - 1).values()) for t in steps)
    for ax, t in zip(axes.flat, steps):
        CellDiagram(ax, title=f"step t = {t}").show_gradient_paths(path_sizes(grads, t - 1), scale=scale)
    fig.suptitle("the gradient into $S_t$: path 1 (through $h_t$) + path 2 (from $S_{t+1}$)")
    fig.tight_layout()
    return fig


def plot_gradient_flow(grads, title: str | None = None):
    """Stacked bars over time of the two paths into ``S_t`` with ``‖δS_t‖`` as a line."""
    fig, ax = plt.subplots(figsize=(11, 4.2))
    bars = FlowBars(ax, len(grads.ds), title=title or "the two paths into $S_t$, step by step")
    bars.update(*path_norms(grads))
    fig.tight_layout()
    return fig


def gate_gradient_norms(grads) -> np.ndarray:
    """(4, T): ``‖δZ‖`` of each gate block (rows a, i, f, o) at each step."""
    H = grads.ds.shape[-1]
    T = len(grads.dz)
    blocks = np.reshape(grads.dz, (T, -1, 4, H))
    return np.linalg.norm(blocks, axis=(1, 3)).T


def plot_gate_gradient_heatmap(grads, title: str | None = None):
    """A (gate × time) map of ``‖δZ‖``."""
    fig, ax = plt.subplots(figsize=(11, 3.6))
    norms = gate_gradient_norms(grads)
    heat = Heatmap(ax, norms.shape, title=title or "$\\|\\delta Z\\|$ per gate and step",
                   cmap="viridis", symmetric=False, colorbar_label="$\\|\\delta Z\\|$")
    heat.update(norms, limit=max(float(norms.max()), 1e-12))
    T = norms.shape[1]
    ax.set_xticks(range(T), [str(t) for t in range(1, T + 1)])
    ax.set_yticks(range(4), [f"$\\delta Z_{n}$" for n in GATE_ORDER])
    ax.set_xlabel("time step $t$")
    fig.tight_layout()
    return fig


def plot_gate_gradient_steps(grads, steps=(12, 8, 4, 1)):
    """Small multiples: every unit's ``δZ_t``, by gate, at several steps (one y scale)."""
    H = grads.ds.shape[-1]
    fig, axes = plt.subplots(1, len(steps), figsize=(3.4 * len(steps), 3.8), sharey=True)
    lim = _symmetric_limit(grads.dz)
    for ax, t in zip(np.atleast_1d(axes), steps):
        bars = GateBars(ax, H, ylabel="$\\delta Z_t$" if t == steps[0] else "", title=f"t = {t}")
        bars.update(np.reshape(grads.dz[t - 1], -1)[: 4 * H], ylim=(-lim, lim))
        ax.tick_params(axis="x", labelsize=10)
    fig.suptitle("$\\delta Z_t = [\\delta Z_a, \\delta Z_i, \\delta Z_f, \\delta Z_o]$ of every unit")
    fig.tight_layout()
    return fig


def plot_keep_bias_sweep(biases, norms, slopes):
    """How the keep gate's bias ``b_f`` changes ``‖δZ‖`` per gate (left) and ``max f(1-f)`` (right).

    ``norms`` is (len(biases), 4): ``‖δZ‖`` of each gate block summed over time.
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
    for g, name in enumerate(GATE_ORDER):
        left.plot(biases, norms[:, g], color=GATE_COLORS[name], marker="o", ms=4, label=f"$\\|\\delta Z_{name}\\|$")
    left.set_yscale("log")
    left.set_xlabel("keep-gate bias $b_f$")
    left.set_ylabel("size over the whole sequence")
    left.set_title("gate gradients against the keep bias")
    left.legend(frameon=False)
    right.plot(biases, slopes, color=GATE_COLORS["f"], marker="o", ms=4)
    right.axhline(0.25, color="0.4", ls="--", lw=1.2)
    right.text(biases[0], 0.235, "the most σ' can be: 1/4", va="top", fontsize=11)
    right.set_xlabel("keep-gate bias $b_f$")
    right.set_ylabel("$\\max\\; f(1-f)$")
    right.set_title("the keep gate's slope")
    fig.tight_layout()
    return fig


def plot_weight_accumulation(trace, grads, steps=(12, 8, 4, 1)):
    """Small multiples: the running sum ``Σ_{t' ≥ t} δZ_{t'} I_{t'}ᵀ`` as the backward pass reaches t."""
    H = grads.ds.shape[-1]
    D = trace.x.shape[-1]
    contributions = np.reshape(grads.dz, (len(grads.dz), -1, 4 * H))[:, :, :, None] * \
        np.reshape(trace.I, (len(grads.dz), -1, D + H))[:, :, None, :]
    running = np.cumsum(contributions.sum(axis=1)[::-1], axis=0)[::-1]
    lim = _symmetric_limit(running)
    fig, axes = plt.subplots(1, len(steps), figsize=(3.3 * len(steps), 4.2), layout="constrained")
    for ax, t in zip(np.atleast_1d(axes), steps):
        image = ax.imshow(running[t - 1], cmap=DIVERGING, vmin=-lim, vmax=lim, aspect="auto",
                          interpolation="nearest")
        label_gate_blocks(ax, H, D)
        ax.tick_params(axis="x", labelsize=10)
        ax.set_title(f"sum over t = {t} … {len(running)}" if t > 1 else "all steps: $\\delta W$")
    fig.colorbar(image, ax=axes, fraction=0.03, label="entry of the sum")
    fig.suptitle("$\\delta W = \\sum_t \\delta Z_t I_t^T$, accumulated from t = T down to 1")
    return fig


def plot_loss_curve(losses, title: str = "training loss"):
    """Loss against optimizer step, on a log scale."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.plot(np.arange(len(losses)), losses, color=STATE_COLORS["s"])
    ax.set_yscale("log")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("mean squared error")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_predictions(x, y, before, after, title: str = "one held-out sequence"):
    """Input, target and the predictions before and after training, for one sequence (T,) each."""
    fig, ax = plt.subplots(figsize=(11, 3.8))
    steps = np.arange(1, len(x) + 1)
    ax.step(steps, x, where="mid", color="0.6", lw=1.5, label="input $x_t$")
    ax.plot(steps, y, "o", color="black", ms=8, mfc="none", mew=2, label="target $y_t$")
    ax.plot(steps, before, marker="s", ms=5, ls=":", color=STATE_COLORS["h"], label="before training")
    ax.plot(steps, after, marker="D", ms=5, color=PATH_COLORS["via_next"], label="after training")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("time step $t$")
    ax.set_ylabel("value")
    ax.set_title(title)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    fig.tight_layout()
    return fig


def plot_gradcheck(errors: dict[str, float], threshold: float = 1e-7, title: str | None = None):
    """Relative errors of a gradient check as bars on a log scale, with the pass line."""
    fig, ax = plt.subplots(figsize=(max(4.5, 0.9 * len(errors) + 2), 3.6))
    names = list(errors)
    values = np.maximum([errors[n] for n in names], 1e-18)
    colors = [PATH_COLORS["via_next"] if v < threshold else WARNING_COLOR for v in values]
    ax.bar(names, values, color=colors)
    ax.axhline(threshold, color="0.2", ls="--", lw=1.5)
    ax.text(len(names) - 0.5, threshold * 1.6, f"pass below {threshold:.0e}", ha="right", va="bottom", fontsize=11)
    ax.set_yscale("log")
    ax.set_ylim(min(1e-16, values.min() / 3), max(1e-5, values.max() * 3))
    ax.set_ylabel("relative error")
    ax.set_title(title or "backward pass vs finite differences")
    fig.tight_layout()
    return fig


__all__ = [
    "EXPLODED",
    "FlowBars",
    "GateBars",
    "Heatmap",
    "ScaledTicks",
    "UnitHistory",
    "WarningText",
    "explosion_message",
    "gate_gradient_norms",
    "label_gate_blocks",
    "nice_limit",
    "path_norms",
    "path_sizes",
    "plot_cell",
    "plot_forward_history",
    "plot_forward_steps",
    "plot_gate_gradient_heatmap",
    "plot_gate_gradient_steps",
    "plot_keep_bias_sweep",
    "plot_loss_curve",
    "plot_predictions",
    "plot_weight_accumulation",
    "plot_gradcheck",
    "plot_gradient_flow",
    "plot_gradient_paths",
    "unit_values",
]
