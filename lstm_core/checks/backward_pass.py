"""Notebook 04's last exercise: the whole backward pass through time for one sequence,
``backward_through_time(W, steps, dh_loss) -> (dW, db, dx)``.

The student's function gets

- ``W`` (4H, D+H), the stacked weights (``b`` is not needed going back);
- ``steps``, a list of the T :class:`~lstm_core.cell.StepTrace` records of one sequence,
  ``steps[k]`` for step ``t = k + 1``, as ``lc.lstm_step_forward`` returns them (no batch
  axis): ``.x .h_prev .s_prev``, the gates ``.a .i .f .o``, ``.s``, ``.h`` and ``.I``;
- ``dh_loss`` (T, H), ``g_t = ∂L/∂h_t``: the loss's direct term at every step,

and returns ``δW`` (4H, D+H) and ``δb`` (4H,), each summed over the T steps, and ``δx``
(T, D), one row per step: ``lc.lstm_backward``'s ``dW``, ``db``, ``dx`` with nothing
arriving from beyond step T. It walks t = T, …, 1 carrying the engine's two names,
``dh_next`` (δh_next, the last H entries of Wᵀ δZ_{t+1}) and ``ds_via_next``
(path 2, δS_{t+1} ⊙ f_{t+1}), both zero at t = T. A solution, as in the notebook
(the loop written with the step exercises' equations):

>>> import numpy as np
>>> def backward_through_time(W, steps, dh_loss):
...     T, H = dh_loss.shape
...     D = W.shape[1] - H
...     dW, db, dx = np.zeros_like(W), np.zeros(4 * H), np.zeros((T, D))
...     dh_next, ds_via_next = np.zeros(H), np.zeros(H)  # nothing arrives from beyond step T
...     for k in reversed(range(T)):                     # t = k + 1 = T, T-1, ..., 1
...         st = steps[k]
...         dh = dh_loss[k] + dh_next                    # δh_t = g_t + δh_next
...         ds = dh * st.o * (1 - np.tanh(st.s) ** 2) + ds_via_next   # path 1 + path 2
...         dz = np.concatenate([ds * st.i * (1 - st.a ** 2), ds * st.a * st.i * (1 - st.i),
...                              ds * st.s_prev * st.f * (1 - st.f), dh * np.tanh(st.s) * st.o * (1 - st.o)])
...         dI = W.T @ dz                                # δI_t = Wᵀ δZ_t = [δx_t, δh_next for t-1]
...         dx[k], dh_next = dI[:D], dI[D:]
...         ds_via_next = ds * st.f                      # path 2 into S_{t-1}: δS_t ⊙ f_t
...         dW += np.outer(dz, st.I)                     # W is shared: add every step's share
...         db += dz
...     return dW, db, dx
>>> check_backward_through_time(backward_through_time)
✓ backward_through_time: correct on 5 cases

The check compares with ``lc.lstm_backward`` on five sequences (T from 3 to 7, several
D and H, non-zero ``h_0`` and ``S_0``, ``dh_loss`` non-zero at every step), and once per
session confirms that ``lc.lstm_backward`` agrees with finite differences on the first of
them. Its modelled mistakes, each with its own message:

- ``dh_next_not_added``: δh_t = g_t only; what comes back from step t+1 is dropped;
- ``ds_not_carried``: δS_t = path 1 only (``ds_via_next`` never handed back, or set to zero
  inside the loop: the two give the same numbers);
- ``ds_without_f``: δS_t handed back as it is, not ⊙ f_t;
- ``ds_keep_gate_of_wrong_step``: δS_{t+1} ⊙ f_t, the keep gate of the receiving step instead of
  the sending one;
- ``reset_in_loop``: both ``dh_next`` and ``ds_via_next`` set to zero inside the loop;
- ``loop_forwards``: the loop walks t = 1, …, T;
- ``last_step_only``: δW (or δb) overwritten at every step, so only t = 1's share is left;
- ``step_T_only``: δW (or δb) from step T alone;
- ``I_with_h_t``: δW built with ``[x_t, h_t]`` in place of ``I_t = [x_t, h_{t-1}]``;
- ``dx_reversed``: the rows of δx in reverse order (appended while walking back);
- ``dh_loss_one_step_off``: ``dh_loss[k - 1]`` read for ``steps[k]``.
"""

from __future__ import annotations

import dataclasses
import sys
from contextlib import contextmanager
from functools import cache

import numpy as np

from ..cell import cell_backward, gate_gradients, lstm_step_backward, state_gradient_via_h
from ..gradcheck import gradcheck, numerical_lstm_gradients
from ..sequence import lstm_backward, lstm_forward
from .checker import (
    Case,
    CheckResult,
    Exercise,
    Mistake,
    gate_of_row,
    hidden_name,
    one_output,
    random_problem,
    run_check,
    seeds,
    whole_outputs,
)

NAME = "backward_through_time"
#: (D, H, T) of the five cases: several sizes, H = 1 and H ≠ D among them, T from 3 to 7
SIZES = ((2, 3, 5), (2, 1, 3), (3, 4, 6), (1, 5, 4), (4, 2, 7))
#: (D, H, T) of the hidden cases that nbgrader's graded notebook runs as well
HIDDEN_SIZES = ((3, 2, 6), (1, 1, 4), (2, 4, 3), (5, 3, 5), (2, 6, 4))
#: the outputs, each graded on its own (``check_backward_through_time(f, output="dW")``)
OUTPUT_LABELS = {"dW": "δW", "db": "δb", "dx": "δx"}
FD_TOLERANCE = 1e-7


def _problems(hidden: bool = False):
    """Each case's ``(params, x, h0, s0, dh_loss)``, seeded."""
    problems = []
    for seed, (D, H, T) in zip(seeds(700, hidden), HIDDEN_SIZES if hidden else SIZES):
        params, _, h0, s0, rng = random_problem(seed, D=D, H=H)
        problems.append((params, rng.standard_normal((T, D)), h0, s0, rng.standard_normal((T, H))))
    return problems


def _backward_through_time(W, steps, dh_loss, add_dh_next=True, carry_ds=True, keep_gate="next",
                           forwards=False, reset_in_loop=False, only_share="all", dh_loss_shift=0,
                           I_with_h_t=False, dx_reversed=False):
    """The loop over time, with optional modelled mistakes.

    ``keep_gate``: ``"next"`` (right: δS_t ⊙ f_t handed back, so step t adds δS_{t+1} ⊙ f_{t+1}),
    ``"none"`` (δS_t handed back unmultiplied) or ``"this"`` (step t adds δS_{t+1} ⊙ f_t).
    ``only_share``: ``"all"`` (right), ``"last"`` (δW and δB hold only the share of the last step
    the loop visits) or ``"first"`` (only the first's). ``dh_loss_shift = -1`` reads ``dh_loss[k - 1]``.
    """
    T, H = dh_loss.shape
    D = W.shape[1] - H
    dW, db, dx = np.zeros_like(W), np.zeros(4 * H), np.zeros((T, D))
    dh_next, ds_via_next = np.zeros(H), np.zeros(H)
    order = list(range(T) if forwards else reversed(range(T)))
    for k in order:
        if reset_in_loop:
            dh_next, ds_via_next = np.zeros(H), np.zeros(H)
        st = steps[k]
        dh = dh_loss[k + dh_loss_shift] + (dh_next if add_dh_next else 0.0)
        path2 = ds_via_next * st.f if keep_gate == "this" else ds_via_next
        ds = dh * st.o * (1 - np.tanh(st.s) ** 2) + (path2 if carry_ds else 0.0)
        dz = np.concatenate([ds * st.i * (1 - st.a ** 2), ds * st.a * st.i * (1 - st.i),
                             ds * st.s_prev * st.f * (1 - st.f), dh * np.tanh(st.s) * st.o * (1 - st.o)])
        dI = W.T @ dz
        dx[k], dh_next = dI[:D], dI[D:]
        ds_via_next = ds * st.f if keep_gate == "next" else ds
        I = np.concatenate([st.x, st.h]) if I_with_h_t else st.I
        if only_share == "last" or (only_share == "first" and k == order[0]):
            dW, db = np.outer(dz, I), dz.copy()
        elif only_share == "all":
            dW += np.outer(dz, I)
            db += dz
    return dW, db, dx[::-1].copy() if dx_reversed else dx


@cache
def reference_agrees_with_finite_differences() -> dict:
    """Relative errors of ``lc.lstm_backward`` against finite differences on the first case.

    Computed once per session; raises RuntimeError (an engine bug, never the student's) if
    any is above ``FD_TOLERANCE``.
    """
    params, x, h0, s0, dh_loss = _problems()[0]
    errors = gradcheck(params, x, dh_loss, h0=h0, s0=s0, wrt=("W", "b", "x"))
    if not all(error < FD_TOLERANCE for error in errors.values()):
        raise RuntimeError(f"lc.lstm_backward disagrees with finite differences: {errors}")
    return errors


def backward_through_time_exercise(hidden: bool = False) -> Exercise:
    reference_agrees_with_finite_differences()
    cases = []
    for params, x, h0, s0, dh_loss in _problems(hidden):
        trace = lstm_forward(params, x, h0, s0)
        steps = [trace.step(k) for k in range(len(x))]  # the StepTraces lc.lstm_step_forward gives, t = 1..T
        grads = lstm_backward(trace, dh_loss)
        cases.append(Case((params.W, steps, dh_loss), (grads.dW, grads.db, grads.dx)))

    def model(**mistake):
        return lambda case: _backward_through_time(*case.args, **mistake)

    mistakes = [
        Mistake("dh_next_not_added", "δh_next is not added: δh_t = g_t + δh_next, where δh_next (the last H "
                "entries of Wᵀ δZ_{t+1}) is what step t+1 hands back to h_t", model(add_dh_next=False),
                partial=False),
        Mistake("ds_not_carried", "δS is not carried back: δS_t = path 1 + path 2, where path 2, δS_{t+1} ⊙ "
                "f_{t+1}, comes from step t+1 (is ds_via_next never updated, or set to zero inside the loop?)",
                model(carry_ds=False), partial=False),
        Mistake("ds_without_f", "δS is carried back without the keep gate: hand back δS_t ⊙ f_t (path 2 into "
                "S_{t-1}), not δS_t", model(keep_gate="none"), partial=False),
        Mistake("ds_keep_gate_of_wrong_step", "δS is carried back through the wrong keep gate: step t hands "
                "δS_t ⊙ f_t back to S_{t-1}, times the keep gate of the step that sends it (steps[k].f), because "
                "S_t = … + f_t ⊙ S_{t-1}; here it was multiplied by the receiving step's f_{t-1} (steps[k-1].f, "
                "which at k = 0 silently wraps round to steps[-1])", model(keep_gate="this"), partial=False),
        Mistake("reset_in_loop", "δh_next and path 2 are reset to zero inside the loop: set them to zero once, "
                "before it, and carry them from each step to the one before", model(reset_in_loop=True),
                partial=False),
        Mistake("loop_forwards", "the loop walks forwards (t = 1 … T); the backward pass starts at the last step: "
                "for k in reversed(range(T))", model(forwards=True), partial=False),
        Mistake("last_step_only", "δW (or δb) holds only the share of t = 1, the step the loop visits last "
                "(it walks t = T … 1): it is overwritten at each step, or computed after the loop from the last "
                "δZ_t; W is shared by every step, so add up δW += δZ_t I_tᵀ and δb += δZ_t inside the loop",
                model(only_share="last")),
        Mistake("step_T_only", "δW (or δb) holds only the share of step T, the step the loop visits first; W is "
                "shared by every step, so add up δW += δZ_t I_tᵀ and δb += δZ_t at every step of the loop",
                model(only_share="first")),
        Mistake("I_with_h_t", "δW's last H columns, those of h_{t-1}, are wrong: I_t = [x_t, h_{t-1}] (st.I, or "
                "st.x with st.h_prev), not [x_t, h_t]; the x_t columns are right", model(I_with_h_t=True)),
        Mistake("dx_reversed", "the rows of δx are in reverse order: the loop walks t = T … 1, so a list "
                "appended to in the loop holds δx_T first; put δx_t in row t - 1 (dx[k]), or reverse the list",
                model(dx_reversed=True)),
        Mistake("dh_loss_one_step_off", "dh_loss is read one step off: steps[k] is step t = k + 1, and its "
                "g_t is dh_loss[k] (dh_loss[k - 1] belongs to the step before, and wraps round at k = 0)",
                model(dh_loss_shift=-1), partial=False),
    ]

    def locate(case, output, index):
        H = case.args[2].shape[1]  # dh_loss is (T, H)
        if output == 2:  # dx (T, D)
            return f" (step t = {index[0] + 1})"
        return f" ({gate_of_row(index[0], H)})"

    return Exercise(hidden_name(NAME, hidden), ("W", "steps", "dh_loss"), ("dW", "db", "dx"), tuple(cases),
                    tuple(mistakes), whole_outputs(("δW", "δb", "δx")), locate)


#: the engine's backward pass and its gradient kernels: the exercise is to write them
ENGINE_BACKWARD = (lstm_backward, lstm_step_backward, cell_backward, gate_gradients, state_gradient_via_h,
                   numerical_lstm_gradients)


@contextmanager
def _watching_for(functions, called: list):
    """Append to ``called`` the name of each of ``functions`` that runs inside the block, however it
    was imported (the profiler sees the code object, not the name it was called by)."""
    codes = {function.__code__: function.__name__ for function in functions}
    before = sys.getprofile()

    def profile(frame, event, arg):
        if event == "call" and frame.f_code in codes:
            called.append(codes[frame.f_code])
        if before is not None:
            before(frame, event, arg)

    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(before)


def _copied(step):
    return dataclasses.replace(step, **{field.name: getattr(step, field.name).copy()
                                        for field in dataclasses.fields(step)
                                        if isinstance(getattr(step, field.name), np.ndarray)})


def _changed_field(original, copy):
    """The first array of ``original`` that differs in ``copy``, or None."""
    for field in dataclasses.fields(original):
        value = getattr(original, field.name)
        if isinstance(value, np.ndarray) and not np.array_equal(value, getattr(copy, field.name)):
            return field.name
    return None


def check_backward_through_time(backward_through_time, output: str | None = None,
                                hidden: bool = False) -> CheckResult:
    """Check ``backward_through_time(W, steps, dh_loss) -> (dW, db, dx)`` (notebook 4).

    ``W`` (4H, D+H); ``steps`` the list of T StepTraces of one sequence from
    ``lc.lstm_step_forward``, t = 1..T; ``dh_loss`` (T, H). Returns δW (4H, D+H) and
    δb (4H,), summed over the T steps, and δx (T, D), as ``lc.lstm_backward`` does.

    ``output`` (``"dW"``, ``"db"`` or ``"dx"``) checks that output alone, for credit per
    output; ``hidden=True`` runs other cases (other seeds and sizes), as nbgrader's hidden
    tests do.
    """
    if output is not None and output not in OUTPUT_LABELS:
        raise ValueError(f"output must be one of {', '.join(map(repr, OUTPUT_LABELS))} or None, got {output!r}")
    if not callable(backward_through_time):
        raise TypeError(f"check_{NAME} needs your function, got {type(backward_through_time).__name__}")
    changed, engine_calls = [], []

    def on_copies(W, steps, dh_loss):
        """The student's function on copies of the steps, noting whether it changed them and whether
        it called the engine's backward pass."""
        given = [_copied(step) for step in steps]
        handed = list(given)
        try:
            with _watching_for(ENGINE_BACKWARD, engine_calls):
                return backward_through_time(W, handed, dh_loss)
        finally:
            if len(handed) != len(given) or any(a is not b for a, b in zip(handed, given)):
                changed.append("steps (the list itself: its order or its entries)")
            changed.extend(f"steps[{k}].{name}" for k, (step, copy) in enumerate(zip(steps, given))
                           if (name := _changed_field(step, copy)) is not None)

    exercise = backward_through_time_exercise(hidden)
    if output is None:
        result = run_check(exercise, on_copies)
    else:
        position = exercise.outputs.index(output)
        exercise = one_output(exercise, output, hidden_name(f"{NAME} ({OUTPUT_LABELS[output]})", hidden))
        result = run_check(exercise, on_copies, output=(position, len(OUTPUT_LABELS)))
    name = exercise.name
    if engine_calls and result.mistake != "not_implemented":
        return CheckResult(name, False, "engine_backward_called",
                           f"✗ {name}: calls the engine's {engine_calls[0]}; this exercise is the backward pass "
                           "itself, so write the loop over time with numpy (and your own state_gradient and "
                           "gate_gradients); lstm_core's backward functions are what the check compares with")
    if changed and result.mistake != "not_implemented":
        return CheckResult(name, False, "mutated_input",
                           f"✗ {name}: changes its argument {changed[0]} in place; "
                           "leave the inputs as they are and return new arrays")
    return result


__all__ = ["backward_through_time_exercise", "check_backward_through_time", "reference_agrees_with_finite_differences"]
