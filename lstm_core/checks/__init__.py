"""Checks that diagnose the typical mistakes of the course's "your turn" exercises.

A notebook imports the package and calls one check under the student's function::

    from lstm_core import checks
    checks.check_lstm_step(lstm_step)

(``from lstm_core.checks import check_lstm_step`` works as well.) Each
``check_<name>(student_function)`` runs the function on a few seeded cases, compares it
with the engine, and returns a :class:`CheckResult` whose one-line message says what
happened:

- ``✓ lstm_step: correct on 5 cases``;
- ``✗ state_gradient: looks like path 2 (δS_{t+1} ⊙ f_{t+1}) is missing: …``, when the
  output matches one of the modelled mistakes, computed from the same inputs;
- otherwise the largest error, and where it is;
- ``… not implemented yet: …`` while the function still raises ``NotImplementedError``.

A check never raises because of the student's code (only a ``TypeError`` if it is not
given a function), and never lets the function change the check's own arrays.

>>> check_sgd_update(lambda W, dW, lr: W - lr * dW)
✓ sgd_update: correct on 5 cases
>>> check_sgd_update(lambda W, dW, lr: W + lr * dW).mistake
'update_sign'

The general machinery is in :mod:`.checker`; each notebook's exercises are in their own
module: ``forward_pass`` (01), ``state_gradient`` (02), ``gate_gradients`` (03),
``weight_update`` and ``backward_pass`` (04), ``gru_step`` (07).
"""

from .._course import require_course_extra

require_course_extra("lstm_core.checks")

from .backward_pass import check_backward_through_time  # noqa: E402 - after the check
from .checker import CheckResult  # noqa: E402 - after the check
from .forward_pass import check_lstm_step  # noqa: E402 - after the check
from .gate_gradients import check_gate_gradients  # noqa: E402 - after the check
from .gru_step import check_gru_step_backward  # noqa: E402 - after the check
from .state_gradient import check_state_gradient  # noqa: E402 - after the check
from .weight_update import check_input_gradient, check_sgd_update, check_weight_gradients  # noqa: E402 - after the check

__all__ = [
    "CheckResult",
    "check_backward_through_time",
    "check_gate_gradients",
    "check_gru_step_backward",
    "check_input_gradient",
    "check_lstm_step",
    "check_sgd_update",
    "check_state_gradient",
    "check_weight_gradients",
]
