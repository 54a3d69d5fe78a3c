"""A small scalar graph in which one variable reaches the loss along two routes.

Notebook 00 uses it to teach the chain rule and the multi-path derivative before any
LSTM appears. The graph is the LSTM cell state in miniature:

    t = tanh(s)      h = o · t      n = f · s      L = h + n

``s`` reaches ``L`` through ``h`` (path 1) and through ``n`` (path 2), so
``∂L/∂s = o · (1 - t²) + f``, the same shape as ``δS_t`` in notebook 2.
"""

from __future__ import annotations

import numpy as np

#: (parent, child, path): the edges of the graph; ``path`` names the route of ``s`` an
#: edge lies on ("via_h": path 1, "via_next": path 2), or None
EDGES = [("s", "t", "via_h"), ("t", "h", "via_h"), ("o", "h", None), ("h", "L", "via_h"),
         ("s", "n", "via_next"), ("f", "n", None), ("n", "L", "via_next")]
#: each node's equation, as the diagram labels it
LABELS = {"s": "s", "t": "t = tanh s", "o": "o", "h": "h = o·t", "f": "f", "n": "n = f·s", "L": "L = h + n"}


def forward(s: float, o: float, f: float) -> dict[str, float]:
    """Every node's value."""
    t = np.tanh(s)
    h, n = o * t, f * s
    return {"s": s, "o": o, "f": f, "t": t, "h": h, "n": n, "L": h + n}


def local_derivatives(values: dict[str, float]) -> dict[tuple[str, str], float]:
    """``∂child/∂parent`` for every edge, at the node values ``values``."""
    return {("s", "t"): 1 - values["t"] ** 2, ("t", "h"): values["o"], ("o", "h"): values["t"], ("h", "L"): 1.0,
            ("s", "n"): values["f"], ("f", "n"): values["s"], ("n", "L"): 1.0}


def backward(values: dict[str, float]) -> dict[str, float]:
    """``∂L/∂node`` for every node: each node sums what flows back along its out-edges."""
    local = local_derivatives(values)
    grad = {"L": 1.0}
    for node in ("h", "n", "t", "o", "f", "s"):  # children before parents
        grad[node] = sum(grad[child] * local[(parent, child)] for parent, child, _ in EDGES if parent == node)
    return grad


__all__ = ["EDGES", "LABELS", "backward", "forward", "local_derivatives"]
