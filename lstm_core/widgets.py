"""Interactive figures for the notebooks, assembled from :mod:`lstm_core.plots` panels.

Every builder here can be called with no arguments and returns a :class:`FigureStepper`,
an ``ipywidgets.VBox`` whose ``.children`` are rows of controls (a ``Play`` button
linked to a time slider ``t``, and the builder's other sliders) and, last, an
``ipywidgets.Image`` showing the figure.

The figure is built once. A control change recomputes what it must (a new forward and
backward pass only when a parameter changed), updates the panels' artists, and renders
the figure to PNG for the image. This needs no particular matplotlib backend, so the
same widget works in JupyterLab, Notebook, VS Code and Voilà; ``stepper.figure`` and
``stepper.panels`` let tests check what is shown.
"""

from __future__ import annotations

import io
import functools
from functools import lru_cache

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.spines import Spine
from matplotlib.transforms import Bbox
from PIL import Image

from .activations import sigmoid

from .diagram import CellDiagram
from .data import lesson_problem
from .params import GATE_ORDER, gate_slice
from .plots import (
    FlowBars,
    GateBars,
    Heatmap,
    ScaledTicks,
    UnitHistory,
    WarningText,
    _clip,
    _symmetric_limit,
    nice_limit,
    explosion_message,
    gate_gradient_norms,
    label_gate_blocks,
    path_norms,
    path_sizes,
    unit_values,
)
from .sequence import lstm_backward, lstm_forward
from .style import GATE_COLORS, PATH_COLORS, course_style

MODES = [("full LSTM", False), ("linear (the article's simplification)", True)]


def render_png(figure: Figure) -> bytes:
    """Draw ``figure`` with Agg and encode it as PNG."""
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    canvas.draw()
    return _encode(canvas)


def _encode(canvas: FigureCanvasAgg) -> bytes:
    # Fast compression: this runs on every slider move, and the image only crosses a socket.
    buf = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3]).save(buf, format="png", compress_level=1)
    return buf.getvalue()


def _artists(obj) -> list[Artist]:
    """The artists a panel (or an artist, or a list of them) changes when updated."""
    if isinstance(obj, Artist):
        return [obj]
    if hasattr(obj, "dynamic"):
        return list(obj.dynamic)
    if isinstance(obj, (list, tuple)):
        return [a for item in obj for a in _artists(item)]
    return []


class FigureStepper(widgets.VBox):
    """Rows of controls above an image of a matplotlib figure that they update.

    Attributes
    ----------
    figure : the matplotlib Figure (built once, updated in place)
    image : the ``ipywidgets.Image`` showing it
    controls : dict of the controls by name (``"play"``, ``"t"``, ...)
    panels : dict of the plot panels by name, for tests and for curious students

    Redrawing is blitted: the first frame is drawn in full and kept as a background
    without the artists that change; later frames repaint only those artists (and what
    lies above them), unless an axis range changed, which needs a full draw.
    """

    def __init__(self, figure: Figure, controls: dict, rows: list[list[str]], update, panels: dict):
        self.figure = figure
        self.controls = controls
        self.panels = panels
        self._update = update
        self.canvas = FigureCanvasAgg(figure)
        width = int(figure.get_figwidth() * figure.dpi)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%"))
        boxes = [widgets.HBox([controls[name] for name in row]) for row in rows]
        super().__init__(children=[*boxes, self.image])
        with np.errstate(all="ignore"), course_style():
            update()
        self.canvas.draw()  # the one constrained-layout pass; later frames keep this layout
        figure.set_layout_engine("none")
        self._layers = self._find_layers(_artists(list(panels.values())))
        for artist in self._layers:
            artist.set_animated(True)
        self._background = None
        self._limits = None
        self._box_cache = {}
        for name, control in controls.items():
            if name != "play":  # the Play button moves the slider ``t``, which redraws
                control.observe(self._on_change, names="value")
        self.redraw()

    def _find_layers(self, dynamic: list[Artist]) -> list[Artist]:
        """The changing artists plus, in their axes, whatever is drawn over them; in drawing order."""
        dynamic = dynamic + [ax.title for ax in self.figure.axes]
        layers = []
        for ax in self.figure.axes:
            mine = [a for a in dynamic if a.axes is ax]
            if not mine:
                continue
            lowest = min(a.get_zorder() for a in mine)
            above = [a for a in ax.get_children()
                     if a.get_zorder() > lowest and a is not ax.patch and not isinstance(a, (Spine, Axis))]
            layers += sorted(set(mine) | set(above), key=lambda a: a.get_zorder())
        return layers + [a for a in dynamic if a.axes is None]

    def _axis_limits(self):
        return tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.figure.axes)

    def _on_change(self, change) -> None:
        self.redraw()

    def redraw(self, full: bool = False) -> None:
        """Update the figure from the controls' values and show it (``full``: no blitting)."""
        with np.errstate(all="ignore"), course_style():
            self._update()
            limits = self._axis_limits()
            if full or self._background is None or not self._redraw_axes(limits):
                self.canvas.draw()  # everything but the animated layers
                renderer = self.canvas.get_renderer()
                self._boxes = {ax: ax.get_tightbbox(renderer).padded(3) for ax in self.figure.axes}
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            self._limits = limits
            for artist in self._layers:
                self.figure.draw_artist(artist)
        self.image.value = _encode(self.canvas)

    def _redraw_axes(self, limits) -> bool:
        """Restore the background, repainting only the axes whose range changed.

        Each such axes is blanked where it was and where it now reaches (ticks, labels,
        legend) and drawn again. Returns False, having changed nothing that matters, if
        the blanked area touches an axes that is not being redrawn: then only a full
        draw is exact.
        """
        self.canvas.restore_region(self._background)
        changed = [ax for ax, old, new in zip(self.figure.axes, self._limits, limits) if old != new]
        if not changed:
            return True
        now = {ax: self._box(ax, new) for ax, old, new in zip(self.figure.axes, self._limits, limits) if old != new}
        area = {ax: Bbox.union([now[ax], self._boxes[ax]]) for ax in changed}
        for ax in self.figure.axes:
            if ax not in area and any(self._boxes[ax].overlaps(box) for box in area.values()):
                return False
        pixels = np.asarray(self.canvas.buffer_rgba())
        height, width = pixels.shape[:2]
        for box in area.values():  # blank with the figure's white (the buffer's y axis points down)
            (x0, y0), (x1, y1) = np.clip(box.get_points(), 0, [width, height])
            pixels[int(height - y1):int(np.ceil(height - y0)), int(x0):int(np.ceil(x1))] = 255
        renderer = self.canvas.get_renderer()
        for ax in changed:
            ax.draw(renderer)
        self._boxes.update(now)
        return True

    def _box(self, ax, limits):
        """Where ``ax`` draws (ticks, labels, legend included) at these axis ranges; cached."""
        key = (id(ax), limits)
        if key not in self._box_cache:
            self._box_cache[key] = ax.get_tightbbox(self.canvas.get_renderer()).padded(3)
        return self._box_cache[key]


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=80, layout="constrained")
    # Generous gaps, so that an axes whose range changes can be repainted alone (see redraw).
    figure.get_layout_engine().set(w_pad=8 / 72, h_pad=8 / 72)
    return figure


def _styled(builder):
    """Build the figure under the course's style (fonts and colours are fixed at creation)."""
    @functools.wraps(builder)
    def build(*args, **kwargs):
        with course_style():
            return builder(*args, **kwargs)
    return build


def _time_controls(T: int, backward: bool = False) -> dict:
    """A ``Play`` button linked (in Python, so it also works without a browser) to a slider ``t``.

    Forward, Play counts t = 1, 2, ..., T; backward it counts t = T, T-1, ..., 1.
    """
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


_problem = lru_cache(maxsize=64)(lesson_problem)  # sliders revisit the same settings


def _run(T, input_size, hidden_size, seed, scale=1.0, keep_bias=0.0, linear=False, last_only=False):
    params, x, dh = _problem(T, input_size, hidden_size, seed, float(scale), float(keep_bias))
    trace = lstm_forward(params, x, linear=linear)
    dh = dh.copy()
    if last_only:
        dh[:-1] = 0.0
    return trace, lstm_backward(params, trace, dh)


@_styled
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
    fig = _figure(11, 7.4)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.25, 1], height_ratios=[1.25, 1])
    panels = {
        "diagram": CellDiagram(fig.add_subplot(grid[0, 0])),
        "gates": GateBars(fig.add_subplot(grid[0, 1]), hidden_size, ylabel="gate value", title="all units' gates"),
        "history": UnitHistory(fig.add_subplot(grid[1, :]), T, title="unit 1 so far"),
        "warning": WarningText(fig),
    }

    def update():
        c = {name: w.value for name, w in controls.items()}
        trace, _ = _run(T, input_size, hidden_size, seed, c["scale"], linear=c["mode"])
        k, j = c["t"] - 1, c["unit"]
        message = explosion_message(np.concatenate([trace.s, trace.h], axis=-1), what="forward pass")
        panels["warning"].update(message)
        panels["diagram"].ax.set_title(f"step t = {c['t']}, unit {j + 1}")
        if message:
            panels["diagram"].show_values(None)
            panels["gates"].clear()
            panels["history"].clear()
            return
        panels["diagram"].show_values(unit_values(trace, k, j))
        lim = 1.05 if not c["mode"] else nice_limit(_symmetric_limit(trace.gates))
        panels["gates"].update(trace.gates[k], ylim=(-lim, lim))
        panels["gates"].highlight(j)
        panels["gates"].ax.set_title(f"gates of all {hidden_size} units at t = {c['t']}")
        gates = np.stack([trace.gate(n)[:, j] for n in GATE_ORDER], axis=1)
        lim = max(1.05, nice_limit(_symmetric_limit(np.concatenate([gates.ravel(), trace.s[:, j], trace.h[:, j]]))))
        panels["history"].update(gates, trace.s[:, j], trace.h[:, j], c["t"], (-lim, lim))
        panels["history"].ax.set_title(f"unit {j + 1} so far: steps 1 … {c['t']}")

    return FigureStepper(fig, controls, [["play", "t", "unit"], ["mode"], ["scale"]], update, panels)


@_styled
def state_gradient_stepper(T: int = 12, input_size: int = 2, hidden_size: int = 3, seed: int = 0) -> FigureStepper:
    """Walk the backward pass from t = T down to 1 and watch the two paths into ``S_t``.

    The loss is ``L = Σ_t g_t · h_t`` for fixed random ``g_t`` (so ``∂L/∂h_t = g_t``), or
    only its last term. Controls: ``play``, ``t``, ``mode``, ``loss`` (every step or
    the last only), ``keep_bias`` (the keep gate's bias ``b_f``), ``scale``.
    """
    controls = {**_time_controls(T, backward=True), "mode": _mode_toggle(),
                "loss": widgets.ToggleButtons(options=[("loss at every step", False), ("loss at the last step", True)],
                                              value=False, description="loss", style={"button_width": "auto"}),
                "keep_bias": _keep_bias_slider(), "scale": _scale_slider()}
    fig = _figure(11, 7.6)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.3, 1], height_ratios=[1.2, 1])
    unit_ax = fig.add_subplot(grid[0, 1])
    panels = {
        "diagram": CellDiagram(fig.add_subplot(grid[0, 0])),
        "units": _PathUnits(unit_ax, hidden_size),
        "flow": FlowBars(fig.add_subplot(grid[1, :]), T),
        "warning": WarningText(fig),
    }

    def update():
        c = {name: w.value for name, w in controls.items()}
        trace, grads = _run(T, input_size, hidden_size, seed, c["scale"], c["keep_bias"], c["mode"], c["loss"])
        k = c["t"] - 1
        message = explosion_message(trace.h, what="forward pass") or explosion_message(grads.ds, what="gradient δS")
        panels["warning"].update(message)
        panels["diagram"].ax.set_title(f"backward step t = {c['t']}: δS = path 1 + path 2")
        if message:
            panels["diagram"].show_gradient_paths(None)
            panels["units"].clear()
            panels["flow"].clear()
            return
        scale = max(max(path_sizes(grads, kk).values()) for kk in range(T))
        panels["diagram"].show_gradient_paths(path_sizes(grads, k), scale=scale)
        limit = _symmetric_limit(np.concatenate([grads.ds_via_h.ravel(), grads.ds_via_next.ravel(), grads.ds.ravel()]))
        panels["units"].update(grads.ds_via_h[k], grads.ds_via_next[k], c["t"], limit)
        panels["flow"].update(*path_norms(grads), t=c["t"])

    return FigureStepper(fig, controls, [["play", "t"], ["mode"], ["loss"], ["keep_bias", "scale"]], update, panels)


class _PathUnits:
    """Per unit at one step: path 1 and path 2 side by side (signed), their sum as a dot."""

    def __init__(self, ax, hidden_size: int):
        self.ax = ax
        units = np.arange(hidden_size)
        self.via_h = ax.bar(units - 0.2, np.zeros(hidden_size), width=0.38, color=PATH_COLORS["via_h"], label="path 1")
        self.via_next = ax.bar(units + 0.2, np.zeros(hidden_size), width=0.38, color=PATH_COLORS["via_next"],
                               label="path 2")
        self.total = ax.plot(units, np.zeros(hidden_size), "o", color="black", ms=9, label="$\\delta S_t$")[0]
        self.yaxis = ScaledTicks(ax, (-1.0, -0.5, 0.0, 0.5, 1.0))
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
        via_h, via_next = _clip(via_h) / self.yaxis.scale, _clip(via_next) / self.yaxis.scale
        for bar, v in zip(self.via_h, via_h):
            bar.set_height(v)
        for bar, v in zip(self.via_next, via_next):
            bar.set_height(v)
        self.total.set_ydata(via_h + via_next)
        self.ax.set_title(f"each unit's δS at t = {t}" if t else "each unit's δS")


@_styled
def gate_gradient_explorer(T: int = 12, input_size: int = 2, hidden_size: int = 3, seed: int = 0) -> FigureStepper:
    """``δZ`` over time and gates, one step's blocks, and what the keep gate's bias does to them.

    Controls: ``play``, ``t``, ``keep_bias`` (``b_f``: large values saturate the keep
    gate, so ``f(1 - f)`` and with it ``δZ_f`` shrink).
    """
    controls = {**_time_controls(T, backward=True), "keep_bias": _keep_bias_slider(limit=8.0)}
    fig = _figure(11, 7.4)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.3, 1], height_ratios=[0.9, 1])
    heat_ax = fig.add_subplot(grid[0, :])
    panels = {
        "heatmap": Heatmap(heat_ax, (4, T), title="$\\|\\delta Z\\|$ per gate block and step", cmap="viridis",
                           symmetric=False, colorbar_label="$\\|\\delta Z\\|$"),
        "step": GateBars(fig.add_subplot(grid[1, 0]), hidden_size, ylabel="$\\delta Z_t$"),
        "sigmoid": _SigmoidSlope(fig.add_subplot(grid[1, 1])),
        "warning": WarningText(fig),
    }
    heat_ax.set_xticks(range(T), [str(t) for t in range(1, T + 1)])
    heat_ax.set_yticks(range(4), [f"$\\delta Z_{n}$" for n in GATE_ORDER])
    heat_ax.set_xlabel("time step $t$")
    marker = heat_ax.add_patch(Rectangle((-0.5, -0.5), 1, 4, fill=False, edgecolor="white", lw=3))
    panels["marker"] = marker

    def update():
        c = {name: w.value for name, w in controls.items()}
        trace, grads = _run(T, input_size, hidden_size, seed, 1.0, c["keep_bias"])
        k = c["t"] - 1
        norms = gate_gradient_norms(grads)
        panels["heatmap"].update(norms, limit=nice_limit(float(norms.max())))
        marker.set_x(k - 0.5)
        lim = nice_limit(_symmetric_limit(grads.dz))
        panels["step"].update(grads.dz[k], ylim=(-lim, lim))
        panels["step"].ax.set_title(f"δZ of every unit at t = {c['t']}")
        panels["sigmoid"].update(trace.z[k][gate_slice("f", hidden_size)], c["keep_bias"])
        panels["warning"].update(explosion_message(grads.dz, what="gradient δZ"))

    return FigureStepper(fig, controls, [["play", "t"], ["keep_bias"]], update, panels)


class _SigmoidSlope:
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
        s = sigmoid(np.clip(z_f, -10, 10))
        self.points.set_data(np.clip(z_f, -10, 10), s * (1 - s))
        slope = sigmoid(z_f) * (1 - sigmoid(z_f))
        self.note.set_text(f"keep bias {keep_bias:+.1f}\nlargest slope\n{slope.max():.2g} of 0.25")


@_styled
def weight_gradient_stepper(T: int = 12, input_size: int = 2, hidden_size: int = 3, seed: int = 0) -> FigureStepper:
    """Accumulate ``δW = Σ_t δZ_t I_tᵀ`` one step at a time, from t = T down to 1.

    Controls: ``play``, ``t`` (the running sum holds steps ``t .. T``).
    """
    controls = _time_controls(T, backward=True)
    trace, grads = _run(T, input_size, hidden_size, seed)
    contributions = grads.dz[:, :, None] * trace.I[:, None, :]  # (T, 4H, D+H): δZ_t I_tᵀ
    running = np.cumsum(contributions[::-1], axis=0)[::-1]  # running[k] = Σ_{t ≥ k+1}
    limit = _symmetric_limit(np.concatenate([contributions.ravel(), running.ravel()]))
    fig = _figure(11, 7.2)
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
    bar_ax.set_ylabel("$\\|\\delta Z_t I_t^T\\|$")
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

    return FigureStepper(fig, controls, [["play", "t"]], update, panels)


# The builders: each takes no required argument and returns a FigureStepper.
__all__ = [
    "forward_stepper",
    "gate_gradient_explorer",
    "state_gradient_stepper",
    "weight_gradient_stepper",
]
