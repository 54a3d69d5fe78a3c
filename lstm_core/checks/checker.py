"""The machinery behind every exercise check: run a student's function on seeded cases,
compare it with the engine, and name the modelled mistake its output looks like.

An :class:`Exercise` is a function's name, argument and output names, its cases (inputs
and the engine's outputs) and its :class:`Mistake` models; :func:`run_check` runs a
student's function on it and returns a :class:`CheckResult`. The exercises themselves
live in one module per notebook.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..cell import lstm_step_forward
from ..params import GATE_ORDER, LSTMParams, init_params

N_CASES = 5
#: the lesson's sizes H and D; the checks themselves take H from each case's arrays
HIDDEN_SIZE = 3
INPUT_SIZE = 2
#: ``(D, H)`` of the five cases of a check: the lesson's first, then others, with H = 1 and
#: H ≠ D among them, so that a function with the lesson's sizes written in cannot pass
CASE_SIZES = ((INPUT_SIZE, HIDDEN_SIZE), (3, 1), (1, 4), (4, 2), (2, 5))
#: ``(D, H)`` of the hidden cases, which nbgrader's graded notebooks run after the visible ones
#: (other seeds too): a function tuned to the cases a check shows does not pass them
HIDDEN_CASE_SIZES = ((3, 2), (1, 1), (5, 3), (2, 6), (4, 1))
HIDDEN_SEED_OFFSET = 10_000
RTOL, ATOL = 1e-6, 1e-9
RAISES = None
"""A mistake model's output for a case where that mistake makes numpy raise (a shape error)."""


@dataclass(frozen=True)
class CheckResult:
    """What a check found. Displays as its one-line ``message``.

    Attributes
    ----------
    name : the exercise (``"lstm_step"``, ``"state_gradient"``, …)
    passed : True when every case is correct
    mistake : None when passed; otherwise a key such as ``"path2_missing"``, or
        ``"not_implemented"``, ``"exception"``, ``"mutated_input"``, ``"wrong_output"``,
        ``"unknown"`` (wrong, and like none of the modelled mistakes)
    message : the line shown to the student
    """

    name: str
    passed: bool
    mistake: str | None
    message: str

    def __repr__(self) -> str:
        return self.message

    __str__ = __repr__

    def _repr_pretty_(self, printer, cycle):  # IPython shows the message, not the dataclass
        printer.text(self.message)

    def require(self) -> CheckResult:
        """This result, if the check passed; otherwise raise ``AssertionError(message)``.

        The graded notebooks (``make grading``) print each check through it,
        ``print(checks.check_<name>(<function>).require())``, so that nbgrader's
        autograder scores a failed check zero and shows its one-line diagnosis; the
        students' own notebooks (``exercises/``) only display the result.
        """
        if not self.passed:
            raise AssertionError(self.message)
        return self


@dataclass(frozen=True)
class Mistake:
    """A modelled mistake: ``model(case)`` is what a function making it returns (or RAISES).

    With ``partial``, an output that has the mistake in some of its parts (outputs of a
    tuple, or gate blocks) and is right in the others counts as this mistake too.
    """

    key: str
    message: str
    model: Callable
    partial: bool = True


@dataclass(frozen=True)
class Case:
    args: tuple
    expected: tuple


@dataclass(frozen=True)
class Exercise:
    name: str
    inputs: tuple  # names of the function's arguments, in order
    outputs: tuple  # names of the returned arrays, in order
    cases: tuple
    mistakes: tuple
    parts: Callable  # (output index, array) -> list of (label, index expression) parts
    locate: Callable  # (case, output index, array index) -> words that say where
    explain_error: Callable | None = None  # exception -> Mistake key or None


# ------------------------------------------------------------------------ the checker


def _as_outputs(value, n_outputs: int):
    """The student's return value as a tuple of ``n_outputs`` float arrays, or a message why not."""
    if value is None:
        return "returned None; did you forget the `return` line?"
    values = (value,) if n_outputs == 1 else value
    if n_outputs > 1 and not isinstance(values, (tuple, list)):
        return f"should return {n_outputs} arrays (a tuple), got one {type(value).__name__}"
    if n_outputs > 1 and len(values) != n_outputs:
        return f"should return {n_outputs} arrays (a tuple), got a {type(value).__name__} of {len(values)}"
    try:
        return tuple(np.asarray(array, dtype=np.float64) for array in values)
    except (TypeError, ValueError):
        return f"should return arrays of numbers, got {type(value).__name__}"


def _close(got, want) -> bool:
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=RTOL, atol=ATOL))


def _matches(exercise: Exercise, mistake: Mistake, results, cases) -> tuple[bool, set]:
    """Whether the student's ``results`` are this mistake, and in which parts it shows.

    Every case must raise where the mistake raises, or return what the mistake returns,
    or (for a ``partial`` mistake) have each part either right or as the mistake has it;
    and the mistake must show in at least one case.
    """
    wrong_parts, hits = set(), 0
    for case, got in zip(cases, results):
        modelled = mistake.model(case)
        if isinstance(got, BaseException):
            if modelled is not RAISES:
                return False, set()
            continue
        if modelled is RAISES:
            return False, set()
        modelled = modelled if isinstance(modelled, tuple) else (modelled,)
        if all(_close(answer, modelled_array) for answer, modelled_array in zip(got, modelled)) and not all(
            _close(answer, right) for answer, right in zip(got, case.expected)
        ):
            hits += 1
            wrong_parts |= {label for output, modelled_array in enumerate(modelled)
                            for label, part in exercise.parts(output, modelled_array)
                            if modelled_array.shape != case.expected[output].shape
                            or not _close(modelled_array[part], case.expected[output][part])}
            continue
        if not mistake.partial:
            return False, set()
        for output, (answer, modelled_array, right) in enumerate(zip(got, modelled, case.expected)):
            if answer.shape != right.shape or modelled_array.shape != right.shape:
                return False, set()
            for label, part in exercise.parts(output, right):
                if _close(answer[part], right[part]):
                    continue
                if not _close(answer[part], modelled_array[part]):
                    return False, set()
                wrong_parts.add(label)
                hits += 1
    return hits > 0, wrong_parts


def _largest_error(exercise: Exercise, results) -> str:
    worst = (-1.0, None)
    n_wrong = 0
    for number, (case, got) in enumerate(zip(exercise.cases, results)):
        wrong = False
        for output, (answer, right) in enumerate(zip(got, case.expected)):
            if answer.shape != right.shape:
                return (f"{exercise.outputs[output]} has shape {answer.shape}, expected {right.shape} "
                        f"(case {number + 1})")
            error = np.nan_to_num(np.abs(answer - right), nan=np.inf)  # a NaN is the worst error there is
            if not _close(answer, right):
                wrong = True
                index = tuple(int(axis) for axis in np.unravel_index(int(np.argmax(error)), error.shape))
                if error[index] > worst[0]:
                    worst = (float(error[index]), (number, output, index, float(answer[index]), float(right[index])))
        n_wrong += wrong
    size, (number, output, index, got_value, right_value) = worst
    where = exercise.locate(exercise.cases[number], output, index)
    every = [label for output_number, right in enumerate(exercise.cases[0].expected)
             for label, _ in exercise.parts(output_number, right)]
    wrong = {label for case, got in zip(exercise.cases, results)
             for output_number, (answer, right) in enumerate(zip(got, case.expected))
             for label, part in exercise.parts(output_number, right) if not _close(answer[part], right[part])}
    in_parts = f"wrong in {', '.join(label for label in every if label in wrong)}; " if len(every) > 1 else ""
    return (f"{in_parts}wrong on {n_wrong} of {len(results)} cases; largest error {size:.3g} in "
            f"{exercise.outputs[output]}{list(index)}{where} of case {number + 1}: "
            f"got {got_value:.4g}, expected {right_value:.4g}")


def run_check(exercise: Exercise, function, output: tuple[int, int] | None = None) -> CheckResult:
    """Run ``function`` on every case of ``exercise`` and say what it got right or which mistake it made.

    ``output``, for an exercise narrowed by :func:`one_output`: ``(k, n)``, the position of that
    output among the ``n`` the function returns, so that the function is still held to return all ``n``.
    """
    if not callable(function):
        raise TypeError(f"check_{exercise.name} needs your function, got {type(function).__name__}")
    name = exercise.name
    n_returned = len(exercise.outputs) if output is None else output[1]
    results = []
    for case in exercise.cases:
        args = tuple(arg.copy() if isinstance(arg, np.ndarray) else arg for arg in case.args)
        try:
            value = function(*args)
        except NotImplementedError:
            return CheckResult(name, False, "not_implemented",
                               f"… not implemented yet: {name} still raises NotImplementedError; "
                               "replace that line with your code and run this cell again")
        except Exception as error:  # noqa: BLE001 - the student's code may raise anything
            results.append(error)
            continue
        for position, (original, student_copy) in enumerate(zip(case.args, args)):
            if isinstance(original, np.ndarray) and not np.array_equal(original, student_copy):
                return CheckResult(name, False, "mutated_input",
                                   f"✗ {name}: changes its argument {exercise.inputs[position]} in place; "
                                   "leave the inputs as they are and return new arrays")
        outputs = _as_outputs(value, n_returned)
        if isinstance(outputs, str):
            return CheckResult(name, False, "wrong_output", f"✗ {name}: {outputs}")
        results.append(outputs if output is None else (outputs[output[0]],))

    for mistake in exercise.mistakes:
        matched, parts = _matches(exercise, mistake, results, exercise.cases)
        if matched:
            every = [label for output, right in enumerate(exercise.cases[0].expected)
                     for label, _ in exercise.parts(output, right)]
            labels = [label for label in every if label in parts]
            where = f" (in {', '.join(labels)})" if mistake.partial and len(labels) < len(every) else ""
            return CheckResult(name, False, mistake.key, f"✗ {name}: looks like {mistake.message}{where}")

    errors = [(number, result) for number, result in enumerate(results) if isinstance(result, BaseException)]
    if errors:
        number, error = errors[0]
        key = exercise.explain_error(error) if exercise.explain_error else None
        for mistake in exercise.mistakes:
            if mistake.key == key:
                return CheckResult(name, False, key, f"✗ {name}: looks like {mistake.message} "
                                   f"({type(error).__name__}: {error})")
        return CheckResult(name, False, "exception",
                           f"✗ {name} raised {type(error).__name__} on case {number + 1}: {error}")

    if all(_close(answer, right) for case, got in zip(exercise.cases, results)
           for answer, right in zip(got, case.expected)):
        return CheckResult(name, True, None, f"✓ {name}: correct on {len(results)} cases")
    return CheckResult(name, False, "unknown", f"✗ {name}: {_largest_error(exercise, results)}")


# ------------------------------------------------------------------- shared helpers


def gate_blocks(output, array):
    """The four gate blocks of a (4H,) array such as δZ_t, as parts."""
    H = array.shape[-1] // 4
    return [(f"δZ_{gate}", np.s_[block * H:(block + 1) * H]) for block, gate in enumerate(GATE_ORDER)]


def whole_outputs(names):
    """Each output is one part, labelled with its name."""
    return lambda output, array: [(names[output], np.s_[...])]


def no_location(case, output, index):
    return ""


def unit_location(case, output, index):
    return f" (unit {index[-1] + 1})" if index else ""


def gate_of_row(row: int, H: int) -> str:
    """Where row ``row`` of a (4H, …) array such as W or δZ_t is: its gate, and the unit in it."""
    return f"gate {GATE_ORDER[row // H]}, unit {row % H + 1}"


def gate_row_location(H_of):
    """A ``locate`` that names the gate and unit of the row, with H taken from the case by ``H_of(case)``."""
    return lambda case, output, index: f" ({gate_of_row(index[0], H_of(case))})"


def random_problem(seed: int, D: int = INPUT_SIZE, H: int = HIDDEN_SIZE):
    """Weights with non-zero biases, an input and a non-zero previous state."""
    rng = np.random.default_rng(seed)
    params = init_params(D, H, seed=seed, scale=1.0)
    params = LSTMParams(params.W, rng.uniform(-0.5, 0.5, 4 * H))
    return params, rng.standard_normal(D), rng.standard_normal(H), rng.standard_normal(H), rng


def random_step(seed: int, D: int = INPUT_SIZE, H: int = HIDDEN_SIZE):
    """:func:`random_problem` run one step forward: ``(params, step, rng)``, ``step`` a StepTrace."""
    params, x_t, h_prev, s_prev, rng = random_problem(seed, D=D, H=H)
    return params, lstm_step_forward(params, x_t, h_prev, s_prev), rng


def wrong_orders():
    """Every wrong order of the gate blocks, as tuples of gate names."""
    return [order for order in itertools.permutations(GATE_ORDER) if order != GATE_ORDER]


def order_message(order) -> str:
    return (f"the gate blocks are in the wrong order (you used {', '.join(order)}); "
            f"Z_t, W and b are stacked as {', '.join(GATE_ORDER)}")


def permuted_blocks(blocks: dict, order) -> dict:
    """Which array a student who reads the blocks in ``order`` calls each gate."""
    return {gate: blocks[GATE_ORDER[position]] for position, gate in enumerate(order)}


def seeds(base: int, hidden: bool = False):
    """The seeds of a check's cases; the hidden cases' are others."""
    base += HIDDEN_SEED_OFFSET if hidden else 0
    return range(base, base + N_CASES)


def sized_seeds(base: int, hidden: bool = False):
    """``(seed, D, H)`` for each case: :func:`seeds` with the sizes of :data:`CASE_SIZES`
    (or, for the hidden cases, of :data:`HIDDEN_CASE_SIZES`)."""
    sizes = HIDDEN_CASE_SIZES if hidden else CASE_SIZES
    return [(seed, D, H) for seed, (D, H) in zip(seeds(base, hidden), sizes)]


def hidden_name(name: str, hidden: bool) -> str:
    """The exercise's name as its messages give it: ``"state_gradient, hidden cases"`` for the hidden ones."""
    return f"{name}, hidden cases" if hidden else name


def one_output(exercise: Exercise, output: str, name: str) -> Exercise:
    """``exercise`` checked on one of its outputs only, under ``name``: for credit per output."""
    k = exercise.outputs.index(output)

    def projected(model):
        def on_one(case):
            modelled = model(case)
            return modelled if modelled is RAISES else (modelled if isinstance(modelled, tuple) else (modelled,))[k]
        return on_one

    return dataclasses.replace(
        exercise, name=name, outputs=(output,),
        cases=tuple(Case(case.args, (case.expected[k],)) for case in exercise.cases),
        mistakes=tuple(dataclasses.replace(mistake, model=projected(mistake.model)) for mistake in exercise.mistakes),
        parts=lambda _, array: exercise.parts(k, array),
        locate=lambda case, _, index: exercise.locate(case, k, index))


__all__ = [
    "CASE_SIZES",
    "HIDDEN_CASE_SIZES",
    "HIDDEN_SIZE",
    "INPUT_SIZE",
    "N_CASES",
    "RAISES",
    "Case",
    "CheckResult",
    "Exercise",
    "Mistake",
    "gate_blocks",
    "gate_of_row",
    "gate_row_location",
    "hidden_name",
    "no_location",
    "one_output",
    "order_message",
    "permuted_blocks",
    "random_problem",
    "random_step",
    "run_check",
    "seeds",
    "sized_seeds",
    "unit_location",
    "whole_outputs",
    "wrong_orders",
]
