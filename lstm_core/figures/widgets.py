"""Interactive figures for the notebooks, assembled from the panels (:class:`~lstm_core.figures.panel.Panel`).

Every builder here can be called with no arguments and returns a
:class:`~lstm_core.figures.stepper.FigureStepper`, an ``ipywidgets.VBox`` whose ``.children``
are rows of controls, an ``ipywidgets.Image`` showing the figure, and a line of text
saying what it shows (``stepper.readout_text``), for screen readers too. The time
steppers have a ``Play`` button linked to a slider ``t``; every builder's controls are
also in ``stepper.controls``, by name.

The figure is built once. A control change recomputes what it must (a new forward and
backward pass only when a parameter changed, each setting's results kept), gives each
panel its data, and renders the figure to PNG for the image; the line of text is the
panels' ``describe`` of the same data. This needs no particular matplotlib backend, so the
same widget works in JupyterLab, Notebook, VS Code and Voilà; ``stepper.figure`` and
``stepper.panels`` let tests check what is shown.
"""

from __future__ import annotations

import functools
from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from .._checks import positive_int
from ..lessons.data import CharVocab, lesson_problem, load_text
from ..lessons.measures import (
    gate_gradient_norms,
    gradient_decay,
    path_norms,
    path_sizes,
    unit_history,
    unit_quantity,
    unit_values,
    weight_gradient_shares,
)
from ..params import LSTMParams, gate_slice, init_params
from ..sequence import lstm_backward, lstm_forward
from .decay_panels import Decay, DecayCurves
from .diagram import CellDiagram, CellState
from .explosions import WarningText, explosion_message
from .gate_panels import (
    GateBars,
    GateGradientHeatmap,
    GateNorms,
    GateValues,
    Heatmap,
    KeepGate,
    Matrix,
    SigmoidSlope,
    UnitHistory,
    UnitSeries,
    label_gate_blocks,
)
from .graph_diagram import ScalarGraphDiagram
from .labels import CONTROLS, TEXT_QUANTITIES
from .path_panels import FlowBars, PathFlow, PathUnits, UnitPaths
from .scales import colour_limit, nice_limit, symmetric_limit
from .stepper import FigureStepper, stepper_figure, stops_slider, styled
from .text_panels import Along, TextColors, TextValues, ValueAlongText, labelled_units, text_rows
from .weight_panels import Contributions, Reached

MODES = [("full LSTM", False), ("linear (the article's simplification)", True)]


def _time_controls(T: int, backward: bool = False) -> dict:
    """A ``Play`` button linked (in Python, so it also works without a browser) to a slider ``t``.

    Forward, Play counts t = 1, 2, ..., T; backward it counts t = T, T-1, ..., 1.
    """
    T = positive_int("T", T)
    t = widgets.IntSlider(value=T if backward else 1, min=1, max=T, description=CONTROLS["t"],
                          continuous_update=True, layout=widgets.Layout(width="420px"))
    play = widgets.Play(value=0, min=0, max=T - 1, step=1, interval=800, description=CONTROLS["play"],
                        show_repeat=False)
    if backward:
        widgets.link((play, "value"), (t, "value"), transform=(lambda k: T - k, lambda v: T - v))
    else:
        widgets.link((play, "value"), (t, "value"), transform=(lambda k: k + 1, lambda v: v - 1))
    return {"play": play, "t": t}


#: the stops of notebook 00's sliders s, o and f: -2 to 2 by 0.05
SCALAR_STEP = 0.05
SCALAR_STOPS = [round(SCALAR_STEP * k, 2) for k in range(-40, 41)]


def length_slider(T: int, T_max: int) -> widgets.SelectionSlider:
    """A sequence length ``T`` from 10 to ``T_max`` by tens (its position can carry frames)."""
    T_max = positive_int("T_max", T_max)
    return stops_slider(range(10, T_max + 1, 10), T, CONTROLS["T"], continuous_update=True)


def _mode_toggle() -> widgets.ToggleButtons:
    return widgets.ToggleButtons(options=MODES, value=False, description=CONTROLS["mode"],
                                 style={"button_width": "auto"})


def _scale_slider() -> widgets.FloatLogSlider:
    return widgets.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.05, description=CONTROLS["scale"],
                                  continuous_update=False, readout_format=".2f")


def _keep_bias_slider(value: float = 0.0, limit: float = 6.0) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=-limit, max=limit, step=0.5, description=CONTROLS["keep_bias"],
                               continuous_update=False, style={"description_width": "initial"})


_problem = lru_cache(maxsize=64)(lesson_problem)  # sliders revisit the same settings


@lru_cache(maxsize=64)  # moving only ``t`` needs no new forward and backward pass
def _trace_and_grads(T, input_size, hidden_size, seed, scale=1.0, keep_bias=0.0, linear=False, last_only=False):
    params, x, dh = _problem(T, input_size, hidden_size, seed, float(scale), float(keep_bias))
    trace = lstm_forward(params, x, linear=linear)
    dh = dh.copy()
    if last_only:
        dh[:-1] = 0.0
    return trace, lstm_backward(trace, dh)


@styled
def forward_stepper(T: int = 12, input_size: int = 2, hidden_size: int = 3, seed: int = 0) -> FigureStepper:
    """Step through the forward pass: the cell with one unit's values, all gates, and the history.

    Controls: ``play``, ``t`` (step), ``mode`` (full LSTM or the article's linear
    simplification), ``unit`` (which unit the diagram and history show), ``scale``
    (multiplies the initial weights).
    """
    controls = {**_time_controls(T), "mode": _mode_toggle(),
                "unit": widgets.Dropdown(options=[(f"unit {j + 1}", j) for j in range(hidden_size)], value=0,
                                         description=CONTROLS["unit"], layout=widgets.Layout(width="180px")),
                "scale": _scale_slider()}
    fig = stepper_figure(11, 7.4)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.25, 1], height_ratios=[1.25, 1])
    panels = {
        "diagram": CellDiagram(fig.add_subplot(grid[0, 0])),
        "gates": GateBars(fig.add_subplot(grid[0, 1]), hidden_size, ylabel="gate value"),
        "history": UnitHistory(fig.add_subplot(grid[1, :]), T),
        "warning": WarningText(fig),
    }

    def compute(setting):
        trace, _ = _trace_and_grads(T, input_size, hidden_size, seed, setting["scale"], linear=setting["mode"])
        t, j = setting["t"], setting["unit"]
        message = explosion_message(np.concatenate([trace.s, trace.h], axis=-1), what="forward pass")
        title = f"step t = {t}, unit {j + 1}"
        if message:
            return {"diagram": CellState(title=title, t=t, unit=j), "gates": None, "history": None, "warning": message}
        lim = 1.05 if not setting["mode"] else nice_limit(symmetric_limit(trace.gates))
        return {"diagram": CellState(unit_values(trace, t - 1, j), title=title, t=t, unit=j),
                "gates": GateValues(trace.gates[t - 1], (-lim, lim), j, f"gates of all {hidden_size} units at step t"),
                "history": UnitSeries(unit_history(trace, j), t, j, f"unit {j + 1} so far: steps 1 … t"),
                "warning": None}

    return FigureStepper(fig, controls, [["play", "t", "unit"], ["mode"], ["scale"]], panels, compute,
                         readout=["diagram", "warning"], frames="t")


@styled
def state_gradient_stepper(T: int = 12, input_size: int = 2, hidden_size: int = 3, seed: int = 0) -> FigureStepper:
    """Walk the backward pass from t = T down to 1 and watch the two paths into ``S_t``.

    The loss is ``L = Σ_t g_t · h_t`` for fixed random ``g_t`` (so ``∂L/∂h_t = g_t``), or
    only its last term. Controls: ``play``, ``t``, ``mode``, ``loss`` (every step or
    the last only), ``keep_bias`` (the keep gate's bias ``b_f``; every bias of the linear
    model is zero, b = 0, as in the article, so it is disabled there), ``scale``.
    """
    controls = {**_time_controls(T, backward=True), "mode": _mode_toggle(),
                "loss": widgets.ToggleButtons(options=[("loss at every step", False), ("loss at the last step", True)],
                                              value=False, description=CONTROLS["loss"],
                                              style={"button_width": "auto"}),
                "keep_bias": _keep_bias_slider(), "scale": _scale_slider()}
    fig = stepper_figure(11, 7.6)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.3, 1], height_ratios=[1.2, 1])
    panels = {
        "diagram": CellDiagram(fig.add_subplot(grid[0, 0])),
        "units": PathUnits(fig.add_subplot(grid[0, 1]), hidden_size),
        "flow": FlowBars(fig.add_subplot(grid[1, :]), T),
        "warning": WarningText(fig),
    }

    @lru_cache(maxsize=64)  # what depends on the controls other than t: computed once per setting
    def run(mode, loss, keep_bias, scale):
        trace, grads = _trace_and_grads(T, input_size, hidden_size, seed, scale, keep_bias, mode, loss)
        message = explosion_message(trace.h, what="forward pass") or explosion_message(grads.ds, what="gradient δS")
        scale = max(max(path_sizes(grads, k).values()) for k in range(T))
        limit = symmetric_limit(np.concatenate([grads.ds_via_h.ravel(), grads.ds_via_next.ravel(), grads.ds.ravel()]))
        return grads, message, scale, limit, path_norms(grads)

    def compute(setting):
        # Every bias of the article's linear model is zero: the keep-bias slider applies to the full LSTM only.
        controls["keep_bias"].disabled = setting["mode"]
        keep_bias = 0.0 if setting["mode"] else setting["keep_bias"]
        grads, message, scale, limit, norms = run(setting["mode"], setting["loss"], keep_bias, setting["scale"])
        t = setting["t"]
        title = f"backward step t = {t}: δS = path 1 + path 2"
        if message:
            return {"diagram": CellState(shows="paths", title=title), "units": UnitPaths(None, None, t),
                    "flow": None, "warning": message}
        k = t - 1
        return {"diagram": CellState(sizes=path_sizes(grads, k), scale=scale, shows="paths", title=title),
                "units": UnitPaths(grads.ds_via_h[k], grads.ds_via_next[k], t, limit),
                "flow": PathFlow(*norms, t=t), "warning": None}

    return FigureStepper(fig, controls, [["play", "t"], ["mode"], ["loss"], ["keep_bias", "scale"]], panels, compute,
                         readout=["units", "warning"], frames="t")


@styled
def gate_gradient_explorer(T: int = 12, input_size: int = 2, hidden_size: int = 3, seed: int = 0) -> FigureStepper:
    """``δZ`` over time and gates, one step's blocks, and what the keep gate's bias does to them.

    Controls: ``play``, ``t``, ``keep_bias`` (``b_f``: large values saturate the keep
    gate, so ``f(1 - f)`` and with it ``δZ_f`` shrink).
    """
    controls = {**_time_controls(T, backward=True), "keep_bias": _keep_bias_slider(limit=8.0)}
    fig = stepper_figure(11, 7.4)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.3, 1], height_ratios=[0.9, 1])
    panels = {
        "heatmap": GateGradientHeatmap(fig.add_subplot(grid[0, :]), T),
        "step": GateBars(fig.add_subplot(grid[1, 0]), hidden_size, ylabel="$\\delta Z_t$"),
        "sigmoid": SigmoidSlope(fig.add_subplot(grid[1, 1])),
        "warning": WarningText(fig),
    }

    @lru_cache(maxsize=64)
    def run(keep_bias):
        trace, grads = _trace_and_grads(T, input_size, hidden_size, seed, 1.0, keep_bias)
        message = explosion_message(grads.dz, what="gradient δZ")
        return trace, grads, gate_gradient_norms(grads), colour_limit(grads.dz), message

    def compute(setting):
        trace, grads, norms, lim, message = run(setting["keep_bias"])
        t = setting["t"]
        return {"heatmap": GateNorms(norms, t),
                "step": GateValues(grads.dz[t - 1], ylim=(-lim, lim), title="δZ of every unit at step t (boxed above)"),
                "sigmoid": KeepGate(trace.z[t - 1][gate_slice("f", hidden_size)], setting["keep_bias"]),
                "warning": message}

    return FigureStepper(fig, controls, [["play", "t"], ["keep_bias"]], panels, compute,
                         readout=["heatmap", "sigmoid", "warning"], frames="t")


@styled
def weight_gradient_stepper(T: int = 12, input_size: int = 2, hidden_size: int = 3, seed: int = 0) -> FigureStepper:
    """Accumulate ``δW = Σ_t δZ_t I_tᵀ`` one step at a time, from t = T down to 1.

    Controls: ``play``, ``t`` (the running sum holds steps ``t .. T``).
    """
    controls = _time_controls(T, backward=True)
    _, grads = _trace_and_grads(T, input_size, hidden_size, seed)
    contributions, running = weight_gradient_shares(grads)  # (T, 4H, D+H) each
    limit = colour_limit(contributions, running)
    fig = stepper_figure(11, 7.2)
    grid = fig.add_gridspec(2, 2, height_ratios=[1.6, 1])
    panels = {"step": Heatmap(fig.add_subplot(grid[0, 0]), contributions[0].shape,
                              title="step t adds $\\delta Z_t I_t^\\top$"),
              "sum": Heatmap(fig.add_subplot(grid[0, 1]), contributions[0].shape),
              "contributions": Contributions(fig.add_subplot(grid[1, :]),
                                             np.linalg.norm(contributions.reshape(T, -1), axis=1))}
    for name in ("step", "sum"):
        label_gate_blocks(panels[name].ax, hidden_size, input_size)
    gaps = np.abs(running - grads.dW).max(axis=(1, 2))

    def compute(setting):
        t = setting["t"]
        return {"step": Matrix(contributions[t - 1], limit),
                "sum": Matrix(running[t - 1], limit, f"running sum over t = {t} … {T}"),
                "contributions": Reached(t, float(gaps[t - 1]))}

    return FigureStepper(fig, controls, [["play", "t"]], panels, compute, readout=["contributions"], frames="t")


@styled
def chain_rule_explorer(s: float = 0.5, o: float = 0.8, f: float = 0.6) -> FigureStepper:
    """The chain rule on a scalar graph where ``s`` reaches ``L`` along two paths.

    ``t = tanh s``, ``h = o·t``, ``n = f·s``, ``L = h + n``. Each node shows its value and
    its gradient ``δ = ∂L/∂node``; each edge its local derivative (``×…``), drawn as wide
    as the gradient flowing back along it. Controls: ``s``, ``o``, ``f``.
    """
    slider = functools.partial(widgets.FloatSlider, min=SCALAR_STOPS[0], max=SCALAR_STOPS[-1], step=SCALAR_STEP,
                               continuous_update=True)
    controls = {"s": stops_slider(SCALAR_STOPS, s, CONTROLS["s"], label="{:.2f}".format),  # s: with frames
                **{name: slider(value=value, description=CONTROLS[name]) for name, value in (("o", o), ("f", f))}}
    fig = stepper_figure(9.5, 5.6)
    panels = {"graph": ScalarGraphDiagram(fig.add_subplot())}

    def compute(setting):
        return {"graph": (setting["s"], setting["o"], setting["f"])}

    return FigureStepper(fig, controls, [["s", "o", "f"]], panels, compute, readout=["graph"], frames="s")


@styled
def gradient_decay_explorer(T: int = 100, T_max: int = 300) -> FigureStepper:
    """How far back the gradient of a last-step loss reaches: LSTM ``‖δS_t‖`` against RNN ``‖δh_t‖``.

    Controls: ``T`` (sequence length), ``keep_bias`` (the LSTM's ``b_f``), ``scale``
    (multiplies both networks' recurrent weights).
    """
    controls = {"T": length_slider(T, T_max),
                "keep_bias": _keep_bias_slider(value=0.0, limit=8.0),
                "scale": widgets.FloatLogSlider(value=1.0, base=2, min=-2, max=3, step=0.25,
                                                description=CONTROLS["scale"], continuous_update=False,
                                                readout_format=".2f")}
    fig = stepper_figure(10, 5.4)
    panels = {"curves": DecayCurves(fig.add_subplot(), T_max=T_max), "warning": WarningText(fig, y=0.62)}

    def compute(setting):
        decay = Decay(gradient_decay(setting["T"], float(setting["keep_bias"]), float(setting["scale"])),
                      f"T = {setting['T']}, keep bias {setting['keep_bias']:+.1f}, W ×{setting['scale']:.2f}")
        return {"curves": decay, "warning": panels["curves"].cut_off(decay)}

    return FigureStepper(fig, controls, [["T"], ["keep_bias", "scale"]], panels, compute,
                         readout=["curves", "warning"], frames="T")


def _character(char: str) -> str:
    return "newline" if char == "\n" else "space" if char == " " else repr(char)


def _text_model(params, vocab, text, units) -> tuple[LSTMParams, CharVocab, str, list[tuple[str, int]]]:
    """The text stepper's arguments, defaults filled in and checked; the unit dropdown's options."""
    vocab = CharVocab(load_text()) if vocab is None else vocab
    if not isinstance(vocab, CharVocab):
        raise TypeError(f"vocab must be a CharVocab, got {type(vocab).__name__}")
    params = init_params(input_size=len(vocab), hidden_size=8, seed=0) if params is None else params
    if not isinstance(params, LSTMParams):
        raise TypeError(f"params must be an LSTMParams, got {type(params).__name__}")
    if params.input_size != len(vocab):
        raise ValueError(f"params must read one-hot characters of vocab: input size {len(vocab)}, "
                         f"got {params.input_size}")
    text = load_text()[:180] if text is None else text
    if not isinstance(text, str) or len(text) < 2:
        raise ValueError("text must be a string of at least 2 characters")
    H = params.hidden_size
    first = labelled_units(units or [])
    if any(not 0 <= j < H for _, j in first):
        raise ValueError(f"units must be unit indices 0 … {H - 1}, got {[j for _, j in first]}")
    picked = {j for _, j in first}
    return params, vocab, text, first + [(f"unit {j + 1}", j) for j in range(H) if j not in picked]


@styled
def text_unit_stepper(params: LSTMParams | None = None, vocab: CharVocab | None = None, text: str | None = None,
                      units=None, width: int = 60) -> FigureStepper:
    """Inside a character model: ``text`` coloured by one unit's cell state or gate, step by step.

    The model ``params`` (trained on characters numbered by ``vocab``) reads ``text`` from
    ``h = S = 0``; each character's background shows the chosen unit's value after reading
    it, a box marks step t, and the cell diagram shows that step's numbers.

    Controls: ``play``, ``t`` (character), ``unit``, ``show`` (the cell state or a gate).
    ``units`` lists the dropdown's first entries, each a unit index or a ``(label, index)``
    pair (for example the units a measurement picked); every other unit follows. With no
    arguments: an untrained model (8 units) on the text's first lines.
    """
    params, vocab, text, options = _text_model(params, vocab, text, units)
    trace = lstm_forward(params, vocab.one_hot(vocab.encode(text)))  # (T, ·): one sequence
    T = len(text)
    controls = {**_time_controls(T),
                "unit": widgets.Dropdown(options=options, value=options[0][1], description=CONTROLS["unit"],
                                         layout=widgets.Layout(width="360px")),
                "show": widgets.ToggleButtons(options=[(label.words, key) for key, label in TEXT_QUANTITIES.items()],
                                              value="s", description=CONTROLS["show"], style={"button_width": "auto"})}
    rows = text_rows(text, width)
    fig = stepper_figure(11, 4.3 + 0.3 * rows)
    grid = fig.add_gridspec(2, 2, height_ratios=[0.3 * rows + 0.3, 4.0], width_ratios=[1, 1.1])
    panels = {"text": TextColors(fig.add_subplot(grid[0, :]), text, width=width),
              "diagram": CellDiagram(fig.add_subplot(grid[1, 0])),
              "along": ValueAlongText(fig.add_subplot(grid[1, 1]), T)}

    @lru_cache(maxsize=64)
    def along(quantity, j):
        values = unit_quantity(trace, quantity)[:, j]
        return values, nice_limit(symmetric_limit(values))

    def compute(setting):
        t, j, quantity = setting["t"], setting["unit"], setting["show"]
        name, (values_along, limit) = TEXT_QUANTITIES[quantity].words, along(quantity, j)
        values = unit_values(trace, t - 1, j)
        values.pop("x")  # a one-hot character: the title names it instead
        state = quantity == "s"
        return {"text": TextValues(values_along, "state" if state else "gate", limit, TEXT_QUANTITIES[quantity].math, t,
                                   f"unit {j + 1}'s {name} after each character (the box: step t)"),
                "diagram": CellState(values, title=f"step t = {t}: {_character(text[t - 1])}, unit {j + 1}", t=t,
                                     unit=j, where=f"t = {t}: {_character(text[t - 1])}, unit {j + 1}"),
                "along": Along(values_along, t, (-limit, limit) if state else (0, 1), name,
                               f"unit {j + 1}'s {name} along the passage")}

    return FigureStepper(fig, controls, [["play", "t"], ["unit", "show"]], panels, compute, readout=["diagram"],
                         frames="t")


# The builders: each takes no required argument and returns a FigureStepper.
__all__ = [
    "chain_rule_explorer",
    "forward_stepper",
    "gate_gradient_explorer",
    "gradient_decay_explorer",
    "state_gradient_stepper",
    "text_unit_stepper",
    "weight_gradient_stepper",
]
