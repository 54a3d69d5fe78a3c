"""The notebooks' still figures: what a reader without a kernel sees under each widget.

Each ``plot_*`` function makes a pyplot figure and returns it (the notebook then calls
``plt.show()``). Those that a stepper also shows are drawn, and described in words, by the
stepper's panels (:class:`~lstm_core.figures.panel.Panel`); the numbers come from
:mod:`lstm_core.lessons.measures`, the same functions the steppers in
:mod:`lstm_core.figures.widgets` use. The functions here only draw: each figure's words
are made by :mod:`lstm_core.figures.alt_text` (or its panels' ``describe``).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..cell import StepGrads
from ..lessons.data import CharVocab
from ..lessons.measures import (
    backward_step_sizes,
    gate_gradient_norms,
    path_norms,
    path_sizes,
    unit_history,
    unit_values,
    weight_gradient_shares,
)
from ..params import GATE_ORDER, LSTMParams
from ..sequence import lstm_forward
from . import alt_text
from .alt_text import describe
from .backward_step import BackwardStepDiagram
from .decay_panels import Decay, DecayCurves
from .diagram import CellDiagram, CellState
from .gate_panels import (
    GateBars,
    GateGradientHeatmap,
    GateNorms,
    GateValues,
    UnitHistory,
    UnitSeries,
    label_gate_blocks,
)
from .graph_diagram import ScalarGraphDiagram
from .path_panels import FlowBars, PathFlow
from .scales import colour_limit, nice_limit, symmetric_limit
from .style import DIVERGING, GATE_COLORS, PATH_COLORS, STATE_COLORS, WARNING_COLOR
from .text_panels import TextColors, TextValues, labelled_units, shown_char, text_rows


def plot_cell(values: dict[str, float] | None = None, title: str = "one LSTM cell at step t"):
    """The cell diagram alone, optionally with one unit's values; returns the Figure."""
    fig, ax = plt.subplots(figsize=(8, 4.6))
    diagram, data = CellDiagram(ax, title=title), CellState(values, where="Values of one unit")
    diagram.update(data)
    return describe(fig, alt_text.cell(diagram.describe(data) if values else None))


def plot_forward_steps(trace, steps=(1, 4, 8, 12), unit: int = 0):
    """Small multiples: the cell with one unit's values at several steps ``t``."""
    fig, axes = plt.subplots(2, 2, figsize=(13, 7.6))
    shown = []
    for ax, t in zip(axes.flat, steps):
        diagram = CellDiagram(ax, title=f"step t = {t}")
        data = CellState(unit_values(trace, t - 1, unit), t=t, unit=unit)
        diagram.update(data)
        shown.append(diagram.describe(data))
    fig.suptitle(f"the forward pass of unit {unit + 1}, four steps of the sequence")
    fig.tight_layout()
    return describe(fig, alt_text.forward_steps(unit, steps, shown))


def plot_forward_history(trace, unit: int = 0):
    """Every gate, ``S_t`` and ``h_t`` of one unit over the whole sequence."""
    fig, ax = plt.subplots(figsize=(11, 4.2))
    T = len(trace.x)
    panel = UnitHistory(ax, T, title=f"unit {unit + 1} over the sequence")
    data = UnitSeries(unit_history(trace, unit), T, unit)
    panel.update(data)
    fig.tight_layout()
    return describe(fig, panel.describe(data))


def plot_gradient_paths(grads, steps=(12, 8, 4, 1)):
    """Small multiples: the cell with both paths of ``δS_t`` drawn to one scale, at several steps."""
    fig, axes = plt.subplots(2, 2, figsize=(13, 7.6))
    scale = max(max(path_sizes(grads, t - 1).values()) for t in steps)
    shown = []
    for ax, t in zip(axes.flat, steps):
        diagram = CellDiagram(ax, title=f"step t = {t}")
        data = CellState(sizes=path_sizes(grads, t - 1), scale=scale, shows="paths", where=f"t = {t}")
        diagram.update(data)
        shown.append(diagram.describe(data))
    fig.suptitle("the gradient into $S_t$: path 1 (through $h_t$) + path 2 (from $S_{t+1}$)")
    fig.tight_layout()
    return describe(fig, alt_text.gradient_paths(shown))


def plot_gradient_flow(grads, title: str | None = None):
    """Stacked bars over time of the two paths into ``S_t`` with ``‖δS_t‖`` as a line."""
    fig, ax = plt.subplots(figsize=(11, 4.2))
    panel = FlowBars(ax, len(grads.ds), title=title or "the two paths into $S_t$, step by step")
    data = PathFlow(*path_norms(grads))
    panel.update(data)
    fig.tight_layout()
    return describe(fig, panel.describe(data))


def plot_gate_gradient_heatmap(grads, title: str | None = None):
    """A (gate × time) map of ``‖δZ‖``."""
    fig, ax = plt.subplots(figsize=(11, 3.6))
    data = GateNorms(gate_gradient_norms(grads))
    panel = GateGradientHeatmap(ax, data.norms.shape[1], title=title or "$\\|\\delta Z\\|$ per gate and step")
    panel.update(data)
    fig.tight_layout()
    return describe(fig, panel.describe(data))


def plot_gate_gradient_steps(grads, steps=(12, 8, 4, 1)):
    """Small multiples: every unit's ``δZ_t``, by gate, at several steps (one y scale)."""
    H = grads.ds.shape[-1]
    fig, axes = plt.subplots(1, len(steps), figsize=(3.4 * len(steps), 3.8), sharey=True)
    lim = colour_limit(grads.dz)  # the scale of the gate gradient explorer
    shown = []
    for ax, t in zip(np.atleast_1d(axes), steps):
        bars = GateBars(ax, H, ylabel="$\\delta Z_t$" if t == steps[0] else "", title=f"t = {t}")
        data = GateValues(np.reshape(grads.dz[t - 1], -1)[: 4 * H], ylim=(-lim, lim))
        bars.update(data)
        shown.append(f"at t = {t} {bars.describe(data)}")
        ax.tick_params(axis="x", labelsize=10)
        ax.set_xlabel("")
    fig.suptitle("$\\delta Z_t = [\\delta Z_a, \\delta Z_i, \\delta Z_f, \\delta Z_o]$ of every unit")
    fig.supxlabel(f"in each group, units 1 … {H} from left to right", fontsize=11)
    fig.tight_layout()
    return describe(fig, alt_text.gate_gradient_steps(steps, shown))


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
    return describe(fig, alt_text.keep_bias_sweep(biases, norms, slopes))


def plot_weight_accumulation(trace, grads, steps=(12, 8, 4, 1)):
    """Small multiples: the running sum ``Σ_{t' ≥ t} δZ_{t'} I_{t'}ᵀ`` as the backward pass reaches t."""
    H = grads.ds.shape[-1]
    D = trace.x.shape[-1]
    contributions, running = weight_gradient_shares(grads)
    lim = colour_limit(contributions, running)  # the scale of the weight gradient stepper
    fig, axes = plt.subplots(1, len(steps), figsize=(3.3 * len(steps), 4.2), layout="constrained")
    for ax, t in zip(np.atleast_1d(axes), steps):
        image = ax.imshow(running[t - 1], cmap=DIVERGING, vmin=-lim, vmax=lim, aspect="auto",
                          interpolation="nearest")
        label_gate_blocks(ax, H, D)
        ax.tick_params(axis="x", labelsize=10)
        ax.set_title(f"sum over t = {t} … {len(running)}" if t > 1 else "all steps: $\\delta W$")
    fig.colorbar(image, ax=axes, fraction=0.03, label="entry of the sum")
    fig.suptitle("$\\delta W = \\sum_t \\delta Z_t I_t^\\top$, accumulated from t = T down to 1")
    return describe(fig, alt_text.weight_accumulation(running, steps, D))


def plot_loss_curve(losses, title: str = "training loss"):
    """Loss against optimizer step, on a log scale."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.plot(np.arange(len(losses)), losses, color=STATE_COLORS["s"])
    ax.set_yscale("log")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("mean squared error")
    ax.set_title(title)
    fig.tight_layout()
    return describe(fig, alt_text.loss_curve(losses))


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
    return describe(fig, alt_text.predictions(y, before, after))


def plot_gradient_decay(runs: dict[str, dict], title: str | None = None):
    """Small multiples of :func:`~lstm_core.lessons.measures.gradient_decay`, one panel per ``label: curves``
    of ``runs``."""
    fig, axes = plt.subplots(1, len(runs), figsize=(4.2 * len(runs), 4.0), sharey=True)
    ends = []
    T = max(len(curves["distance"]) for curves in runs.values())
    for ax, (label, curves) in zip(np.atleast_1d(axes), runs.items()):
        panel, data = DecayCurves(ax, T_max=T, title=label, legend=False), Decay(curves, label)
        panel.update(data)
        ends.append(panel.describe(data))
        if ax is not np.atleast_1d(axes)[0]:
            ax.set_ylabel("")
    fig.suptitle(title or "how far back the gradient of $L = g \\cdot h_T$ reaches")
    fig.legend(handles=list(panel.lines.values()), loc="lower center", ncol=4, frameon=False, fontsize=11)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return describe(fig, alt_text.gradient_decay(T, ends))


def plot_training_curves(curves: dict[str, list[float]], title: str = "training loss", ylabel: str = "loss",
                         log: bool = True, smooth: int = 1, line: tuple[float, str] | None = None,
                         marks: dict[str, tuple] | None = None):
    """Several curves against optimizer step (colours in the course palette).

    ``log`` puts the y axis on a log scale; ``smooth`` > 1 draws every step faintly and a
    running mean over ``smooth`` steps over it (noisy per-batch values become readable);
    ``line`` = ``(y, label)`` adds a dashed horizontal line, for example a clipping
    threshold, and with ``smooth`` each step above it is circled. ``marks`` maps a label to
    ``(steps, values)`` measured now and then, such as a held-out loss, drawn as points
    (with several, the k-th in the k-th curve's colour, each its own shape).
    """
    fig, ax = plt.subplots(figsize=(10, 4.0))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for color, (label, values) in zip(colors, curves.items()):
        values = np.asarray(values, dtype=float)
        steps = np.arange(1, len(values) + 1)
        if smooth > 1 and len(values) >= smooth:
            ax.plot(steps, values, color=color, lw=0.8, alpha=0.3)  # every step, faint
            smoothed = np.convolve(values, np.ones(smooth) / smooth, mode="valid")
            ax.plot(np.arange(smooth, smooth + len(smoothed)), smoothed, color=color, label=label, lw=1.8)
        else:
            ax.plot(steps, values, color=color, label=label, lw=1.8)
        if line is not None and smooth > 1:  # the steps above the line (clipped, for a clipping threshold)
            above = values > line[0]
            ax.plot(steps[above], values[above], "o", color=color, ms=3.5, mfc="none", mew=1.0)
    several = len(marks or {}) > 1  # then the k-th marks share the k-th curve's colour, and differ in shape too
    for k, (label, (steps, values)) in enumerate((marks or {}).items()):
        ax.plot(steps, values, "sDo^"[k % 4] + "-", color=colors[k] if several else STATE_COLORS["s"], ms=6, lw=1.2,
                mec="black" if several else None, mew=0.8 if several else None, label=label)
    if line is not None:
        ax.axhline(line[0], color="0.3", ls="--", lw=1.3, label=line[1])
        if smooth > 1:
            ax.plot([], [], "o", color="0.3", ms=3.5, mfc="none", label=f"a step above the {line[1]}")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    labels = [*curves, *(marks or {}), line[1] if line else ""]
    if max(map(len, labels)) > 24:  # long labels go under the plot, so the plot keeps its width
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    else:
        ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    return describe(fig, alt_text.training_curves(curves, ylabel, log, smooth, line, marks or {}))


def plot_runs(groups: dict[str, list], title: str = "training loss", ylabel: str = "loss",
              line: tuple[float, str] | None = None, top: float = 1e100):
    """Several runs per setting: each run faint, the median of the setting's runs bold.

    ``groups`` maps a setting's label to its runs, each a sequence of values per optimizer
    step (for example ``History.losses``). A run that is shorter than the others stopped
    early (``train`` stops when a gradient overflows): an × marks its last finite value.
    The median is drawn over the steps that every run of the setting reached. Log y axis
    up to ``top`` at most: larger values run off the top, and their × sits on its edge.
    ``line`` = ``(y, label)`` adds a dashed horizontal line.
    """
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    longest = max(len(run) for runs in groups.values() for run in runs)
    fig, ax = plt.subplots(figsize=(10, 4.0))
    marked_stop = False
    for color, (label, runs) in zip(colors, groups.items()):
        runs = [np.asarray(run, dtype=float) for run in runs]
        for run in runs:
            ax.plot(np.arange(1, len(run) + 1), np.minimum(run, 10 * top), color=color, lw=0.9, alpha=0.45)
            finite = np.flatnonzero(np.isfinite(run))
            if len(run) < longest and len(finite):
                ax.plot(finite[-1] + 1, min(run[finite[-1]], top), "x", color=color, ms=10, mew=2.5, clip_on=False,
                        label=None if marked_stop else "run stopped: gradient overflowed")
                marked_stop = True
        common = min(len(run) for run in runs)
        with np.errstate(invalid="ignore"):
            median = np.median(np.stack([run[:common] for run in runs]), axis=0)
        ax.plot(np.arange(1, common + 1), np.minimum(median, 10 * top), color=color, lw=2.6,
                label=f"{label}: median of {len(runs)} runs")
    if line is not None:
        ax.axhline(line[0], color="0.3", ls="--", lw=1.3, label=line[1])
    ax.set_yscale("log")
    values = np.concatenate([np.asarray(run, dtype=float) for runs in groups.values() for run in runs])
    shown = values[np.isfinite(values) & (values > 0)]
    if len(shown):  # by hand: matplotlib's log ticks overflow near the largest floats
        ax.set_ylim(shown.min() / 5, min(shown.max() * 5, top))
    ax.set_xlim(0, longest + 1)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel(ylabel)
    ax.set_title(title, pad=14)
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    fig.tight_layout()
    return describe(fig, alt_text.runs(groups, ylabel))


def plot_temperatures(distributions: dict[float, np.ndarray], characters, top: int = 8,
                      title: str = "the next character, at three temperatures"):
    """Grouped bars: the probability of each of the ``top`` likeliest characters at each temperature.

    ``distributions`` maps a temperature τ to the (V,) probabilities ``softmax(y / τ)``;
    ``characters`` names the V entries. Characters are ordered by the middle temperature's
    probabilities; a newline shows as ⏎ and a space as ␣.
    """
    temperatures = sorted(distributions)
    middle = distributions[temperatures[len(temperatures) // 2]]
    order = np.argsort(middle)[::-1][:top]
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, ax = plt.subplots(figsize=(11, 4.0))
    width = 0.8 / len(temperatures)
    for k, (tau, color) in enumerate(zip(temperatures, colors)):
        ax.bar(np.arange(len(order)) + (k - (len(temperatures) - 1) / 2) * width, distributions[tau][order],
               width=width, color=color, label=f"τ = {tau:g}")
    ax.set_xticks(range(len(order)), [shown_char(characters[j]) for j in order], fontsize=14)
    ax.set_xlabel(f"the {len(order)} likeliest next characters")
    ax.set_ylabel("probability")
    ax.set_title(title)
    ax.legend(frameon=False)
    fig.tight_layout()
    return describe(fig, alt_text.temperatures(distributions, [shown_char(c) for c in characters], order))


def plot_text_units(params: LSTMParams, vocab: CharVocab, text: str, units, width: int = 60):
    """``text`` once per unit, each character on a background coloured by that unit's cell
    state ``S_t`` after reading it (the still of :func:`~lstm_core.figures.widgets.text_unit_stepper`).

    ``units`` lists unit indices or ``(label, index)`` pairs; the model reads ``text``
    from ``h = S = 0``. Each unit's colours span ± its largest ``|S_t|``, rounded up.
    """
    units = labelled_units(units)
    trace = lstm_forward(params, vocab.one_hot(vocab.encode(text)))  # (T, ·): one sequence
    rows = text_rows(text, width)
    fig, axes = plt.subplots(len(units), 1, figsize=(11, len(units) * (0.3 * rows + 0.6)), squeeze=False,
                             layout="constrained")
    summary = []
    for ax, (label, j) in zip(axes[:, 0], units):
        s = trace.s[:, j]
        limit = nice_limit(symmetric_limit(s))
        panel = TextColors(ax, text, width=width, title=f"{label}: cell state $S_t$ after each character")
        data = TextValues(s, kind="state", limit=limit, label="$S_t$")
        panel.update(data)
        summary.append((label, panel.describe(data), limit))
    return describe(fig, alt_text.text_units(text, summary))


def plot_scalar_graph(settings):
    """Small multiples of the two-path scalar graph, one per ``(s, o, f)`` in ``settings``."""
    fig, axes = plt.subplots(1, len(settings), figsize=(7.2 * len(settings), 5.0))
    shown = []
    for ax, (s, o, f) in zip(np.atleast_1d(axes), settings):
        graph = ScalarGraphDiagram(ax)
        graph.update((s, o, f))
        shown.append(graph.describe((s, o, f)))
    fig.tight_layout()
    return describe(fig, alt_text.scalar_graph(shown))


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
    return describe(fig, alt_text.gradcheck(errors, threshold))


def plot_backward_step(grads=None, dh_loss=None, title: str | None = None):
    """One complete backward step ``t`` as a flow diagram: what arrives, what it computes, what it hands back.

    With no arguments, the schematic: every box holds its equation. ``grads``, the
    :class:`~lstm_core.cell.StepGrads` of one real step (from ``lc.lstm_step_backward``),
    adds the norm of each gradient, over units and batch, under its label; ``dh_loss``
    (B, H) or (H,), the loss's direct term ``g_t = ∂L/∂h_t``, splits ``δh_t`` into ``g_t`` and ``δh_next``.
    """
    if grads is not None and not isinstance(grads, StepGrads):
        raise TypeError(f"grads must be the StepGrads of one step (lc.lstm_step_backward), got {type(grads).__name__}")
    fig = plt.figure(figsize=(15.6, 10.1))
    ax = fig.add_axes((0.0, 0.0, 1.0, 9.5 / 10.1))  # the drawing's 15.6 × 9.5 units, an inch each
    sizes = backward_step_sizes(grads, dh_loss) if grads is not None else None
    default = "one backward step t, whole: what arrives, what it computes, what it hands back"
    if sizes:
        default += "  (‖·‖: norm over the units)"
    BackwardStepDiagram(ax, title=title or default).show_sizes(sizes)
    return describe(fig, alt_text.backward_step(sizes))


__all__ = [
    "plot_backward_step",
    "plot_cell",
    "plot_forward_history",
    "plot_forward_steps",
    "plot_gate_gradient_heatmap",
    "plot_gate_gradient_steps",
    "plot_gradcheck",
    "plot_gradient_decay",
    "plot_gradient_flow",
    "plot_gradient_paths",
    "plot_keep_bias_sweep",
    "plot_loss_curve",
    "plot_predictions",
    "plot_runs",
    "plot_scalar_graph",
    "plot_temperatures",
    "plot_text_units",
    "plot_training_curves",
    "plot_weight_accumulation",
]
