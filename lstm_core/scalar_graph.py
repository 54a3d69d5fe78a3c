"""A small scalar graph in which one variable reaches the loss along two routes.

Notebook 00 uses it to teach the chain rule and the multi-path derivative before any
LSTM appears. The graph is the LSTM cell state in miniature:

    t = tanh(s)      h = o · t      n = f · s      L = h + n

``s`` reaches ``L`` through ``h`` (path 1) and through ``n`` (path 2), so
``∂L/∂s = o · (1 - t²) + f``, the same shape as ``δS_t`` in notebook 2.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch

from .diagram import drawing_axes
from .style import OKABE_ITO, PATH_COLORS

#: node -> (x, y) in an axes spanning about -0.5..13 by -1.7..8.2
POSITIONS = {"s": (1.0, 3.5), "t": (4.5, 5.3), "o": (8.0, 7.2), "h": (8.0, 5.3),
             "f": (8.0, -0.9), "n": (8.0, 1.7), "L": (11.5, 3.5)}
#: node -> (dx, dy, ha, va): where its value and gradient are written, clear of the edges
TEXT_AT = {"s": (0, -0.6, "center", "top"), "t": (0, 0.6, "center", "bottom"), "o": (0.6, 0, "left", "center"),
           "h": (0, -0.6, "center", "top"), "f": (0.6, 0, "left", "center"), "n": (0.6, -0.45, "left", "top"),
           "L": (0, -0.6, "center", "top")}
#: (parent, child, path): the edges of the graph; ``path`` colours the edges of s's two routes
EDGES = [("s", "t", "via_h"), ("t", "h", "via_h"), ("o", "h", None), ("h", "L", "via_h"),
         ("s", "n", "via_next"), ("f", "n", None), ("n", "L", "via_next")]
LABELS = {"s": "s", "t": "t = tanh s", "o": "o", "h": "h = o·t", "f": "f", "n": "n = f·s", "L": "L = h + n"}


def forward(s: float, o: float, f: float) -> dict[str, float]:
    """Every node's value."""
    t = np.tanh(s)
    h, n = o * t, f * s
    return {"s": s, "o": o, "f": f, "t": t, "h": h, "n": n, "L": h + n}


def local_derivatives(v: dict[str, float]) -> dict[tuple[str, str], float]:
    """``∂child/∂parent`` for every edge, at the values ``v``."""
    return {("s", "t"): 1 - v["t"] ** 2, ("t", "h"): v["o"], ("o", "h"): v["t"], ("h", "L"): 1.0,
            ("s", "n"): v["f"], ("f", "n"): v["s"], ("n", "L"): 1.0}


def backward(v: dict[str, float]) -> dict[str, float]:
    """``∂L/∂node`` for every node: each node sums what flows back along its out-edges."""
    local = local_derivatives(v)
    grad = {"L": 1.0}
    for node in ("h", "n", "t", "o", "f", "s"):  # children before parents
        grad[node] = sum(grad[child] * local[(parent, child)] for parent, child, _ in EDGES if parent == node)
    return grad


class ScalarGraphDiagram:
    """The graph drawn on ``ax``: nodes with value and gradient, edges with local derivative and flow."""

    def __init__(self, ax, title: str | None = None):
        self.ax = ax
        drawing_axes(ax, (-0.5, 13.0), (-1.7, 8.2), title)
        self.edges, self.edge_texts = {}, {}
        for parent, child, path in EDGES:
            (x0, y0), (x1, y1) = POSITIONS[parent], POSITIONS[child]
            color = PATH_COLORS[path] if path else "0.55"
            self.edges[(parent, child)] = ax.add_patch(FancyArrowPatch(
                (x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=14, color=color, lw=2,
                shrinkA=24, shrinkB=24, zorder=2, alpha=0.9))
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
            self.node_texts[node] = ax.text(x + dx, y + dy, "", ha=ha, va=va, fontsize=10.5, zorder=5,
                                            linespacing=1.15)
        self.dynamic = [*self.edges.values(), *self.edge_texts.values(), *self.node_texts.values()]

    def update(self, s: float, o: float, f: float, max_width: float = 6.0) -> dict[str, float]:
        """Show the graph at these inputs; returns the gradients ``∂L/∂node``."""
        v = forward(s, o, f)
        grad = backward(v)
        local = local_derivatives(v)
        flows = {edge: abs(grad[edge[1]] * d) for edge, d in local.items()}
        scale = max(max(flows.values()), 1e-12)
        for edge, patch in self.edges.items():
            patch.set_linewidth(1.0 + max_width * flows[edge] / scale)
            self.edge_texts[edge].set_text(f"×{local[edge]:.2f}")
        for node, text in self.node_texts.items():
            text.set_text(f"{LABELS[node]}\n= {v[node]:.2f}\nδ = {grad[node]:.2f}")
        return grad


__all__ = ["EDGES", "ScalarGraphDiagram", "backward", "forward", "local_derivatives"]
