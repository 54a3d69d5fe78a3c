"""Text alternatives for the still figures: what each one shows, in words and numbers.

A still's description is made here, by the function named after it
(``keep_bias_sweep`` for ``plot_keep_bias_sweep``), from the same numbers the figure
plots, so the words cannot drift from the picture; a still drawn by panels
(:class:`~lstm_core.figures.panel.Panel`) passes in the sentences of their
``describe``. The ``plot_*`` functions of :mod:`lstm_core.figures.stills` and
:mod:`lstm_core.figures.frameworks` only draw, and record the description on the
figure with :func:`describe`. When a notebook shows the figure,
IPython stores the description with the PNG output, as ``metadata["image/png"]["alt"]``
(the figure offers it through ``_repr_mimebundle_``); the static site (``make site``)
makes it the image's ``alt`` text, for screen readers and for anyone reading without
the picture.
"""

from __future__ import annotations

import numpy as np

from ..params import GATE_ORDER
from .labels import STEP_GRADS


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


# ------------------------------------------------------------ the sentences of each still

CELL_WORDS = ("the LSTM cell: x_t and h_{t-1} feed the candidate a (tanh) and the gates i, f, o (σ); "
              "S_t = a ⊙ i + f ⊙ S_{t-1}, and h_t = o ⊙ tanh(S_t).")


def _numbers(values) -> np.ndarray:
    return np.asarray(values, dtype=float)


def cell(shown: str | None) -> str:
    """The cell diagram; ``shown``: its panel's sentence when it shows one unit's values."""
    return f"Diagram of {CELL_WORDS}" + (f" {shown}." if shown else "")


def forward_steps(unit: int, steps, shown: list[str]) -> str:
    """The cell at several steps; ``shown``: each diagram's sentence."""
    return (f"Four diagrams of {CELL_WORDS} They show unit {unit + 1}'s values at steps "
            f"{', '.join(map(str, steps))}: {'; '.join(shown)}.")


def gradient_paths(shown: list[str]) -> str:
    """The two paths into S_t at several steps; ``shown``: each diagram's sentence."""
    return ("Four diagrams of the LSTM cell in the backward pass, the arrows as wide as the gradient "
            "they carry, on one scale: path 1 reaches S_t through h_t, path 2 from S_{t+1} through the "
            f"next keep gate, and δS_t is their sum. Sizes over the units: {'; '.join(shown)}.")


def gate_gradient_steps(steps, shown: list[str]) -> str:
    """δZ_t's bars at several steps; ``shown``: each bar chart's sentence."""
    return (f"Bar charts of δZ_t for every unit, grouped by gate block a, i, f, o, at steps "
            f"{', '.join(map(str, steps))}, on one scale: {'; '.join(shown)}.")


def keep_bias_sweep(biases, norms, slopes) -> str:
    """``norms`` (len(biases), 4): each gate block's ‖δZ‖; ``slopes``: max f(1 - f), per bias."""
    biases, norms, slopes = _numbers(biases), _numbers(norms), _numbers(slopes)
    keep = norms[:, GATE_ORDER.index("f")]  # ‖δZ_f‖ at each bias
    return (f"Two line charts against the keep-gate bias b_f from {number(biases[0])} to "
            f"{number(biases[-1])}. Left, on a log scale, the size of each gate block's δZ: δZ_f goes "
            f"from {number(keep[0])} to {number(keep[-1])}, largest {number(keep.max())} at b_f = "
            f"{number(biases[int(np.argmax(keep))])}. "
            f"Right, the keep gate's largest slope f(1 - f), at most 1/4: from {number(slopes[0])} "
            f"through {number(slopes.max())} to {number(slopes[-1])}.")


def weight_accumulation(running: np.ndarray, steps, D: int) -> str:
    """``running[t - 1]``: the sum of δZ Iᵀ over steps t … T; the first columns D are x_t's."""
    H = running.shape[1] // len(GATE_ORDER)
    row, column = np.unravel_index(int(np.argmax(np.abs(running[0]))), running[0].shape)
    part = f"x_t column {column + 1}" if column < D else f"h_{{t-1}} column {column - D + 1}"
    return (f"Four heat maps of the running sum of δZ_t I_tᵀ, red positive and blue negative, rows in "
            f"gate blocks a, i, f, o and columns split into x_t and h_{{t-1}}: the sum over steps "
            f"{', '.join(f'{t} to {len(running)}' for t in steps)}. Only the last, over every step, is "
            f"δW. Its largest entry in size is {number(running[0][row, column])}, in block "
            f"{GATE_ORDER[row // H]}, {part}.")


def loss_curve(losses) -> str:
    losses = _numbers(losses)
    return (f"Line chart of the training loss over {len(losses)} optimizer steps, on a log scale: "
            f"from {number(losses[0])} at the start to {number(np.mean(losses[-10:]))} at the end "
            "(mean of the last ten steps).")


def predictions(y, before, after) -> str:
    """One sequence's target and the outputs before and after training."""
    y, before, after = _numbers(y), _numbers(before), _numbers(after)
    return (f"Chart of one sequence of {len(y)} steps: the input x_t, the target y_t, and the "
            "network's output before and after training. The mean distance from the target is "
            f"{number(np.mean(np.abs(before - y)))} before training and "
            f"{number(np.mean(np.abs(after - y)))} after.")


def gradient_decay(T: int, ends: list[str]) -> str:
    """Decay curves per setting; ``ends``: each panel's sentence."""
    return (f"Log-scale line charts, one per setting, of how the gradient's size changes with the "
            f"distance back from the last of {T} steps, each relative to its size at the last step: the "
            f"LSTM's δS_t, what path 2 alone (the product of keep gates) would carry, and the LSTM's and "
            f"the RNN's δh_t, as powers of ten. {'; '.join(ends)}.")


def training_curves(curves: dict, ylabel: str, log: bool, smooth: int, line, marks: dict) -> str:
    """The arguments of :func:`~lstm_core.figures.stills.plot_training_curves`, in words."""
    def summary(label, values):
        values = _numbers(values)
        above = (f", {int(np.sum(values > line[0]))} steps above the line" if line is not None and smooth > 1 else "")
        return f"{label}: from {number(values[:10].mean())} to {number(values[-10:].mean())}{above}"

    summaries = "; ".join(summary(label, values) for label, values in curves.items())
    summaries += "".join(f"; {label}: from {number(values[0])} at step {steps[0]} to {number(values[-1])} at step "
                         f"{steps[-1]}" for label, (steps, values) in marks.items())
    parts = [f"Line chart of {ylabel} against optimizer step" + (", on a log scale" if log else ""),
             f"a line for each of {len(curves)} runs" if len(curves) > 1 else "one line"]
    if smooth > 1:
        parts.append(f"each step faint and a running mean of {smooth} steps over it")
    if line:
        parts.append(f"with a dashed line for the {line[1]} at {number(line[0])}")
    return f"{', '.join(parts)}. Means of the first and the last ten steps: {summaries}."


def runs(groups: dict, ylabel: str) -> str:
    """Several runs per setting, some of which may have stopped early (shorter than the longest)."""
    longest = max(len(run) for runs in groups.values() for run in runs)
    summary = []
    for label, runs_ in groups.items():
        stopped = sum(len(run) < longest for run in runs_)
        ends = [float(np.median(_numbers(run)[-30:])) for run in runs_ if len(run) == longest]
        summary.append(f"{label}: {stopped} of {len(runs_)} runs stopped early"
                       + (f", the others ended near {number(np.median(ends))} (median)" if ends else ""))
    return (f"Log-scale line chart of {ylabel} against optimizer step for several runs per setting, "
            f"each run a thin line and the setting's median a thick one; an × marks where a run stopped "
            f"because a gradient overflowed. Per setting: {'; '.join(summary)}.")


def temperatures(distributions: dict, names, order) -> str:
    """``distributions``: τ -> probabilities; ``names``: each character as shown; ``order``: the bars drawn."""
    temperatures = sorted(distributions)
    peaks = "; ".join(f"at τ = {tau:g} the likeliest, {names[int(np.argmax(distributions[tau]))]!r}, has "
                      f"{number(distributions[tau].max())} and the {len(order)} shown together "
                      f"{number(distributions[tau][order].sum())}" for tau in temperatures)
    return (f"Grouped bar chart of the probability of each of the {len(order)} likeliest next characters "
            f"at temperatures {', '.join(f'{tau:g}' for tau in temperatures)}: the lower the temperature, "
            f"the more the probability piles onto the likeliest characters. {peaks.capitalize()}.")


def text_units(text: str, units: list[tuple[str, str, float]]) -> str:
    """The passage coloured once per unit; ``units``: each copy's label, panel sentence and colour limit."""
    shown = [f"{label}: S_t {sentence}, colours on ±{number(limit)}" for label, sentence, limit in units]
    lines = text.split("\n")
    return (f"The passage of {len(text)} characters in {len(lines)} lines, beginning "
            f"{text[:40]!r}, shown {len(shown)} times; in each copy every character's background is "
            f"coloured by one unit's cell state after reading it, blue below 0, white at 0, red above. "
            f"{'; '.join(shown)}.")


def scalar_graph(shown: list[str]) -> str:
    """The two-path scalar graph at several settings; ``shown``: each diagram's sentence."""
    return ("Diagram of the graph t = tanh s, h = o·t, n = f·s, L = h + n, each node with its value and "
            "gradient and each edge as wide as the gradient flowing back along it: s reaches L along two "
            "paths, through h and through n, and ∂L/∂s is their sum, o·(1 - t²) + f. "
            f"At {'; at '.join(shown)}.")


def gradcheck(errors: dict, threshold: float) -> str:
    names = list(errors)
    values = np.maximum([errors[n] for n in names], 1e-18)
    return (f"Bar chart, on a log scale, of the relative error between the backward pass and finite "
            f"differences for {', '.join(names)}, with the pass line at {threshold:.0e}: "
            f"{int(np.sum(values < threshold))} of {len(names)} below it; the largest is {number(values.max())}, "
            f"for {names[int(np.argmax(values))]}.")


def backward_step(sizes: dict | None) -> str:
    """The backward-step diagram; ``sizes``: the norm of each gradient of one real step, or None."""
    text = ("Flow diagram of one backward step t, read from right to left. Arriving from the right: g_t from the "
            "loss and δh_next from step t+1, summed into δh_t = g_t + δh_next; and path 2, δS_{t+1} ⊙ f_{t+1}, "
            "from step t+1 through its keep gate. δh_t reaches S_t along path 1, as "
            "δh_t ⊙ o_t ⊙ (1 - tanh²(S_t)); the two paths add up to δS_t. From δS_t: δa_t = δS_t ⊙ i_t, "
            "δi_t = δS_t ⊙ a_t, δf_t = δS_t ⊙ S_{t-1}; from δh_t: δo_t = δh_t ⊙ tanh(S_t). Each, times the slope "
            "of its activation, is one block of δZ_t: δZ_a = δa_t ⊙ (1 - a_t²), δZ_i = δi_t ⊙ i_t(1 - i_t), "
            "δZ_f = δf_t ⊙ f_t(1 - f_t), δZ_o = δo_t ⊙ o_t(1 - o_t). δZ_t goes two ways: δI_t = Wᵀ δZ_t, split "
            "into δx_t (down, to the input) and its last H entries, W_hᵀ δZ_t, handed back to step t-1 as its "
            "δh_next; and δW += δZ_t I_tᵀ, δb += δZ_t, summed over every step. δS_t ⊙ f_t is handed back to "
            "step t-1 as its path 2.")
    if sizes:
        text += " Norms over the units (and the batch) of one real step: " + ", ".join(
            f"{name} {number(sizes[key])}" for key, name in STEP_GRADS.items() if key in sizes) + "."
    return text


def name_map(parts: str, orders: str) -> str:
    """The cell labelled with five sets of names; ``parts`` and ``orders`` list them in words."""
    return ("Diagram of one LSTM cell (x_t and h_{t-1} feed the candidate and the gates i, f, o; S_t = "
            "a ⊙ i + f ⊙ S_{t-1}; h_t = o ⊙ tanh(S_t)), each part labelled with our name and the names "
            f"of Olah (2015), CS231n, PyTorch and Keras. {parts}. The four gate blocks of the weights, "
            f"in order: {orders}.")


def gate_products(shown: str) -> str:
    """The LSTM's product of f beside the GRU's product of z; ``shown``: the panels' sentences."""
    return ("Log-scale line charts, one row per setting, against the distance back from the loss: left "
            "the LSTM's ‖δS_t‖ (solid) and what path 2 alone carries, the product of keep gates f "
            "(dotted); right the GRU's ‖δh_t‖ (solid) and what its direct path alone carries, the "
            f"product of update gates z (dotted), each relative to its size at the last step. {shown}.")


__all__ = [
    "describe",
    "description",
    "number",
    "power_of_ten",
    "CELL_WORDS",
    "backward_step",
    "cell",
    "forward_steps",
    "gate_gradient_steps",
    "gate_products",
    "gradcheck",
    "gradient_decay",
    "gradient_paths",
    "keep_bias_sweep",
    "loss_curve",
    "name_map",
    "predictions",
    "runs",
    "scalar_graph",
    "temperatures",
    "text_units",
    "training_curves",
    "weight_accumulation",
]
