"""The notebooks' still figures: what a reader without a kernel sees under each widget.

Each ``plot_*`` function makes a pyplot figure from :mod:`lstm_core.panels` and returns
it (the notebook then calls ``plt.show()``). The helpers ``unit_values``,
``path_sizes``, ``path_norms`` and ``gate_gradient_norms`` compute what the figures show,
and the widgets use them too.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .diagram import CellDiagram
from .panels import DecayCurves, FlowBars, GateBars, Heatmap, UnitHistory, label_gate_blocks, symmetric_limit
from .params import GATE_ORDER, init_params
from .rnn import init_rnn_params, rnn_backward, rnn_forward
from .scalar_graph import ScalarGraphDiagram
from .sequence import lstm_backward, lstm_forward
from .style import DIVERGING, GATE_COLORS, PATH_COLORS, STATE_COLORS, WARNING_COLOR

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
    lim = max(1.05, symmetric_limit(values))
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
    lim = symmetric_limit(grads.dz)
    for ax, t in zip(np.atleast_1d(axes), steps):
        bars = GateBars(ax, H, ylabel="$\\delta Z_t$" if t == steps[0] else "", title=f"t = {t}")
        bars.update(np.reshape(grads.dz[t - 1], -1)[: 4 * H], ylim=(-lim, lim))
        ax.tick_params(axis="x", labelsize=10)
        ax.set_xlabel("")
    fig.suptitle("$\\delta Z_t = [\\delta Z_a, \\delta Z_i, \\delta Z_f, \\delta Z_o]$ of every unit")
    fig.supxlabel(f"in each group, units 1 … {H} from left to right", fontsize=11)
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
    lim = symmetric_limit(running)
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


def gradient_decay(T: int = 100, keep_bias: float = 0.0, scale: float = 1.0, hidden_size: int = 16,
                   input_size: int = 4, seed: int = 0) -> dict[str, np.ndarray]:
    """How far back a gradient reaches, in an LSTM and in a vanilla RNN of the same size.

    Both read the same small random inputs (standard deviation 0.1, so that the
    recurrence rather than the input drives the state); the loss reads only the last output,
    ``L = g · h_T`` with a fixed unit vector ``g``. ``scale`` multiplies both networks'
    default weight range ``1/sqrt(H)``; ``keep_bias`` is the LSTM's ``b_f``.

    Returns ``distance`` (T,) = T - t, and per step ``lstm`` = ``‖δS_t‖ / ‖δS_T‖`` and
    ``rnn`` = ``‖δh_t‖ / ‖δh_T‖``, ordered by distance (0 = the last step): each
    relative to its size at the last step, so that the two start level.
    """
    rng = np.random.default_rng(seed)
    x = 0.1 * rng.standard_normal((T, input_size))
    g = rng.standard_normal(hidden_size)
    dh = np.zeros((T, hidden_size))
    dh[-1] = g / np.linalg.norm(g)
    w = scale / np.sqrt(hidden_size)
    lstm = init_params(input_size, hidden_size, seed=seed, keep_bias=keep_bias, scale=w)
    rnn = init_rnn_params(input_size, hidden_size, seed=seed, scale=w)
    with np.errstate(all="ignore"):
        ds = lstm_backward(lstm, lstm_forward(lstm, x), dh).ds
        dh_rnn = rnn_backward(rnn, rnn_forward(rnn, x), dh).dh
        lstm_sizes = np.linalg.norm(ds, axis=1)[::-1]
        rnn_sizes = np.linalg.norm(dh_rnn, axis=1)[::-1]
        return {"distance": np.arange(T), "lstm": lstm_sizes / lstm_sizes[0], "rnn": rnn_sizes / rnn_sizes[0]}


def plot_gradient_decay(settings, T: int = 100, title: str | None = None):
    """Small multiples of :func:`gradient_decay`, one panel per ``(label, keep_bias, scale)``."""
    fig, axes = plt.subplots(1, len(settings), figsize=(4.2 * len(settings), 4.0), sharey=True)
    for ax, (label, keep_bias, scale) in zip(np.atleast_1d(axes), settings):
        panel = DecayCurves(ax, T_max=T, title=label)
        panel.update(gradient_decay(T, keep_bias, scale))
        if ax is not np.atleast_1d(axes)[0]:
            ax.set_ylabel("")
    fig.suptitle(title or "how far back the gradient of $L = g \\cdot h_T$ reaches")
    fig.tight_layout()
    return fig


def plot_training_curves(curves: dict[str, list[float]], title: str = "training loss", ylabel: str = "loss",
                         log: bool = True, smooth: int = 1, line: tuple[float, str] | None = None):
    """Several curves against optimizer step (colours in the course palette).

    ``log`` puts the y axis on a log scale; ``smooth`` > 1 draws a running mean over that
    many steps (noisy per-batch values become readable); ``line`` = ``(y, label)`` adds a
    dashed horizontal line, for example a clipping threshold.
    """
    fig, ax = plt.subplots(figsize=(10, 4.0))
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        if smooth > 1 and len(values) >= smooth:
            values = np.convolve(values, np.ones(smooth) / smooth, mode="valid")
            steps = np.arange(smooth, smooth + len(values))
        else:
            steps = np.arange(1, len(values) + 1)
        ax.plot(steps, values, label=label, lw=1.8)
    if line is not None:
        ax.axhline(line[0], color="0.3", ls="--", lw=1.3, label=line[1])
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel(ylabel if smooth <= 1 else f"{ylabel} (mean of {smooth} steps)")
    ax.set_title(title)
    labels = [*curves, line[1] if line else ""]
    if max(map(len, labels)) > 24:  # long labels go under the plot, so the plot keeps its width
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    else:
        ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    return fig


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
    return fig


def plot_scalar_graph(settings):
    """Small multiples of the two-path scalar graph, one per ``(s, o, f)`` in ``settings``."""
    fig, axes = plt.subplots(1, len(settings), figsize=(7.2 * len(settings), 5.0))
    for ax, (s, o, f) in zip(np.atleast_1d(axes), settings):
        graph = ScalarGraphDiagram(ax)
        grads = graph.update(s, o, f)
        ax.set_title(f"s = {s}, o = {o}, f = {f}:  ∂L/∂s = {grads['s']:.2f}")
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
    "gate_gradient_norms",
    "gradient_decay",
    "path_norms",
    "path_sizes",
    "plot_cell",
    "plot_forward_history",
    "plot_forward_steps",
    "plot_gate_gradient_heatmap",
    "plot_gate_gradient_steps",
    "plot_gradcheck",
    "plot_gradient_flow",
    "plot_gradient_decay",
    "plot_gradient_paths",
    "plot_training_curves",
    "plot_runs",
    "plot_keep_bias_sweep",
    "plot_loss_curve",
    "plot_predictions",
    "plot_scalar_graph",
    "plot_weight_accumulation",
    "unit_values",
]
