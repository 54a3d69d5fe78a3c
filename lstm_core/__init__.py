"""lstm_core: forward and backward of an LSTM in plain numpy, as the equations read.

The course grew from the article "BackPropagation through LSTM: A differential
approach" by Raman Shinde (in Medium's *Deep Learning* publication), and the package
keeps its notation: cell state ``S_t``, gates in the order ``a, i, f, o`` (candidate,
input, keep, output), ``I_t = [x_t, h_{t-1}]`` and ``Z_t = W · I_t + b``. Every symbol
and its name in the code are in the course's notation, ``docs/notation.md``; the
article's linear simplification (every σ and tanh the identity, b = 0) is
``linear=True``.

>>> import numpy as np
>>> from lstm_core import init_params, lstm_forward, lstm_backward
>>> params = init_params(input_size=3, hidden_size=4, seed=0)
>>> x = np.random.default_rng(0).standard_normal((5, 2, 3))    # (T, B, D)
>>> trace = lstm_forward(params, x)
>>> trace.h.shape
(5, 2, 4)
>>> grads = lstm_backward(trace, dh_loss=np.ones_like(trace.h))
>>> grads.dW.shape, grads.ds.shape
((16, 7), (5, 2, 4))
"""

from . import layouts
from .activations import sigmoid
from .cell import StepGrads, StepTrace, lstm_step_backward, lstm_step_forward
from .gradcheck import gradcheck, numerical_gradient, numerical_lstm_gradients, relative_error
from .gru import (
    GRU_GATE_ORDER,
    GRUGrads,
    GRUParams,
    GRUStepGrads,
    GRUStepTrace,
    GRUTrace,
    gru_backward,
    gru_forward,
    gru_gate_slice,
    gru_step_backward,
    gru_step_forward,
    init_gru_params,
)
from .losses import mse_loss, softmax, softmax_cross_entropy
from .optim import SGD, Adam, Momentum, clip_grad_norm, grad_norm
from .params import GATE_ORDER, LSTMParams, gate_slice, init_params
from .readout import ReadoutGrads, ReadoutParams, init_readout, readout_backward, readout_forward
from .rnn import RNNGrads, RNNParams, RNNTrace, init_rnn_params, rnn_backward, rnn_forward
from .sequence import LSTMGrads, LSTMTrace, lstm_backward, lstm_forward

__version__ = "0.3.0"

# The course is built on this engine and comes with the `course` extra (lstm_core._course):
# the figures (lstm_core.figures), the exercise checks (lstm_core.checks) and the lessons'
# measures and data (lstm_core.lessons). The engine never imports from them, and needs numpy alone.

__all__ = [
    "GATE_ORDER",
    "GRUGrads",
    "GRUParams",
    "GRUStepGrads",
    "GRUStepTrace",
    "GRUTrace",
    "GRU_GATE_ORDER",
    "SGD",
    "Adam",
    "LSTMGrads",
    "LSTMParams",
    "LSTMTrace",
    "Momentum",
    "RNNGrads",
    "RNNParams",
    "RNNTrace",
    "ReadoutGrads",
    "ReadoutParams",
    "StepGrads",
    "StepTrace",
    "clip_grad_norm",
    "gate_slice",
    "grad_norm",
    "gradcheck",
    "gru_backward",
    "gru_forward",
    "gru_gate_slice",
    "gru_step_backward",
    "gru_step_forward",
    "init_gru_params",
    "init_params",
    "init_readout",
    "init_rnn_params",
    "layouts",
    "lstm_backward",
    "lstm_forward",
    "lstm_step_backward",
    "lstm_step_forward",
    "mse_loss",
    "numerical_gradient",
    "numerical_lstm_gradients",
    "readout_backward",
    "readout_forward",
    "relative_error",
    "rnn_backward",
    "rnn_forward",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
]
