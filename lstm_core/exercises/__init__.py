"""Checks for the notebooks' "your turn" exercises, built on the engine.

Each ``check_<name>(student_function)`` runs the student's function on a few seeded
cases, compares it with the engine, and returns a :class:`CheckResult` whose one-line
message says what happened:

- ``✓ lstm_step: correct on 5 cases``;
- ``✗ state_gradient: looks like path 2 (δS_{t+1} ⊙ f_{t+1}) is missing: …``, when the
  output matches one of the mistakes modelled below, computed from the same inputs;
- otherwise the largest error, and where it is;
- ``… not implemented yet: …`` while the function still raises ``NotImplementedError``.

A check never raises because of the student's code (only a ``TypeError`` if it is not
given a function), and never lets the function change the check's own arrays.

>>> import numpy as np
>>> check_sgd_update(lambda W, dW, lr: W - lr * dW)
✓ sgd_update: correct on 5 cases
>>> check_sgd_update(lambda W, dW, lr: W + lr * dW).mistake
'update_sign'

The general checker is in :mod:`~lstm_core.exercises.checker`; each notebook's exercises
are in their own module (``forward_pass``, ``state_gradient``, ``gate_gradients``,
``weight_update``). A notebook uses them as ``from lstm_core import exercises`` and
``exercises.check_lstm_step(lstm_step)``.
"""

from .checker import CheckResult
from .forward_pass import check_lstm_step, lstm_step_exercise
from .gate_gradients import check_gate_gradients, gate_gradients_exercise
from .state_gradient import check_state_gradient, state_gradient_exercise
from .weight_update import (check_input_gradient, check_sgd_update, check_weight_gradients, input_gradient_exercise,
                            sgd_update_exercise, weight_gradients_exercise)

__all__ = [
    "CheckResult",
    "check_gate_gradients",
    "check_input_gradient",
    "check_lstm_step",
    "check_sgd_update",
    "check_state_gradient",
    "check_weight_gradients",
    "gate_gradients_exercise",
    "input_gradient_exercise",
    "lstm_step_exercise",
    "sgd_update_exercise",
    "state_gradient_exercise",
    "weight_gradients_exercise",
]
