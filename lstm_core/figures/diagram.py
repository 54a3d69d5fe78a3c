"""The LSTM cell drawn with matplotlib, with room for values and for gradient paths.

:class:`CellDiagram` draws one cell once: the cell-state line ``S_{t-1} → S_t`` along
the top, the four gate boxes ``f, i, a, o`` over the input ``I_t = [x_t, h_{t-1}]``, the
``×`` and ``+`` nodes, and ``h_t`` leaving on the right. Afterwards only its artists
change: :meth:`CellDiagram.show_values` writes one unit's numbers next to each part, and
:meth:`CellDiagram.show_gradient_paths` overlays the two paths of ``δS_t`` with widths
proportional to their sizes. Notebooks 01 and 02 both use it, in widgets and in still
figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from .style import GATE_COLORS, PATH_COLORS

# Where things are, in data coordinates of an axes spanning x 0..10, y 0..6.2.
S_Y, BOX_Y, BUS_Y = 5.2, 2.6, 1.2
KEEP_X, PLUS_X, OUT_X = 2.4, 4.8, 7.9  # the × f node, the + node, the tanh/× o column
GATE_X = {"f": 2.4, "i": 4.0, "a": 5.6, "o": 6.7}
PRODUCT_Y = 4.0  # the a ⊙ i node
LEFT, RIGHT = 0.9, 9.3
_BOX_W, _BOX_H, _NODE_R = 0.9, 0.8, 0.27
# Plain text with Unicode subscripts, not mathtext: these labels change at every frame, and
# matplotlib parses each new mathtext string anew (several milliseconds a frame).
PATH_NAMES = {"via_h": "path 1", "via_next": "path 2", "total": "δSₜ", "carried": "δSₜ ⊙ fₜ"}
PATH_WORDS = {"via_h": "path 1", "via_next": "path 2", "total": "δS_t", "carried": "δS_t ⊙ f_t"}


def _arrow(ax, start, end, color="0.25", lw=1.6):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                 color=color, lw=lw, shrinkA=0, shrinkB=0, zorder=2))


def _line(ax, xs, ys, color="0.25", lw=1.6):
    ax.plot(xs, ys, color=color, lw=lw, zorder=2, solid_capstyle="butt")


def _node(ax, xy, label):
    """A circle with ``×`` or ``+``; returns its two artists."""
    circle = ax.add_patch(Circle(xy, _NODE_R, facecolor="white", edgecolor="0.2", lw=1.5, zorder=4))
    return [circle, ax.text(*xy, label, ha="center", va="center", fontsize=13, zorder=5)]


def drawing_axes(ax, xlim, ylim, title: str | None = None) -> None:
    """Turn ``ax`` into a drawing board: these ranges, equal scales, no axes, an optional title."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)


@dataclass(frozen=True)
class CellState:
    """What :meth:`CellDiagram.update` shows: with ``shows="values"`` one unit's ``values``
    (:meth:`CellDiagram.show_values`), with ``shows="paths"`` the gradient paths' ``sizes`` drawn
    to ``scale`` (:meth:`CellDiagram.show_gradient_paths`); None shows nothing (values that
    exploded). ``title`` is the axes's; ``where`` names the step in words (default ``t = …, unit …``)."""

    values: dict | None = None
    sizes: dict | None = None
    scale: float | None = None
    shows: str = "values"
    title: str | None = None
    t: int | None = None
    unit: int = 0
    where: str | None = None


class CellDiagram:
    """One LSTM cell drawn on ``ax``, a :class:`~lstm_core.figures.panel.Panel`: :meth:`update`
    shows a :class:`CellState`, through :meth:`show_values` and :meth:`show_gradient_paths`.

    Attributes
    ----------
    values : dict of the Text artists that :meth:`show_values` fills, keyed
        ``"x", "h_prev", "s_prev", "a", "i", "f", "o", "s", "h"``
    paths : dict of the Line2D overlays that :meth:`show_gradient_paths` sizes, keyed
        ``"via_h"`` (path 1), ``"via_next"`` (path 2), ``"total"`` (their sum, ``δS_t``)
        and ``"carried"`` (``δS_t ⊙ f_t``, handed to step t-1)
    path_labels : dict of the Text artists naming each path's size
    """

    def __init__(self, ax, title: str | None = None):
        self.ax = ax
        drawing_axes(ax, (-0.1, 10.1), (-0.1, 6.6), title)
        ax.add_patch(FancyBboxPatch((1.15, 0.55), 7.5, 5.45, boxstyle="round,pad=0.05,rounding_size=0.35",
                                    facecolor="0.96", edgecolor="0.6", lw=1.2, zorder=0))
        self._on_routes = []  # artists drawn over the gradient overlays, redrawn with them
        self._draw_state_line(ax)
        self._draw_gates(ax)
        self._draw_output(ax)
        self.values = self._value_texts(ax)
        self.paths, self.path_labels = self._path_overlays(ax)
        self._showing = set()  # which of "values", "paths" have been shown

    @property
    def moving(self) -> list:
        """The artists that the updates used so far change (a widget repaints only these), and the title."""
        artists = [self.ax.title]
        if "values" in self._showing:
            artists += self.values.values()
        if "paths" in self._showing:
            artists += [*self.paths.values(), *self.path_labels.values(), *self._on_routes]
        return artists

    def scenery(self) -> dict:
        return {}

    def update(self, data: CellState) -> None:
        if data.shows not in ("values", "paths"):
            raise ValueError(f"data.shows must be 'values' or 'paths', got {data.shows!r}")
        if data.title is not None:
            self.ax.set_title(data.title)
        if data.shows == "values":
            self.show_values(data.values)
        else:
            self.show_gradient_paths(data.sizes, scale=data.scale)

    def describe(self, data: CellState) -> str:
        """The step and unit, and their numbers: the unit's values, or the paths' sizes."""
        where = data.where or (f"t = {data.t}, unit {data.unit + 1}" if data.t is not None else f"unit {data.unit + 1}")
        if data.shows == "values" and data.values:
            v = data.values
            before = f"S_{{t-1}} = {v['s_prev']:.2f}, " if "s_prev" in v else ""
            return (f"{where}: a = {v['a']:.2f}, i = {v['i']:.2f}, f = {v['f']:.2f}, o = {v['o']:.2f}; "
                    f"{before}S = {v['s']:.2f}, h = {v['h']:.2f}")
        if data.shows == "paths" and data.sizes:
            return f"{where}: " + ", ".join(f"{PATH_WORDS[name]} {_short(data.sizes[name])}"
                                          for name in PATH_WORDS if name in data.sizes)
        return f"{where}:"

    # --- the static drawing -------------------------------------------------------
    def _draw_state_line(self, ax):
        _line(ax, [LEFT, KEEP_X - _NODE_R], [S_Y, S_Y])
        _line(ax, [KEEP_X + _NODE_R, PLUS_X - _NODE_R], [S_Y, S_Y])
        _arrow(ax, (PLUS_X + _NODE_R, S_Y), (RIGHT, S_Y))
        self._on_routes += _node(ax, (KEEP_X, S_Y), "×") + _node(ax, (PLUS_X, S_Y), "+")
        ax.text(LEFT - 0.1, S_Y, "$S_{t-1}$", ha="right", va="center", fontsize=14, zorder=2.3)
        ax.text(RIGHT + 0.1, S_Y, "$S_t$", ha="left", va="center", fontsize=14, zorder=2.3)

    def _draw_gates(self, ax):
        _line(ax, [LEFT, GATE_X["o"]], [BUS_Y, BUS_Y])
        ax.text(LEFT - 0.1, BUS_Y, "$h_{t-1}$", ha="right", va="center", fontsize=14, zorder=2.3)
        _line(ax, [1.6, 1.6], [0.0, BUS_Y])
        ax.text(1.45, 0.05, "$x_t$", ha="right", va="bottom", fontsize=14, zorder=2.3)
        ax.text(4.5, 0.68, "$I_t=[x_t,\\,h_{t-1}]$,  $Z_t = W I_t + b$", ha="center", va="center",
                fontsize=11, color="0.3", zorder=2.3)
        for name, x in GATE_X.items():
            _arrow(ax, (x, BUS_Y), (x, BOX_Y - _BOX_H / 2))
            ax.add_patch(FancyBboxPatch((x - _BOX_W / 2, BOX_Y - _BOX_H / 2), _BOX_W, _BOX_H,
                                        boxstyle="round,pad=0.02,rounding_size=0.12",
                                        facecolor=GATE_COLORS[name], edgecolor="0.2", alpha=0.9, zorder=2.2))
            act = "tanh" if name == "a" else "σ"
            ax.text(x, BOX_Y, f"${name}_t$\n{act}", ha="center", va="center", color="black",
                    fontsize=12, zorder=2.3, linespacing=0.95)
        top = BOX_Y + _BOX_H / 2
        _arrow(ax, (KEEP_X, top), (KEEP_X, S_Y - _NODE_R))  # f_t into the × on the state line
        for artist in _node(ax, (PLUS_X, PRODUCT_Y), "×"):  # a_t ⊙ i_t, off the gradient routes
            artist.set_zorder(artist.get_zorder() - 2)
        _arrow(ax, (GATE_X["i"], top), (PLUS_X - 0.2, PRODUCT_Y - 0.2))
        _arrow(ax, (GATE_X["a"], top), (PLUS_X + 0.2, PRODUCT_Y - 0.2))
        _arrow(ax, (PLUS_X, PRODUCT_Y + _NODE_R), (PLUS_X, S_Y - _NODE_R))

    def _draw_output(self, ax):
        tanh_y = 4.05
        _arrow(ax, (OUT_X, S_Y), (OUT_X, tanh_y + 0.3))
        box = ax.add_patch(FancyBboxPatch((OUT_X - 0.42, tanh_y - 0.27), 0.84, 0.54,
                                          boxstyle="round,pad=0.02,rounding_size=0.25",
                                          facecolor="white", edgecolor="0.2", lw=1.4, zorder=4))
        label = ax.text(OUT_X, tanh_y, "tanh", ha="center", va="center", fontsize=11, zorder=5)
        _arrow(ax, (OUT_X, tanh_y - 0.27), (OUT_X, BOX_Y + _NODE_R))
        self._on_routes += [box, label] + _node(ax, (OUT_X, BOX_Y), "×")
        _arrow(ax, (GATE_X["o"] + _BOX_W / 2, BOX_Y), (OUT_X - _NODE_R, BOX_Y))
        _arrow(ax, (OUT_X + _NODE_R, BOX_Y), (RIGHT, BOX_Y))
        ax.text(RIGHT + 0.1, BOX_Y, "$h_t$", ha="left", va="center", fontsize=14, zorder=2.3)

    def _value_texts(self, ax):
        style = dict(fontsize=11, color="0.1", zorder=6, ha="center", va="center",
                     bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.85))
        spots = {
            "s_prev": (LEFT - 0.45, S_Y - 0.5), "s": (RIGHT + 0.35, S_Y - 0.5),
            "h_prev": (LEFT - 0.45, BUS_Y - 0.5), "h": (RIGHT + 0.35, BOX_Y - 0.5),
            "x": (1.75, 0.25),
            "f": (KEEP_X - 0.45, 3.55), "i": (GATE_X["i"] - 0.35, 3.55),
            "a": (GATE_X["a"] + 0.35, 3.55), "o": (GATE_X["o"], BOX_Y - 0.72),
        }
        texts = {key: ax.text(x, y, "", **style) for key, (x, y) in spots.items()}
        texts["x"].set_horizontalalignment("left")
        texts["o"].set_position((GATE_X["o"] + 0.05, BOX_Y + 0.62))
        return texts

    def _path_overlays(self, ax):
        routes = {
            "via_next": ([RIGHT, OUT_X], [S_Y, S_Y]),
            "via_h": ([RIGHT, OUT_X, OUT_X], [BOX_Y, BOX_Y, S_Y]),
            "total": ([OUT_X, KEEP_X], [S_Y, S_Y]),
            "carried": ([KEEP_X, LEFT], [S_Y, S_Y]),
        }
        colors = {**PATH_COLORS, "carried": PATH_COLORS["via_next"]}
        text_colors = {"via_h": PATH_COLORS["via_h"], "via_next": "#2B7BB0", "carried": "#2B7BB0", "total": "0.1"}
        alphas = {"via_h": 0.6, "via_next": 0.6, "total": 0.3, "carried": 0.6}
        lines = {name: ax.plot(xs, ys, color=colors[name], alpha=alphas[name], lw=0, zorder=2.5,
                               solid_capstyle="butt", solid_joinstyle="miter")[0]
                 for name, (xs, ys) in routes.items()}
        spots = {"via_next": (8.9, 6.1), "via_h": (9.0, 3.3), "total": (6.1, 6.1), "carried": (1.2, 6.1)}
        labels = {name: ax.text(*spots[name], "", ha="center", va="bottom", fontsize=11,
                                color=text_colors[name], zorder=6, fontweight="bold")
                  for name in routes}
        return lines, labels

    # --- updates --------------------------------------------------------------------
    def show_values(self, values: dict[str, float] | None) -> None:
        """Write one unit's numbers next to the parts named in ``values`` (None clears them).

        Keys are those of :attr:`values`; a key that is missing is left blank. ``"x"``
        may be a short vector (all of ``x_t``), shown as ``[0.35, -1.20]``.
        """
        self._showing.add("values")
        values = values or {}
        for key, text in self.values.items():
            v = values.get(key)
            if v is not None and np.ndim(v) > 0:
                text.set_text("[" + ", ".join(_fixed(float(e)) for e in np.ravel(v)) + "]")
            else:
                text.set_text("" if v is None else _fixed(v))
            text.set_visible(v is not None)

    def show_gradient_paths(self, sizes: dict[str, float] | None, scale: float | None = None,
                            max_width: float = 16.0) -> None:
        """Draw each path of the gradient with a width proportional to its size.

        ``sizes`` maps ``"via_h"``, ``"via_next"``, ``"total"`` and ``"carried"`` to a
        non-negative size (for example a norm over units); ``scale`` is the size drawn at
        ``max_width`` points (default: the largest of ``sizes``), so several steps can
        share one scale. None hides the overlays.
        """
        self._showing.add("paths")
        sizes = sizes or {}
        finite = [v for v in sizes.values() if np.isfinite(v)]
        if scale is None:
            scale = max(finite, default=0.0)
        for name, line in self.paths.items():
            v = sizes.get(name)
            show = v is not None and np.isfinite(v) and scale > 0
            width = max_width * min(v / scale, 1.0) if show else 0.0
            line.set_linewidth(width)
            line.set_visible(show and width > 0)
            label = self.path_labels[name]
            label.set_text(f"{PATH_NAMES[name]} {_short(v)}" if v is not None else "")
            label.set_visible(v is not None)


def _fixed(v: float) -> str:
    """A forward value with two decimals (large ones in scientific notation): 0.73, -0.01, 1.2e+03."""
    return f"{v:.2f}" if np.isfinite(v) and abs(v) < 1e3 else _short(v)


def _short(v: float) -> str:
    """A number in at most five characters or so: 0.731, -1.2e+03, inf."""
    if not np.isfinite(v):
        return str(v)
    if v != 0 and not 1e-2 <= abs(v) < 1e3:
        return f"{v:.1e}"
    return f"{v:.2f}"


__all__ = ["CellDiagram", "CellState", "drawing_axes"]
