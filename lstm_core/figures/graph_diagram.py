"""The scalar graph of :mod:`lstm_core.lessons.scalar_graph`, drawn: nodes with their value and
gradient, edges with their local derivative, each edge as wide as the gradient flowing
back along it (notebook 00).
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch

from ..lessons.scalar_graph import EDGES, LABELS, backward, forward, local_derivatives
from .diagram import drawing_axes
from .style import OKABE_ITO, PATH_COLORS

#: node -> (x, y) in an axes spanning about -0.5..13 by -1.7..8.2
POSITIONS = {"s": (1.0, 3.5), "t": (4.5, 5.3), "o": (8.0, 7.2), "h": (8.0, 5.3),
             "f": (8.0, -0.9), "n": (8.0, 1.7), "L": (11.5, 3.5)}
#: how far from a node's centre its edges start and end (its circle's radius is 0.42)
GAP = 0.64
#: node -> (dx, dy, ha, va): where its value and gradient are written, clear of the edges
TEXT_AT = {"s": (0, -0.6, "center", "top"), "t": (0, 0.6, "center", "bottom"), "o": (0.6, 0, "left", "center"),
           "h": (0, -0.6, "center", "top"), "f": (0.6, 0, "left", "center"), "n": (0.6, -0.45, "left", "top"),
           "L": (0, -0.6, "center", "top")}


class ScalarGraphDiagram:
    """The graph drawn on ``ax``: nodes with value and gradient, edges with local derivative and flow."""

    def __init__(self, ax, title: str | None = None):
        self.ax = ax
        drawing_axes(ax, (-0.5, 13.0), (-1.7, 8.2), title)
        self.edges, self.edge_texts = {}, {}
        for parent, child, path in EDGES:
            (x0, y0), (x1, y1) = POSITIONS[parent], POSITIONS[child]
            color = PATH_COLORS[path] if path else "0.55"
            # from GAP before one node's centre to GAP before the other's: clear of the nodes, so drawn above
            # them (a slider redraws the edges over a still picture of the nodes); cut here, not by
            # matplotlib's shrinkA/B, which searches the path for the cut at every frame
            dx, dy = np.subtract((x1, y1), (x0, y0)) / np.hypot(x1 - x0, y1 - y0) * GAP
            self.edges[(parent, child)] = ax.add_patch(FancyArrowPatch(
                (x0 + dx, y0 + dy), (x1 - dx, y1 - dy), arrowstyle="-|>", mutation_scale=14, color=color, lw=2,
                shrinkA=0, shrinkB=0, zorder=4.5, alpha=0.9))
            vertical = x0 == x1  # label beside a vertical edge, above any other
            self.edge_texts[(parent, child)] = ax.text(
                (x0 + x1) / 2 - (0.35 if vertical else 0), (y0 + y1) / 2 + (0 if vertical else 0.28), "",
                ha="right" if vertical else "center", va="center" if vertical else "bottom", fontsize=10.5,
                color="0.15", zorder=5, bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"))
        self.node_texts = {}
        for node, (x, y) in POSITIONS.items():
            face = OKABE_ITO["yellow"] if node == "s" else "white"
            ax.add_patch(Circle((x, y), 0.42, facecolor=face, edgecolor="0.2", lw=1.6, zorder=3))
            ax.text(x, y, node, ha="center", va="center", fontsize=15, fontweight="bold", zorder=4)
            dx, dy, ha, va = TEXT_AT[node]
            style = dict(ha=ha, va=va, fontsize=10.5, zorder=5, linespacing=1.15)
            # three lines: the node's formula (still), then its value and gradient (moving), laid out alike
            ax.text(x + dx, y + dy, f"{LABELS[node]}\n\n", **{**style, "zorder": 4})  # under the edges: still
            self.node_texts[node] = ax.text(x + dx, y + dy, "", **style)
        self.moving = [*self.edges.values(), *self.edge_texts.values(), *self.node_texts.values(), ax.title]

    def scenery(self) -> dict:
        return {}

    def update(self, data: tuple[float, float, float], max_width: float = 6.0) -> dict[str, float]:
        """Show the graph at the inputs ``data = (s, o, f)``, titled with ∂L/∂s; returns the gradients
        ``∂L/∂node``."""
        s, o, f = data
        values = forward(s, o, f)
        grad = backward(values)
        local = local_derivatives(values)
        flows = {edge: abs(grad[edge[1]] * slope) for edge, slope in local.items()}
        scale = max(max(flows.values()), 1e-12)
        for edge, patch in self.edges.items():
            patch.set_linewidth(1.0 + max_width * flows[edge] / scale)
            self.edge_texts[edge].set_text(f"×{local[edge]:.2f}")
        for node, text in self.node_texts.items():
            text.set_text(f"\n= {values[node]:.2f}\nδ = {grad[node]:.2f}")
        self.ax.set_title(f"∂L/∂s = o·(1 - t²) + f = {grad['s']:.2f}")  # s, o and f: at their nodes
        return grad

    def describe(self, data: tuple[float, float, float]) -> str:
        """``∂L/∂s`` at ``data = (s, o, f)``, the sum of its two paths."""
        s, o, f = data
        grad = backward(forward(s, o, f))
        return (f"s = {s:.2f}, o = {o:.2f}, f = {f:.2f}: ∂L/∂s = {grad['s']:.2f} = path 1 o·(1 - t²) "
                f"{o * (1 - np.tanh(s) ** 2):.2f} + path 2 f {f:.2f}")


__all__ = ["ScalarGraphDiagram"]
