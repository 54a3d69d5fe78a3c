"""One complete backward step, in one place: what arrives at step t, what it computes, what it hands back.

:class:`BackwardStepDiagram` draws the flow of the backward pass of ``docs/notation.md`` for one
step as boxes and arrows, right to left as the pass runs back through time:

- arriving from the right: ``g_t`` from the loss and ``δh_next`` from step t+1, summed
  into ``δh_t``; and path 2, ``δS_{t+1} ⊙ f_{t+1}``, from step t+1;
- ``δS_t``, the sum of path 1 (through ``h_t``) and path 2;
- the four gate gradients ``δa, δi, δf, δo`` and, below each, its ``δZ`` (times the
  slope of its activation), together ``δZ_t``;
- ``δI_t = Wᵀ δZ_t``, split into ``δx_t`` (down, to the input) and ``W_hᵀ δZ_t``, and
  ``δS_t ⊙ f_t``: both leave on the left, handed back to step t-1;
- this step's share of ``δW`` and ``δb``.

:meth:`BackwardStepDiagram.show_sizes` writes the norm of each gradient of one real step
under its label (numbers from :func:`~lstm_core.lessons.measures.backward_step_sizes`); without it the diagram is
the schematic alone. The equations drawn are the full LSTM's; in the article's linear
simplification every slope is 1 and every ``tanh`` the identity.
"""

from __future__ import annotations

from matplotlib.colors import to_rgb
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from ..params import GATE_ORDER
from .alt_text import number
from .diagram import drawing_axes
from .style import GATE_COLORS, PATH_COLORS

#: the drawing's extent, in data units of about an inch each on the figure of the still
XLIM, YLIM = (0.0, 15.6), (-0.55, 8.95)
#: the box around step t; left of it is step t-1, right of it step t+1 and the loss
STEP_LEFT, STEP_RIGHT, STEP_BOTTOM, STEP_TOP = 2.05, 12.95, 0.3, 8.85
#: rows, top to bottom
S_Y, H_Y, GATE_Y, Z_Y, OUT_Y = 7.75, 5.85, 4.25, 2.75, 1.05
#: columns of the four gates
GATE_X = {"a": 3.45, "i": 5.95, "f": 8.45, "o": 11.3}
PLUS_X = 10.1  # the + joining path 1 and path 2
BOX_H = 0.78  # every box has room for a formula and a number under it
_NODE_R = 0.24

#: darker shades of the path colours, for arrows against white (contrast of 3:1 or more)
PATH_LINE = {"via_h": PATH_COLORS["via_h"], "via_next": "#2B7BB0", "total": "0.15"}
ARROW_GREY = "0.25"

SLOPES = {"a": "(1 - a_t^2)", "i": "i_t\\,(1 - i_t)", "f": "f_t\\,(1 - f_t)", "o": "o_t\\,(1 - o_t)"}
GATE_FORMULAS = {"a": "\\delta S_t \\odot i_t", "i": "\\delta S_t \\odot a_t", "f": "\\delta S_t \\odot S_{t-1}",
                 "o": "\\delta h_t \\odot \\tanh S_t"}

#: the boxes: key -> (centre, width, formula)
BOXES = {
    "ds": ((5.95, S_Y), 5.9,
           "$\\delta S_t = \\delta h_t \\odot o_t \\odot (1 - \\tanh^2 S_t) + \\delta S_{t+1} \\odot f_{t+1}$"),
    "dh": ((11.3, H_Y), 2.75, "$\\delta h_t = g_t + \\delta h_{\\mathrm{next}}$"),
    **{f"d{name}": ((x, GATE_Y), 2.3, f"$\\delta {name}_t = {GATE_FORMULAS[name]}$") for name, x in GATE_X.items()},
    **{f"dz_{name}": ((x, Z_Y), 2.3, f"$\\delta Z_{name} = \\delta {name}_t \\odot {SLOPES[name]}$")
       for name, x in GATE_X.items()},
    "dI": ((4.55, OUT_Y), 2.9, "$\\delta I_t = W^\\top \\delta Z_t = [\\delta x_t,\\ W_h^\\top \\delta Z_t]$"),
    "dW": ((10.2, OUT_Y), 4.3, "$\\delta W$ += $\\delta Z_t\\, I_t^\\top$,   $\\delta b$ += $\\delta Z_t$"
                                "   (summed over t)"),
}

#: the labels on arrows: key -> (x, y, text, va) with ha "left"; and where each one's number goes, (x, y, ha, va)
ARROW_LABELS = {
    "ds_via_next": (13.1, S_Y + 0.1, "path 2:  $\\delta S_{t+1} \\odot f_{t+1}$", "bottom"),
    "ds_via_h": (PLUS_X + 0.15, 7.0, "path 1:  $\\odot\\, o_t \\odot (1 - \\tanh^2 S_t)$", "bottom"),
    "dh_loss": (13.1, H_Y + 0.3, "$g_t$ from the loss", "bottom"),
    "dh_next": (13.1, H_Y - 0.3, "$\\delta h_{\\mathrm{next}}$ from step t+1", "top"),
    "ds_prev": (0.1, S_Y + 0.1, "$\\delta S_t \\odot f_t$", "bottom"),
    "dh_prev": (0.1, OUT_Y + 0.1, "$W_h^\\top \\delta Z_t$", "bottom"),
    "dx": (4.7, 0.05, "$\\delta x_t$, to the input", "bottom"),
}
NUMBER_AT = {
    "ds_via_next": (11.2, S_Y - 0.12, "left", "top"),
    "ds_via_h": (PLUS_X + 0.15, 6.95, "left", "top"),
    "dh_loss": (XLIM[1] - 0.1, H_Y + 0.3, "right", "bottom"),
    "dh_next": (13.1, H_Y - 0.68, "left", "top"),  # under its label, which is too long to share the line
    "ds_prev": (1.2, S_Y + 0.1, "left", "bottom"),
    "dh_prev": (1.2, OUT_Y + 0.1, "left", "bottom"),
    "dx": (4.7, -0.05, "left", "top"),
}
#: where the two handed-back gradients are going, written under their arrows
HANDED_BACK = {"ds_prev": "step t-1's path 2", "dh_prev": "step t-1's $\\delta h_{\\mathrm{next}}$"}

GATE_KEYS = tuple(f"d{name}" for name in GATE_ORDER)  # δa, δi, δf, δo
Z_KEYS = tuple(f"dz_{name}" for name in GATE_ORDER)  # δZ_a, δZ_i, δZ_f, δZ_o

FONT, SMALL = 13, 12


def _arrow(ax, start, end, color=ARROW_GREY, lw=1.8):
    return ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=16, color=color, lw=lw,
                                        shrinkA=0, shrinkB=0, zorder=2, capstyle="butt", joinstyle="miter"))


class BackwardStepDiagram:
    """The backward step t drawn on ``ax``; :meth:`show_sizes` writes one real step's norms into it.

    Attributes
    ----------
    labels : dict of the fixed Text artists: the formulas, keyed as :data:`BOXES` and
        :data:`ARROW_LABELS`, and the rest (headings, ``+``, slopes, ``δZ_t``, destinations)
    sizes : dict of the Text artists that :meth:`show_sizes` fills, one under each label
    """

    def __init__(self, ax, title: str | None = None):
        self.ax = ax
        drawing_axes(ax, XLIM, YLIM, title)
        self.labels, self.sizes = {}, {}
        self._draw_regions(ax)
        for key, ((x, y), width, formula) in BOXES.items():
            self._box(ax, key, x, y, width, formula)
        self._draw_arrows(ax)
        for key, (x, y, text, va) in ARROW_LABELS.items():
            self.labels[key] = ax.text(x, y, text, ha="left", va=va, fontsize=SMALL, zorder=5)
            x, y, ha, va = NUMBER_AT[key]
            self.sizes[key] = ax.text(x, y, "", ha=ha, va=va, fontsize=SMALL, color="0.15", zorder=5)
        self.labels["path_2"] = ax.text(PLUS_X + 0.35, S_Y - 0.12, "path 2", ha="left", va="top", fontsize=SMALL,
                                        zorder=5)
        for key, text in HANDED_BACK.items():
            x, y = ARROW_LABELS[key][:2]
            self.labels[f"{key}_to"] = ax.text(x, y - 0.22, text, ha="left", va="top", fontsize=SMALL, zorder=5)
        self.show_sizes(None)

    # --- the static drawing -------------------------------------------------------
    def _draw_regions(self, ax):
        ax.add_patch(FancyBboxPatch((STEP_LEFT, STEP_BOTTOM), STEP_RIGHT - STEP_LEFT, STEP_TOP - STEP_BOTTOM,
                                    boxstyle="round,pad=0.02,rounding_size=0.3", facecolor="0.96", edgecolor="0.55",
                                    lw=1.3, zorder=0))
        self.labels["step"] = ax.text(STEP_LEFT + 0.15, STEP_TOP - 0.1, "backward step t", ha="left", va="top",
                                      fontsize=FONT, fontweight="bold", zorder=1)
        self.labels["left"] = ax.text(0.1, STEP_TOP - 0.1, "to step t-1", ha="left", va="top", fontsize=FONT,
                                      fontweight="bold", zorder=1)
        self.labels["right"] = ax.text(XLIM[1] - 0.1, STEP_TOP - 0.1, "from step t+1\nand the loss", ha="right",
                                       va="top", fontsize=FONT, fontweight="bold", zorder=1, linespacing=1.1)

    def _box(self, ax, key, x, y, width, formula):
        name = key[-1] if key in (*GATE_KEYS, *Z_KEYS) else None  # the gate of a gate's box
        face = _tint(GATE_COLORS[name], 0.28) if name else "white"
        edge = GATE_COLORS[name] if name else "0.3"
        ax.add_patch(FancyBboxPatch((x - width / 2, y - BOX_H / 2), width, BOX_H,
                                    boxstyle="round,pad=0.0,rounding_size=0.12", facecolor=face, edgecolor=edge,
                                    lw=2.0, zorder=3))
        self.labels[key] = ax.text(x, y, formula, ha="center", va="center", fontsize=FONT, zorder=5)
        self.sizes[key] = ax.text(x, y - 0.19, "", ha="center", va="center", fontsize=SMALL, color="0.15", zorder=5)

    def _draw_arrows(self, ax):
        half = BOX_H / 2
        ds_x, ds_w = BOXES["ds"][0][0], BOXES["ds"][1]
        dh_x, dh_w = BOXES["dh"][0][0], BOXES["dh"][1]
        # arriving: path 2 from step t+1 meets path 1 at the +, and δS_t = their sum
        _arrow(ax, (XLIM[1] - 0.05, S_Y), (PLUS_X + _NODE_R, S_Y), PATH_LINE["via_next"], lw=2.6)
        _arrow(ax, (PLUS_X, H_Y + half), (PLUS_X, S_Y - _NODE_R), PATH_LINE["via_h"], lw=2.6)
        _arrow(ax, (PLUS_X - _NODE_R, S_Y), (ds_x + ds_w / 2, S_Y), PATH_LINE["total"], lw=2.6)
        ax.add_patch(Circle((PLUS_X, S_Y), _NODE_R, facecolor="white", edgecolor="0.2", lw=1.6, zorder=4))
        self.labels["plus"] = ax.text(PLUS_X, S_Y, "+", ha="center", va="center", fontsize=FONT + 2, zorder=5)
        for dy in (0.2, -0.2):  # g_t from the loss and δh_next from step t+1, into δh_t
            _arrow(ax, (XLIM[1] - 0.05, H_Y + dy), (dh_x + dh_w / 2, H_Y + dy))
        # δS_t to δa, δi, δf; δh_t to δo; each gate's gradient to its δZ
        for name, x in GATE_X.items():
            top = S_Y - half if name != "o" else H_Y - half
            _arrow(ax, (x, top), (x, GATE_Y + half), PATH_LINE["total"] if name != "o" else ARROW_GREY)
            _arrow(ax, (x, GATE_Y - half), (x, Z_Y + half))
            act = "\\tanh'" if name == "a" else "\\sigma'"
            self.labels[f"slope_{name}"] = ax.text(x + 0.1, (GATE_Y + Z_Y) / 2, f"$\\times\\, {act}$", ha="left",
                                                   va="center", fontsize=SMALL, zorder=5)
        # δZ_t: the four blocks, bracketed, on to δI_t and to δW, δb
        left, right = GATE_X["a"] - 1.15, GATE_X["o"] + 1.15
        bracket_y = Z_Y - half - 0.2
        ax.plot([left, left, right, right], [bracket_y + 0.12, bracket_y, bracket_y, bracket_y + 0.12],
                color=ARROW_GREY, lw=1.8, zorder=2)
        self.labels["dz"] = ax.text((left + right) / 2, bracket_y - 0.1,
                                    "$\\delta Z_t = [\\delta Z_a,\\ \\delta Z_i,\\ \\delta Z_f,\\ \\delta Z_o]$",
                                    ha="center", va="top", fontsize=FONT, zorder=5,
                                    bbox=dict(boxstyle="round,pad=0.1", facecolor="0.96", edgecolor="none"))
        for key in ("dI", "dW"):
            x = BOXES[key][0][0]
            _arrow(ax, (x, bracket_y), (x, OUT_Y + half))
        # handed back: δS_t ⊙ f_t and W_hᵀ δZ_t to step t-1, δx_t down to the input
        _arrow(ax, (ds_x - ds_w / 2, S_Y), (XLIM[0] + 0.05, S_Y), PATH_LINE["via_next"], lw=2.6)
        dI_x, dI_w = BOXES["dI"][0][0], BOXES["dI"][1]
        _arrow(ax, (dI_x - dI_w / 2, OUT_Y), (XLIM[0] + 0.05, OUT_Y))
        _arrow(ax, (ARROW_LABELS["dx"][0] - 0.15, OUT_Y - half), (ARROW_LABELS["dx"][0] - 0.15, YLIM[0] + 0.05))

    # --- updates --------------------------------------------------------------------
    def show_sizes(self, sizes: dict[str, float] | None) -> None:
        """Write under each label the norm of its gradient (keys of
        :func:`~lstm_core.lessons.measures.backward_step_sizes`); None, or a missing key, leaves that
        label without a number."""
        sizes = sizes or {}
        for key, text in self.sizes.items():
            value = sizes.get(key)
            if key == "dW" and value is not None and "db" in sizes:
                shown = f"this step adds  ‖·‖ = {number(value)} to $\\delta W$,  {number(sizes['db'])} to $\\delta b$"
            else:
                shown = "" if value is None else f"‖·‖ = {number(value)}"
            text.set_text(shown)
            if key in BOXES:  # a box's formula moves up to make room for its number
                x, y = BOXES[key][0]
                self.labels[key].set_position((x, y + 0.15 if shown else y))


def _tint(color: str, amount: float) -> tuple:
    """``color`` mixed with white, ``amount`` of the colour: a light fill that black text reads on."""
    return tuple(1 - amount * (1 - c) for c in to_rgb(color))


__all__ = ["BackwardStepDiagram"]
