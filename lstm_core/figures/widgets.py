"""Interactive figures for the notebooks, assembled from :mod:`lstm_core.figures.panels`.

Every builder here can be called with no arguments and returns a
:class:`~lstm_core.figures.stepper.FigureStepper`, an ``ipywidgets.VBox`` whose ``.children``
are rows of controls, an ``ipywidgets.Image`` showing the figure, and a line of text
saying what it shows (``stepper.readout_text``), for screen readers too. The time
steppers have a ``Play`` button linked to a slider ``t``; every builder's controls are
also in ``stepper.controls``, by name.

The figure is built once. A control change recomputes what it must (a new forward and
backward pass only when a parameter changed), updates the panels' artists, and renders
the figure to PNG for the image. This needs no particular matplotlib backend, so the
same widget works in JupyterLab, Notebook, VS Code and Voilà; ``stepper.figure`` and
``stepper.panels`` let tests check what is shown.
"""

from __future__ import annotations

import functools
from functools import lru_cache

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from .._checks import positive_int
from ..lessons.data import CharVocab, lesson_problem, load_text
from ..lessons.measures import (gate_gradient_norms, gradient_decay, path_norms, path_sizes, unit_history, unit_quantity,
                        unit_values, weight_gradient_shares)
from ..params import GATE_ORDER, LSTMParams, gate_slice, init_params
from ..sequence import lstm_backward, lstm_forward
from .alt_text import power_of_ten
from .diagram import CellDiagram
from .graph_diagram import ScalarGraphDiagram
from .panels import (
    DecayCurves,
    FlowBars,
    GateBars,
    GateGradientHeatmap,
    Heatmap,
    PathUnits,
    SigmoidSlope,
    TextColors,
    UnitHistory,
    ValueAlongText,
    WarningText,
    colour_limit,
    explosion_message,
    labelled_units,
    text_rows,
    label_gate_blocks,
    nice_limit,
    symmetric_limit,
)
from .stepper import FigureStepper, stepper_figure, styled
from .style import PATH_COLORS

MODES = [("full LSTM", False), ("linear (the article's simplification)", True)]


def _time_controls(T: int, backward: bool = False) -> dict:
    """A ``Play`` button linked (in Python, so it also works without a browser) to a slider ``t``.

    Forward, Play counts t = 1, 2, ..., T; backward it counts t = T, T-1, ..., 1.
    """
    T = positive_int("T", T)
    t = widgets.IntSlider(value=T if backward else 1, min=1, max=T, description="step t",
                          continuous_update=True, layout=widgets.Layout(width="420px"))
    play = widgets.Play(value=0, min=0, max=T - 1, step=1, interval=800, description="play",
                        show_repeat=False)
    if backward:
        widgets.link((play, "value"), (t, "value"), transform=(lambda k: T - k, lambda v: T - v))
    else:
        widgets.link((play, "value"), (t, "value"), transform=(lambda k: k + 1, lambda v: v - 1))
    return {"play": play, "t": t}


def _mode_toggle() -> widgets.ToggleButtons:
    return widgets.ToggleButtons(options=MODES, value=False, description="model",
                                 style={"button_width": "auto"})


def _scale_slider() -> widgets.FloatLogSlider:
    return widgets.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.05, description="W scale ×",
                                  continuous_update=False, readout_format=".2f")


def _keep_bias_slider(value: float = 0.0, limit: float = 6.0) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=-limit, max=limit, step=0.5, description="keep bias $b_f$",
                               continuous_update=False, style={"description_width": "initial"})


def _warned(panels: dict, message: str | None, blank: tuple[str, ...]) -> bool:
    """Show ``message`` (or clear the warning); if there is one, empty the ``blank`` panels.

    Values that exploded would draw nothing true, so the figure says so instead.
    """
    panels["warning"].update(message)
    if message:
        for name in blank:
            panels[name].clear()
    return bool(message)


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
                                         description="unit", layout=widgets.Layout(width="180px")),
                "scale": _scale_slider()}
    fig = stepper_figure(11, 7.4)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.25, 1], height_ratios=[1.25, 1])
    panels = {
        "diagram": CellDiagram(fig.add_subplot(grid[0, 0])),
        "gates": GateBars(fig.add_subplot(grid[0, 1]), hidden_size, ylabel="gate value", title="all units' gates"),
        "history": UnitHistory(fig.add_subplot(grid[1, :]), T, title="unit 1 so far"),
        "warning": WarningText(fig),
    }

    def update():
        setting = {name: control.value for name, control in controls.items()}
        trace, _ = _trace_and_grads(T, input_size, hidden_size, seed, setting["scale"], linear=setting["mode"])
        k, j = setting["t"] - 1, setting["unit"]
        message = explosion_message(np.concatenate([trace.s, trace.h], axis=-1), what="forward pass")
        panels["diagram"].ax.set_title(f"step t = {setting['t']}, unit {j + 1}")
        if _warned(panels, message, blank=("gates", "history")):
            panels["diagram"].show_values(None)
            return f"t = {setting['t']}: {message.splitlines()[0]}"
        values = unit_values(trace, k, j)
        panels["diagram"].show_values(values)
        lim = 1.05 if not setting["mode"] else nice_limit(symmetric_limit(trace.gates))
        panels["gates"].update(trace.gates[k], ylim=(-lim, lim))
        panels["gates"].highlight(j)
        panels["gates"].ax.set_title(f"gates of all {hidden_size} units at t = {setting['t']}")
        panels["history"].show(unit_history(trace, j), setting["t"])
        panels["history"].ax.set_title(f"unit {j + 1} so far: steps 1 … {setting['t']}")
        return (f"t = {setting['t']}, unit {j + 1}: a = {values['a']:.2f}, i = {values['i']:.2f}, "
                f"f = {values['f']:.2f}, o = {values['o']:.2f}; S = {values['s']:.2f}, h = {values['h']:.2f}")

    return FigureStepper(fig, controls, [["play", "t", "unit"], ["mode"], ["scale"]], update, panels)


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
                                              value=False, description="loss", style={"button_width": "auto"}),
                "keep_bias": _keep_bias_slider(), "scale": _scale_slider()}
    fig = stepper_figure(11, 7.6)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.3, 1], height_ratios=[1.2, 1])
    unit_ax = fig.add_subplot(grid[0, 1])
    panels = {
        "diagram": CellDiagram(fig.add_subplot(grid[0, 0])),
        "units": PathUnits(unit_ax, hidden_size),
        "flow": FlowBars(fig.add_subplot(grid[1, :]), T),
        "warning": WarningText(fig),
    }

    def update():
        setting = {name: control.value for name, control in controls.items()}
        # Every bias of the article's linear model is zero: the keep-bias slider applies to the full LSTM only.
        controls["keep_bias"].disabled = setting["mode"]
        keep_bias = 0.0 if setting["mode"] else setting["keep_bias"]
        trace, grads = _trace_and_grads(T, input_size, hidden_size, seed, setting["scale"], keep_bias, setting["mode"], setting["loss"])
        k = setting["t"] - 1
        message = explosion_message(trace.h, what="forward pass") or explosion_message(grads.ds, what="gradient δS")
        panels["diagram"].ax.set_title(f"backward step t = {setting['t']}: δS = path 1 + path 2")
        if _warned(panels, message, blank=("units", "flow")):
            panels["diagram"].show_gradient_paths(None)
            return f"t = {setting['t']}: {message.splitlines()[0]}"
        scale = max(max(path_sizes(grads, kk).values()) for kk in range(T))
        sizes = path_sizes(grads, k)
        panels["diagram"].show_gradient_paths(sizes, scale=scale)
        limit = symmetric_limit(np.concatenate([grads.ds_via_h.ravel(), grads.ds_via_next.ravel(), grads.ds.ravel()]))
        panels["units"].update(grads.ds_via_h[k], grads.ds_via_next[k], setting["t"], limit)
        panels["flow"].update(*path_norms(grads), t=setting["t"])
        via_h, via_next = grads.ds_via_h[k], grads.ds_via_next[k]
        return (f"t = {setting['t']}, unit 1: δS = {via_h[0] + via_next[0]:.2f} = path 1 {via_h[0]:.2f} + path 2 "
                f"{via_next[0]:.2f}; over all units, sizes path 1 {sizes['via_h']:.2f}, path 2 {sizes['via_next']:.2f}")

    return FigureStepper(fig, controls, [["play", "t"], ["mode"], ["loss"], ["keep_bias", "scale"]], update, panels)


@styled
def gate_gradient_explorer(T: int = 12, input_size: int = 2, hidden_size: int = 3, seed: int = 0) -> FigureStepper:
    """``δZ`` over time and gates, one step's blocks, and what the keep gate's bias does to them.

    Controls: ``play``, ``t``, ``keep_bias`` (``b_f``: large values saturate the keep
    gate, so ``f(1 - f)`` and with it ``δZ_f`` shrink).
    """
    controls = {**_time_controls(T, backward=True), "keep_bias": _keep_bias_slider(limit=8.0)}
    fig = stepper_figure(11, 7.4)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.3, 1], height_ratios=[0.9, 1])
    heat_ax = fig.add_subplot(grid[0, :])
    panels = {
        "heatmap": GateGradientHeatmap(heat_ax, T),
        "step": GateBars(fig.add_subplot(grid[1, 0]), hidden_size, ylabel="$\\delta Z_t$"),
        "sigmoid": SigmoidSlope(fig.add_subplot(grid[1, 1])),
        "warning": WarningText(fig),
    }
    marker = heat_ax.add_patch(Rectangle((-0.5, -0.5), 1, 4, fill=False, edgecolor="white", lw=3))
    panels["marker"] = marker

    def update():
        setting = {name: control.value for name, control in controls.items()}
        trace, grads = _trace_and_grads(T, input_size, hidden_size, seed, 1.0, setting["keep_bias"])
        k = setting["t"] - 1
        panels["heatmap"].show(gate_gradient_norms(grads))
        marker.set_x(k - 0.5)
        lim = colour_limit(grads.dz)
        panels["step"].update(grads.dz[k], ylim=(-lim, lim))
        panels["step"].ax.set_title(f"δZ of every unit at t = {setting['t']}")
        panels["sigmoid"].update(trace.z[k][gate_slice("f", hidden_size)], setting["keep_bias"])
        panels["warning"].update(explosion_message(grads.dz, what="gradient δZ"))
        sizes = ", ".join(f"δZ_{name} {size:.2g}" for name, size in zip(GATE_ORDER, gate_gradient_norms(grads)[:, k]))
        keep = trace.f[k]
        return (f"t = {setting['t']}, keep bias {setting['keep_bias']:+.1f}: sizes {sizes}; "
                f"largest keep-gate slope f(1 - f) = {np.max(keep * (1 - keep)):.3f}")

    return FigureStepper(fig, controls, [["play", "t"], ["keep_bias"]], update, panels)


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
    panels = {"step": Heatmap(fig.add_subplot(grid[0, 0]), contributions[0].shape),
              "sum": Heatmap(fig.add_subplot(grid[0, 1]), contributions[0].shape)}
    for panel in panels.values():
        label_gate_blocks(panel.ax, hidden_size, input_size)
    bar_ax = fig.add_subplot(grid[1, :])
    sizes = np.linalg.norm(contributions.reshape(T, -1), axis=1)
    bars = bar_ax.bar(np.arange(1, T + 1), sizes, color=PATH_COLORS["via_next"])
    bar_ax.set_xlim(0.5, T + 0.5)
    bar_ax.set_xlabel("time step $t$")
    bar_ax.set_ylabel("$\\|\\delta Z_t I_t^\\top\\|$")
    done = bar_ax.text(0.99, 0.95, "", transform=bar_ax.transAxes, ha="right", va="top", fontsize=12)
    panels.update(bars=bars, done=done)

    def update():
        t = controls["t"].value
        k = t - 1
        panels["step"].update(contributions[k], limit)
        panels["step"].ax.set_title(f"step t = {t} adds δZ · Iᵀ of that step")
        panels["sum"].update(running[k], limit)
        panels["sum"].ax.set_title(f"running sum over t = {t} … {T}")
        for j, bar in enumerate(bars):
            bar.set_alpha(1.0 if j >= k else 0.2)
        gap = np.abs(running[k] - grads.dW).max()
        done.set_text("sum complete: equals δW" if t == 1 else
                      f"still missing steps 1 … {t - 1}: largest gap to δW {gap:.2g}")
        bar_ax.set_title("each step's contribution (the faded ones are not added yet)")
        return (f"t = {t}: adds δZ_{t} I_{t}ᵀ, of size {sizes[k]:.2g}; "
                + ("the sum over all steps is complete and equals δW" if t == 1 else
                   f"the sum over t = {t} … {T} still misses steps 1 … {t - 1} (largest gap to δW {gap:.2g})"))

    return FigureStepper(fig, controls, [["play", "t"]], update, panels)


@styled
def chain_rule_explorer(s: float = 0.5, o: float = 0.8, f: float = 0.6) -> FigureStepper:
    """The chain rule on a scalar graph where ``s`` reaches ``L`` along two paths.

    ``t = tanh s``, ``h = o·t``, ``n = f·s``, ``L = h + n``. Each node shows its value and
    its gradient ``δ = ∂L/∂node``; each edge its local derivative (``×…``), drawn as wide
    as the gradient flowing back along it. Controls: ``s``, ``o``, ``f``.
    """
    slider = functools.partial(widgets.FloatSlider, min=-2.0, max=2.0, step=0.05, continuous_update=True)
    controls = {"s": slider(value=s, description="s"), "o": slider(value=o, description="o"),
                "f": slider(value=f, description="f")}
    fig = stepper_figure(9.5, 5.6)
    panels = {"graph": ScalarGraphDiagram(fig.add_subplot(), title="forward values, and gradients flowing back")}

    def update():
        grads = panels["graph"].update(controls["s"].value, controls["o"].value, controls["f"].value)
        panels["graph"].ax.set_title(f"∂L/∂s = o·(1 - t²) + f = {grads['s']:.2f}")
        s, o, f = (controls[name].value for name in "sof")
        path1 = o * (1 - np.tanh(s) ** 2)
        return (f"s = {s:.2f}, o = {o:.2f}, f = {f:.2f}: ∂L/∂s = {grads['s']:.2f} = path 1 o·(1 - t²) {path1:.2f} "
                f"+ path 2 f {f:.2f}")

    return FigureStepper(fig, controls, [["s", "o", "f"]], update, panels)


def _orders_of_magnitude(curves) -> str:
    """Where each curve of :func:`~lstm_core.lessons.measures.gradient_decay` ends, as a power of ten."""
    names = {"lstm": "LSTM ‖δS‖", "carousel": "path 2 alone", "lstm_dh": "LSTM ‖δh‖", "rnn": "RNN ‖δh‖"}
    return ", ".join(f"{name} × {power_of_ten(curves[key][-1])}" for key, name in names.items())


def _cut_off_message(curves) -> str | None:
    """Which network's gradient left the plot's range, and from how many steps back."""
    for name, label in (("rnn", "RNN"), ("lstm", "LSTM")):
        beyond = np.flatnonzero(~(curves[name] <= DecayCurves.HIGH))  # also inf and nan
        if len(beyond):
            return (f"⚠ The {label}'s gradient exploded:\nabove {DecayCurves.HIGH:.0e} from {beyond[0]} steps back on.\n"
                    "The curve is cut off at the top of the axis.")
    return None


@styled
def gradient_decay_explorer(T: int = 100, T_max: int = 300) -> FigureStepper:
    """How far back the gradient of a last-step loss reaches: LSTM ``‖δS_t‖`` against RNN ``‖δh_t‖``.

    Controls: ``T`` (sequence length), ``keep_bias`` (the LSTM's ``b_f``), ``scale``
    (multiplies both networks' recurrent weights).
    """
    controls = {"T": widgets.IntSlider(value=T, min=10, max=T_max, step=10, description="length T",
                                       continuous_update=False),
                "keep_bias": _keep_bias_slider(value=0.0, limit=8.0),
                "scale": widgets.FloatLogSlider(value=1.0, base=2, min=-2, max=3, step=0.25, description="W scale ×",
                                                continuous_update=False, readout_format=".2f")}
    fig = stepper_figure(10, 5.4)
    panels = {"curves": DecayCurves(fig.add_subplot(), T_max=T_max), "warning": WarningText(fig, y=0.62)}
    compute = lru_cache(maxsize=128)(gradient_decay)

    def update():
        setting = {name: control.value for name, control in controls.items()}
        curves = compute(setting["T"], float(setting["keep_bias"]), float(setting["scale"]))
        panels["curves"].update(curves)
        panels["curves"].ax.set_title(f"loss at the last of T = {setting['T']} steps: keep bias {setting['keep_bias']:+.1f}, "
                                      f"W ×{setting['scale']:.2f}")
        panels["warning"].update(_cut_off_message(curves))
        sizes = _orders_of_magnitude(curves)
        return (f"T = {setting['T']}, keep bias {setting['keep_bias']:+.1f}, W ×{setting['scale']:.2f}: "
                f"{setting['T'] - 1} steps back, {sizes}")

    return FigureStepper(fig, controls, [["T"], ["keep_bias", "scale"]], update, panels)


#: what :func:`text_unit_stepper` can colour the text by, as (label, quantity) pairs
TEXT_QUANTITIES = [("cell state S", "s"), ("keep gate f", "f"), ("input gate i", "i"), ("output gate o", "o")]
_QUANTITY_NAMES = {quantity: label for label, quantity in TEXT_QUANTITIES}


def _character(char: str) -> str:
    return "newline" if char == "\n" else "space" if char == " " else repr(char)


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
    if vocab is None:
        vocab = CharVocab(load_text())
    if not isinstance(vocab, CharVocab):
        raise TypeError(f"vocab must be a CharVocab, got {type(vocab).__name__}")
    if params is None:
        params = init_params(input_size=len(vocab), hidden_size=8, seed=0)
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
    options = first + [(f"unit {j + 1}", j) for j in range(H) if j not in {k for _, k in first}]
    trace = lstm_forward(params, vocab.one_hot(vocab.encode(text)))  # (T, ·): one sequence
    T = len(text)
    controls = {**_time_controls(T),
                "unit": widgets.Dropdown(options=options, value=options[0][1], description="unit",
                                         layout=widgets.Layout(width="360px")),
                "show": widgets.ToggleButtons(options=TEXT_QUANTITIES, value="s", description="colour by",
                                              style={"button_width": "auto"})}
    rows = text_rows(text, width)
    fig = stepper_figure(11, 4.3 + 0.3 * rows)
    grid = fig.add_gridspec(2, 2, height_ratios=[0.3 * rows + 0.3, 4.0], width_ratios=[1, 1.1])
    panels = {"text": TextColors(fig.add_subplot(grid[0, :]), text, width=width),
              "diagram": CellDiagram(fig.add_subplot(grid[1, 0])),
              "along": ValueAlongText(fig.add_subplot(grid[1, 1]), T)}

    def update():
        setting = {name: control.value for name, control in controls.items()}
        k, j, quantity = setting["t"] - 1, setting["unit"], setting["show"]
        name = _QUANTITY_NAMES[quantity]
        values_along = unit_quantity(trace, quantity)[:, j]
        limit = nice_limit(symmetric_limit(values_along))
        panels["text"].update(values_along, kind="state" if quantity == "s" else "gate", limit=limit,
                              label="cell state $S_t$" if quantity == "s" else "gate value")
        panels["text"].show_cursor(k)
        panels["text"].ax.set_title(f"unit {j + 1}'s {name} after each character (the box: step t = {setting['t']})")
        values = unit_values(trace, k, j)
        values.pop("x")  # a one-hot character: the title names it instead
        panels["diagram"].show_values(values)
        panels["diagram"].ax.set_title(f"step t = {setting['t']}: {_character(text[k])}, unit {j + 1}")
        panels["along"].update(values_along, setting["t"], (-limit, limit) if quantity == "s" else (0, 1),
                               ylabel=name)
        panels["along"].ax.set_title(f"unit {j + 1}'s {name} along the passage")
        return (f"t = {setting['t']}: {_character(text[k])}; unit {j + 1}: S = {values['s']:.2f}, "
                f"f = {values['f']:.2f}, i = {values['i']:.2f}, o = {values['o']:.2f}, a = {values['a']:.2f}")

    return FigureStepper(fig, controls, [["play", "t"], ["unit", "show"]], update, panels)


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
