"""The one table of names: each curve, path and gate as the figures label it and as the words say it.

Every legend, readout and alt text takes its names from here, so a curve is called the
same on the figure, under it and in its description.
"""

from __future__ import annotations

from typing import NamedTuple

from ..params import GATE_ORDER


class Label(NamedTuple):
    """``math``: the legend's label (mathtext); ``words``: the same name in plain text."""

    math: str
    words: str


#: the curves of :func:`lstm_core.lessons.measures.gradient_decay`, in the order they are drawn
DECAY = {
    "lstm": Label("LSTM: $\\|\\delta S_t\\|$", "LSTM ‖δS‖"),
    "carousel": Label("LSTM, path 2 alone: $\\|\\delta S_T \\odot \\prod f\\|$", "path 2 alone"),
    "lstm_dh": Label("LSTM: $\\|\\delta h_t\\|$", "LSTM ‖δh‖"),
    "rnn": Label("RNN: $\\|\\delta h_t\\|$", "RNN ‖δh‖"),
}

#: the curves of :func:`lstm_core.figures.frameworks.gate_products`, per network
GATE_PRODUCTS = {
    "lstm": {"lstm": Label("total: $\\|\\delta S_t\\|$", "‖δS‖"),
             "carousel": Label("path 2 alone: $\\prod f$", "path 2 alone")},
    "gru": {"gru": Label("total: $\\|\\delta h_t\\|$", "‖δh‖"),
            "direct": Label("direct path alone: $\\prod z$", "direct path alone")},
}

#: the two paths of the gradient into S_t, and their sum
PATHS = {
    "via_h": Label("path 1: $\\|\\delta h_t \\odot o_t \\odot (1-\\tanh^2 S_t)\\|$", "path 1"),
    "via_next": Label("path 2: $\\|\\delta S_{t+1} \\odot f_{t+1}\\|$", "path 2"),
    "total": Label("$\\|\\delta S_t\\| = \\|$path 1 + path 2$\\|$", "δS_t"),
}

#: the gates, as the bar charts label them
GATES = {"a": Label("$a_t$ tanh", "a"), "i": Label("$i_t$ σ", "i"), "f": Label("$f_t$ σ", "f"),
         "o": Label("$o_t$ σ", "o")}
assert tuple(GATES) == GATE_ORDER

#: what a text stepper can colour the text by: quantity -> label
TEXT_QUANTITIES = {"s": Label("cell state $S_t$", "cell state S"), "f": Label("gate value", "keep gate f"),
                   "i": Label("gate value", "input gate i"), "o": Label("gate value", "output gate o")}

#: the gradients of one backward step (:func:`~lstm_core.lessons.measures.backward_step_sizes`'s keys), in words
STEP_GRADS = {
    "dh_loss": "g_t", "dh_next": "δh_next", "dh": "δh_t", "ds_via_h": "path 1", "ds_via_next": "path 2", "ds": "δS_t",
    **{f"d{g}": f"δ{g}_t" for g in GATE_ORDER}, **{f"dz_{g}": f"δZ_{g}" for g in GATE_ORDER},
    "dI": "δI_t", "dx": "δx_t", "dh_prev": "W_hᵀ δZ_t", "ds_prev": "δS_t ⊙ f_t",
    "dW": "this step's share of δW", "db": "this step's share of δb",
}

#: every stepper control's label (its ``description``)
CONTROLS = {
    "t": "step t", "play": "play", "mode": "model", "unit": "unit", "scale": "W scale ×", "loss": "loss",
    "keep_bias": "keep bias $b_f$", "T": "length T", "show": "colour by", "bias": "gate bias $b_f = b_z$",
    "s": "s", "o": "o", "f": "f",
}

__all__ = ["CONTROLS", "DECAY", "GATES", "GATE_PRODUCTS", "Label", "PATHS", "STEP_GRADS", "TEXT_QUANTITIES"]
