"""Notebook 07's figures, numbers and stepper: from this course to PyTorch, Keras and CS231n,
and the GRU beside the LSTM.

- :func:`plot_name_map`: the LSTM cell with our names and, beside each part, the names of
  Olah (2015), CS231n, PyTorch and Keras;
- :func:`comparison_problem`, :func:`torch_run`, :func:`stored_torch_results`,
  :func:`pytorch_runs`: the notebook's weights, PyTorch's results for them (live where
  PyTorch is installed, and as recorded by ``tools/record_torch_results.py`` in
  :mod:`lstm_core.figures.torch_results`, so that the notebook prints the same lines
  without PyTorch);
- :func:`gate_products`, :func:`plot_gate_products`, :func:`gate_product_explorer`: how
  much of the gradient goes back along the GRU's direct path (a product of update gates
  ``z``) beside the LSTM's path 2 (a product of keep gates ``f``), on notebook 05's problem.

PyTorch is never imported here unless :func:`torch_run` is called.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FixedLocator, NullFormatter

from ..gru import GRUParams, gru_backward, gru_forward, init_gru_params
from ..layouts import gru_to_torch, to_torch
from ..lessons.measures import gradient_decay
from ..params import LSTMParams
from . import alt_text
from .alt_text import describe, power_of_ten
from .decay_panels import sci
from .diagram import BOX_Y, GATE_X, PLUS_X, RIGHT, S_Y, CellDiagram
from .labels import CONTROLS, GATE_PRODUCTS
from .stepper import FigureStepper, stepper_figure, styled
from .style import GATE_COLORS, PATH_COLORS, STATE_COLORS, autograding
from .widgets import length_slider

# ------------------------------------------------------------------------ the name map

#: each part of the cell: our name, then (text, reference) pairs: Olah 2015, CS231n, PyTorch, Keras
NAMES = {
    "f": ("keep gate $f_t$", ("forget gate $f_t$", "Olah, PyTorch"), ("forget gate f", "CS231n, Keras")),
    "i": ("input gate $i_t$", ("$i_t$", "Olah, PyTorch"), ("i", "CS231n, Keras")),
    "a": ("candidate $a_t$", ("$\\tilde{C}_t$", "Olah"), ("$g_t$", "PyTorch"), ("g", "CS231n"), ("c", "Keras")),
    "o": ("output gate $o_t$", ("$o_t$", "Olah, PyTorch"), ("o", "CS231n, Keras")),
    "S": ("cell state $S_t$", ("$C_t$", "Olah"), ("$c_t$", "PyTorch"), ("next_c", "CS231n"), ("carry c", "Keras")),
    "h": ("hidden output $h_t$", ("$h_t$", "Olah, PyTorch"), ("next_h", "CS231n"), ("h", "Keras")),
}
ORDERS = (("ours, rows of W", "a, i, f, o"), ("PyTorch, rows", "i, f, g, o"), ("Keras, columns", "i, f, c, o"),
          ("CS231n, columns", "i, f, o, g"))


def _plain(text: str) -> str:
    """A label as plain words for the alt text: ``$\\tilde{C}_t$`` -> ``C̃_t``."""
    return (text.replace("$\\tilde{C}_t$", "C̃_t").replace("$", "").replace("\\", ""))


def _callout(ax, xy, anchor, name: str, color: str):
    """A box of names at ``xy``, joined by a thin line to the part it names, at ``anchor``."""
    ours, *theirs = NAMES[name]
    lines = [f"ours: {ours}"] + [f"{text}  ({who})" for text, who in theirs]
    ax.annotate("\n".join(lines), xy=anchor, xytext=xy, ha="center", va="center", fontsize=10.5, zorder=7,
                linespacing=1.35, bbox=dict(boxstyle="round,pad=0.4", facecolor="white", edgecolor=color, lw=2),
                arrowprops=dict(arrowstyle="-", color=color, lw=1.5, shrinkA=0, shrinkB=4))


def plot_name_map():
    """One LSTM cell, each part labelled with our name and with Olah's, CS231n's, PyTorch's and Keras's."""
    fig, ax = plt.subplots(figsize=(13.5, 8.2))
    CellDiagram(ax)
    for text in ax.texts:  # the note on I_t and Z_t: this figure is about names, and its callouts cross it
        if "I_t" in text.get_text():
            text.set_visible(False)
    ax.set_xlim(-5.2, 15.4)
    ax.set_ylim(-4.3, 8.9)
    gate_top = BOX_Y - 0.45
    callouts = {  # name: (where the box goes, what it points at, colour)
        "f": ((-2.6, -1.9), (GATE_X["f"], gate_top), GATE_COLORS["f"]),
        "i": ((2.0, -2.9), (GATE_X["i"], gate_top), GATE_COLORS["i"]),
        "a": ((7.0, -2.6), (GATE_X["a"], gate_top), GATE_COLORS["a"]),
        "o": ((12.3, -1.6), (GATE_X["o"] + 0.45, BOX_Y - 0.3), GATE_COLORS["o"]),
        "S": ((5.6, 7.7), (PLUS_X + 1.6, S_Y), STATE_COLORS["s"]),
        "h": ((12.6, 2.9), (RIGHT + 0.7, BOX_Y), STATE_COLORS["h"]),
    }
    for name, (xy, anchor, color) in callouts.items():
        _callout(ax, xy, anchor, name, color)
    order_text = "the four blocks of the weights, in order:\n" + "\n".join(f"{who}: {order}" for who, order in ORDERS)
    ax.text(-5.0, 7.9, order_text, ha="left", va="top", fontsize=10.5, linespacing=1.35,
            bbox=dict(boxstyle="round,pad=0.4", facecolor="0.96", edgecolor="0.6"))
    ax.set_title("one LSTM cell, five sets of names")
    fig.tight_layout()
    parts = "; ".join(f"{_plain(NAMES[name][0])}: " + ", ".join(f"{_plain(text)} in {who}" for text, who in
                                                               NAMES[name][1:]) for name in NAMES)
    orders = "; ".join(f"{who} {order}" for who, order in ORDERS)
    return describe(fig, alt_text.name_map(parts, orders))


# ------------------------------------------------------------ the same numbers as PyTorch


@dataclass(frozen=True, eq=False)
class ComparisonProblem:
    """The weights and data that notebook 07 compares with PyTorch: a batch of B sequences.

    ``lstm`` (LSTMParams, D = 3, H = 4) and ``gru`` (GRUParams, same sizes) have non-zero
    biases; ``x`` (T, B, D), ``h0``, ``s0`` (B, H) and ``dh_loss`` (T, B, H), the loss's
    direct terms ``g_t`` of ``L = Σ_t g_t · h_t``.
    """

    lstm: LSTMParams
    gru: GRUParams
    x: np.ndarray
    h0: np.ndarray
    s0: np.ndarray
    dh_loss: np.ndarray


def comparison_problem(seed: int = 7, T: int = 6, B: int = 2, D: int = 3, H: int = 4) -> ComparisonProblem:
    """Seeded weights (drawn here, not by an initialiser) and data for the comparison with PyTorch."""
    rng = np.random.default_rng(seed)
    lstm = LSTMParams(rng.normal(0, 0.5, (4 * H, D + H)), rng.normal(0, 0.5, 4 * H))
    gru = GRUParams(rng.normal(0, 0.5, (3 * H, D)), rng.normal(0, 0.5, (3 * H, H)), rng.normal(0, 0.5, 3 * H),
                    rng.normal(0, 0.5, 3 * H))
    return ComparisonProblem(lstm, gru, rng.standard_normal((T, B, D)), rng.standard_normal((B, H)),
                             rng.standard_normal((B, H)), rng.standard_normal((T, B, H)))


#: what PyTorch reports for each cell: h, the input and initial-state gradients, and each parameter's gradient
RESULT_NAMES = {"lstm": ("h", "dx", "dh0", "dc0", "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"),
                "gru": ("h", "dx", "dh0", "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")}


def torch_available() -> bool:
    """Whether PyTorch can be imported (without importing it)."""
    return importlib.util.find_spec("torch") is not None


def torch_run(problem: ComparisonProblem | None = None) -> dict[str, dict[str, np.ndarray]]:
    """PyTorch's ``nn.LSTM`` and ``nn.GRU`` (float64) on ``problem``, our weights loaded in.

    Returns ``{"lstm": {...}, "gru": {...}}`` with the names of :data:`RESULT_NAMES`: ``h``
    (T, B, H), ``dx`` (T, B, D), ``dh0`` and (LSTM) ``dc0`` (B, H), and the gradient of
    each parameter under its PyTorch name (autograd, for the loss ``Σ_t g_t · h_t``).
    Needs PyTorch (the ``torch`` extra).
    """
    import torch

    problem = comparison_problem() if problem is None else problem
    D, H = problem.lstm.input_size, problem.lstm.hidden_size
    results = {}
    for cell, module, state, initial in (
            ("lstm", torch.nn.LSTM(D, H, dtype=torch.float64), to_torch(problem.lstm), (problem.h0, problem.s0)),
            ("gru", torch.nn.GRU(D, H, dtype=torch.float64), gru_to_torch(problem.gru), (problem.h0,))):
        module.load_state_dict({name: torch.from_numpy(np.ascontiguousarray(value)) for name, value in state.items()})
        x = torch.tensor(problem.x, requires_grad=True)
        states = [torch.tensor(value[None], requires_grad=True) for value in initial]  # (1, B, H): one layer
        h, _ = module(x, tuple(states) if cell == "lstm" else states[0])
        h.backward(torch.from_numpy(problem.dh_loss))  # L = Σ_t g_t · h_t, so ∂L/∂h_t = g_t
        found = {"h": h.detach().numpy(), "dx": x.grad.numpy(), "dh0": states[0].grad[0].numpy()}
        if cell == "lstm":
            found["dc0"] = states[1].grad[0].numpy()
        found.update({name: parameter.grad.numpy() for name, parameter in module.named_parameters()})
        results[cell] = {name: np.array(found[name], dtype=np.float64) for name in RESULT_NAMES[cell]}
    return results


def stored_torch_results() -> dict[str, dict[str, np.ndarray]]:
    """PyTorch's results for :func:`comparison_problem`, as ``tools/record_torch_results.py`` recorded them."""
    from .torch_results import RESULTS

    return {cell: {name: np.array(RESULTS[cell][name], dtype=np.float64) for name in RESULT_NAMES[cell]}
            for cell in RESULT_NAMES}


def recorded_with() -> str:
    """The PyTorch version that recorded :func:`stored_torch_results`."""
    from .torch_results import RESULTS

    return RESULTS["torch"]


def pytorch_runs(problem: ComparisonProblem | None = None) -> list[dict[str, dict[str, np.ndarray]]]:
    """PyTorch's results: the stored ones, and a live run where PyTorch is installed (then two)."""
    runs = [stored_torch_results()]
    if torch_available() and not autograding():  # live, except while nbgrader grades (nobody reads it then)
        runs.append(torch_run(problem))
    return runs


# ------------------------------------------------- the GRU's z beside the LSTM's f, over time


def gru_gradient_decay(T: int = 100, update_bias: float = 0.0, scale: float = 1.0, hidden_size: int = 16,
                       input_size: int = 4, seed: int = 0, input_scale: float = 0.1) -> dict[str, np.ndarray]:
    """How far back the gradient of a last-step loss reaches in a GRU: notebook 05's problem.

    The inputs, the loss ``L = g · h_T`` and the weights' range are those of
    :func:`lstm_core.lessons.measures.gradient_decay`; the GRU's weights come from
    :func:`~lstm_core.init_gru_params` with that seed, and ``update_bias`` is its update
    gate's bias ``b_z`` (in ``b_x``'s z block). Returns, by distance back from the last
    step (``distance`` (T,) = T - t), each relative to its size at the last step:

    - ``gru``: ``‖δh_t‖``;
    - ``direct``: ``‖δh_T ⊙ z_T ⊙ z_{T-1} ⊙ … ⊙ z_{t+1}‖``, what the direct path alone would carry back;

    and ``mean_z``, the mean update gate over every step and unit.
    """
    rng = np.random.default_rng(seed)  # the draws of gradient_decay, in its order
    x = input_scale * rng.standard_normal((T, input_size))
    g = rng.standard_normal(hidden_size)
    dh_loss = np.zeros((T, hidden_size))
    dh_loss[-1] = g / np.linalg.norm(g)
    params = init_gru_params(input_size, hidden_size, seed=seed, scale=scale / np.sqrt(hidden_size))
    b_x = params.b_x.copy()
    b_x[hidden_size:2 * hidden_size] = update_bias  # b_z, the update gate's bias
    params = GRUParams(params.W_x, params.W_h, b_x, params.b_h)
    with np.errstate(all="ignore"):
        trace = gru_forward(params, x)
        grads = gru_backward(trace, dh_loss)
        z_after = np.ones((T, hidden_size))  # z_after[k] = z_{k+2} ⊙ … ⊙ z_T, the update gates after step k + 1
        z_after[:-1] = np.cumprod(trace.z[:0:-1], axis=0)[::-1]
        return {"distance": np.arange(T), "gru": _by_distance(grads.dh), "direct": _by_distance(grads.dh[-1] * z_after),
                "mean_z": float(trace.z.mean())}


def _by_distance(values):
    """(T, H) -> (T,) sizes, last step first, relative to the last step's."""
    sizes = np.linalg.norm(values, axis=1)[::-1]
    return sizes / sizes[0]


def gate_products(T: int = 100, bias: float = 0.0, scale: float = 1.0, hidden_size: int = 16, input_size: int = 4,
                  seed: int = 0, input_scale: float = 0.1) -> dict:
    """The LSTM (keep bias ``b_f`` = ``bias``) and the GRU (update bias ``b_z`` = ``bias``) on notebook 05's problem.

    ``{"distance", "lstm", "carousel", "mean_f", "gru", "direct", "mean_z"}``: the LSTM's
    ``‖δS_t‖`` and path 2 alone (the product of keep gates) from
    :func:`lstm_core.lessons.measures.gradient_decay`, the GRU's from :func:`gru_gradient_decay`,
    and the mean keep and update gates.
    """
    sizes = dict(T=T, scale=scale, hidden_size=hidden_size, input_size=input_size, seed=seed, input_scale=input_scale)
    lstm = gradient_decay(keep_bias=bias, **sizes)
    gru = gru_gradient_decay(update_bias=bias, **sizes)
    return {"distance": lstm["distance"], "bias": float(bias), "lstm": lstm["lstm"], "carousel": lstm["carousel"],
            "mean_f": float(lstm["mean_f"]), "gru": gru["gru"], "direct": gru["direct"], "mean_z": gru["mean_z"]}


@lru_cache(maxsize=128)
def _kept_gate_products(T: int, bias: float) -> dict:
    """:func:`gate_products` at the explorer's settings, each computed once (read only: shared by the panels)."""
    return gate_products(T, bias)


class GateProducts:
    """One network's gradient against the distance back, log scale: the total and what the gate product carries.

    ``kind`` is ``"lstm"`` (``‖δS_t‖`` and path 2 alone, the product of ``f``) or ``"gru"``
    (``‖δh_t‖`` and the direct path alone, the product of ``z``). The y axis is fixed
    (``LOW`` … ``HIGH``), and so is the x axis (0 … ``T_max`` - 1), so that a slider only redraws the
    curves; values outside are
    pinned to the edge and marked "off the axis" in the title, which says where each curve ends.
    """

    LOW, HIGH = 1e-45, 1e5

    def __init__(self, ax, kind: str, T_max: int = 200, ylabel: bool = True):
        if kind not in GATE_PRODUCTS:
            raise ValueError(f"kind must be one of {sorted(GATE_PRODUCTS)}, got {kind!r}")
        self.ax, self.kind, self.labels = ax, kind, GATE_PRODUCTS[kind]
        (total, total_label), (product, product_label) = self.labels.items()
        self.lines = {total: ax.plot([], [], color=STATE_COLORS["s"], lw=2.4, label=total_label.math)[0],
                      product: ax.plot([], [], color=PATH_COLORS["via_next"], lw=3.0, ls=":",
                                       label=product_label.math)[0]}
        ax.set_yscale("log")
        ax.set_xlim(0, T_max - 1)
        ax.set_ylim(self.LOW, self.HIGH)
        ax.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(-40, 1, 10)))
        ax.yaxis.set_minor_locator(FixedLocator(10.0 ** np.arange(-45, 6, 5)))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.axhline(1.0, color="0.6", lw=1, zorder=0.5)
        ax.set_xlabel("steps back from the loss, $T - t$")
        if ylabel:
            ax.set_ylabel("size relative to the last step")
        ax.legend(loc="lower left", frameon=False, fontsize=11).set_zorder(-1)  # drawn first, under the curves
        self.moving = [*self.lines.values(), ax.title]

    def scenery(self) -> dict:
        return {}

    def update(self, curves: dict) -> None:
        """``curves`` as :func:`gate_products` returns them; the title says where each curve ends."""
        distance = curves["distance"]
        for key, line in self.lines.items():
            shown = np.nan_to_num(curves[key], nan=self.HIGH, posinf=self.HIGH)
            line.set_data(distance, np.clip(shown, self.LOW, self.HIGH))
        outside = [self.labels[key].words for key in self.lines
                   if not (self.LOW <= np.nanmin(curves[key]) and np.nanmax(curves[key]) <= self.HIGH)]
        # plain text, not mathtext: a title that changes with the sliders would be parsed anew each time
        if self.kind == "lstm":
            head = f"LSTM, bias {curves['bias']:g}: path 2 multiplies by f (mean {curves['mean_f']:.2f})"
        else:
            head = f"GRU, bias {curves['bias']:g}: the direct path multiplies by z (mean {curves['mean_z']:.2f})"
        total, product = (f"{self.labels[key].words} {sci(curves[key][-1])}"
                          + (" (off the axis)" if self.labels[key].words in outside else "") for key in self.lines)
        self.ax.set_title(f"{head}\n{len(distance) - 1} steps back: {total},\n{product}", fontsize=12)


    def describe(self, curves: dict) -> str:
        """Where the two curves end, as powers of ten, and the mean gate."""
        return _curve_ends(self.kind, curves)


def _curve_ends(kind: str, curves: dict) -> str:
    """Where one network's two curves end, in words."""
    if kind == "lstm":
        return (f"T = {len(curves['distance'])}, gate bias {curves['bias']:+.1f}: "
                f"{len(curves['distance']) - 1} steps back, the LSTM's ‖δS_t‖ is about "
                f"{power_of_ten(curves['lstm'][-1])} of its size at the last step and path 2 alone (the product "
                f"of f) {power_of_ten(curves['carousel'][-1])}, mean f {curves['mean_f']:.2f};")
    return (f"the GRU's ‖δh_t‖ about {power_of_ten(curves['gru'][-1])} and the direct path alone (the product "
            f"of z) {power_of_ten(curves['direct'][-1])}, mean z {curves['mean_z']:.2f}")


def plot_gate_products(runs: list[dict]):
    """One row per setting in ``runs`` (each from :func:`gate_products`): the LSTM left, the GRU right."""
    T = max(len(curves["distance"]) for curves in runs)
    fig, axes = plt.subplots(len(runs), 2, figsize=(12, 4.2 * len(runs)), sharey=True, squeeze=False)
    drawn = []
    for row, curves in zip(axes, runs):
        panels = [GateProducts(ax, kind, T_max=T, ylabel=ax is row[0]) for ax, kind in zip(row, GATE_PRODUCTS)]
        for panel in panels:
            panel.update(curves)
        drawn.append((panels, curves))
    fig.suptitle("how far back the gradient of $L = g \\cdot h_T$ reaches: the product of $f$ and the product of $z$")
    fig.tight_layout()
    shown = "; ".join(" ".join(panel.describe(curves) for panel in panels) for panels, curves in drawn)
    return describe(fig, alt_text.gate_products(shown))


@styled
def gate_product_explorer(T: int = 100, T_max: int = 200) -> FigureStepper:
    """The LSTM's path 2 (product of ``f``) beside the GRU's direct path (product of ``z``), on notebook 05's problem.

    Controls: ``T`` (sequence length) and ``bias`` (the LSTM's keep bias ``b_f`` and the
    GRU's update bias ``b_z``, moved together). Each setting is computed once and kept.
    """
    controls = {"T": length_slider(T, T_max),
                "bias": widgets.FloatSlider(value=0.0, min=-2.0, max=8.0, step=0.5,
                                            description=CONTROLS["bias"], continuous_update=False,
                                            style={"description_width": "initial"},
                                            layout=widgets.Layout(width="420px"))}
    fig = stepper_figure(11, 4.9)
    left = fig.add_subplot(1, 2, 1)
    right = fig.add_subplot(1, 2, 2, sharey=left)
    panels = {"lstm": GateProducts(left, "lstm", T_max=T_max), "gru": GateProducts(right, "gru", T_max=T_max,
                                                                                  ylabel=False)}

    def compute(setting):
        curves = _kept_gate_products(setting["T"], float(setting["bias"]))
        return {"lstm": curves, "gru": curves}

    return FigureStepper(fig, controls, [["T", "bias"]], panels, compute, readout=["lstm", "gru"], frames="T")


__all__ = [
    "ComparisonProblem",
    "GateProducts",
    "RESULT_NAMES",
    "comparison_problem",
    "gate_product_explorer",
    "gate_products",
    "gru_gradient_decay",
    "plot_gate_products",
    "plot_name_map",
    "pytorch_runs",
    "recorded_with",
    "stored_torch_results",
    "torch_available",
    "torch_run",
]
