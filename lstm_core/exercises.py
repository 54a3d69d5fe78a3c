"""Checks for the notebooks' "your turn" exercises.

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
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import sigmoid
from .cell import lstm_step_backward, lstm_step_forward
from .optim import SGD
from .params import GATE_ORDER, LSTMParams, init_params
from .sequence import lstm_backward, lstm_forward

N_CASES = 5
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
    locate: Callable  # (output index, array index) -> words that say where
    explain_error: Callable | None = None  # exception -> Mistake key or None


# ------------------------------------------------------------------------ the checker


def _as_outputs(value, n: int):
    """The student's return value as a tuple of ``n`` float arrays, or a message why not."""
    if value is None:
        return "returned None; did you forget the `return` line?"
    values = (value,) if n == 1 else value
    if n > 1 and (not isinstance(values, (tuple, list)) or len(values) != n):
        return f"should return {n} arrays (a tuple), got {type(value).__name__}"
    try:
        return tuple(np.asarray(v, dtype=np.float64) for v in values)
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
        model = mistake.model(case)
        if isinstance(got, BaseException):
            if model is not RAISES:
                return False, set()
            continue
        if model is RAISES:
            return False, set()
        model = model if isinstance(model, tuple) else (model,)
        if all(_close(g, m) for g, m in zip(got, model)) and not all(
            _close(g, e) for g, e in zip(got, case.expected)
        ):
            hits += 1
            wrong_parts |= {label for k, m in enumerate(model) for label, idx in exercise.parts(k, m)
                            if m.shape != case.expected[k].shape or not _close(m[idx], case.expected[k][idx])}
            continue
        if not mistake.partial:
            return False, set()
        for k, (g, m, e) in enumerate(zip(got, model, case.expected)):
            if g.shape != e.shape or m.shape != e.shape:
                return False, set()
            for label, idx in exercise.parts(k, e):
                if _close(g[idx], e[idx]):
                    continue
                if not _close(g[idx], m[idx]):
                    return False, set()
                wrong_parts.add(label)
                hits += 1
    return hits > 0, wrong_parts


def _largest_error(exercise: Exercise, results) -> str:
    worst = (-1.0, None)
    n_wrong = 0
    for c, (case, got) in enumerate(zip(exercise.cases, results)):
        wrong = False
        for k, (g, e) in enumerate(zip(got, case.expected)):
            if g.shape != e.shape:
                return (f"{exercise.outputs[k]} has shape {g.shape}, expected {e.shape} "
                        f"(case {c + 1})")
            error = np.nan_to_num(np.abs(g - e), nan=np.inf)  # a NaN is the worst error there is
            if not _close(g, e):
                wrong = True
                index = tuple(int(j) for j in np.unravel_index(int(np.argmax(error)), error.shape))
                if error[index] > worst[0]:
                    worst = (float(error[index]), (c, k, index, float(g[index]), float(e[index])))
        n_wrong += wrong
    size, (c, k, index, g, e) = worst
    where = exercise.locate(k, index)
    return (f"wrong on {n_wrong} of {len(results)} cases; largest error {size:.3g} in "
            f"{exercise.outputs[k]}{list(index)}{where} of case {c + 1}: got {g:.4g}, expected {e:.4g}")


def _run(exercise: Exercise, function) -> CheckResult:
    if not callable(function):
        raise TypeError(f"check_{exercise.name} needs your function, got {type(function).__name__}")
    name = exercise.name
    results = []
    for c, case in enumerate(exercise.cases):
        args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in case.args)
        try:
            value = function(*args)
        except NotImplementedError:
            return CheckResult(name, False, "not_implemented",
                               f"… not implemented yet: {name} still raises NotImplementedError; "
                               "replace that line with your code and run this cell again")
        except Exception as error:  # noqa: BLE001 - the student's code may raise anything
            results.append(error)
            continue
        for position, (mine, theirs) in enumerate(zip(case.args, args)):
            if isinstance(mine, np.ndarray) and not np.array_equal(mine, theirs):
                return CheckResult(name, False, "mutated_input",
                                   f"✗ {name}: changes its argument {exercise.inputs[position]} in place; "
                                   "leave the inputs as they are and return new arrays")
        outputs = _as_outputs(value, len(exercise.outputs))
        if isinstance(outputs, str):
            return CheckResult(name, False, "wrong_output", f"✗ {name}: {outputs}")
        results.append(outputs)

    for mistake in exercise.mistakes:
        matched, parts = _matches(exercise, mistake, results, exercise.cases)
        if matched:
            every = [label for k, e in enumerate(exercise.cases[0].expected) for label, _ in exercise.parts(k, e)]
            labels = [label for label in every if label in parts]
            where = f" (in {', '.join(labels)})" if mistake.partial and len(labels) < len(every) else ""
            return CheckResult(name, False, mistake.key, f"✗ {name}: looks like {mistake.message}{where}")

    errors = [(c, r) for c, r in enumerate(results) if isinstance(r, BaseException)]
    if errors:
        c, error = errors[0]
        key = exercise.explain_error(error) if exercise.explain_error else None
        for mistake in exercise.mistakes:
            if mistake.key == key:
                return CheckResult(name, False, key, f"✗ {name}: looks like {mistake.message} "
                                   f"({type(error).__name__}: {error})")
        return CheckResult(name, False, "exception",
                           f"✗ {name} raised {type(error).__name__} on case {c + 1}: {error}")

    if all(_close(g, e) for case, got in zip(exercise.cases, results) for g, e in zip(got, case.expected)):
        return CheckResult(name, True, None, f"✓ {name}: correct on {len(results)} cases")
    return CheckResult(name, False, "unknown", f"✗ {name}: {_largest_error(exercise, results)}")


# ------------------------------------------------------------------- shared helpers


def _gate_blocks(k, array):
    """The four gate blocks of a (4H,) array such as δZ_t, as parts."""
    H = array.shape[-1] // 4
    return [(f"δZ_{g}", np.s_[j * H:(j + 1) * H]) for j, g in enumerate(GATE_ORDER)]


def _whole_outputs(names):
    return lambda k, array: [(names[k], np.s_[...])]


def _no_location(k, index):
    return ""


def _unit(k, index):
    return f" (unit {index[-1] + 1})" if index else ""


def _gate_of_row(row: int, H: int) -> str:
    return f"gate {GATE_ORDER[row // H]}, unit {row % H + 1}"


def _random_problem(seed: int, D: int = 2, H: int = 3):
    """Weights with non-zero biases, an input and a non-zero previous state."""
    rng = np.random.default_rng(seed)
    params = init_params(D, H, seed=seed, scale=1.0)
    params = LSTMParams(params.W, rng.uniform(-0.5, 0.5, 4 * H))
    return params, rng.standard_normal(D), rng.standard_normal(H), rng.standard_normal(H), rng


def _permutations():
    """Every wrong order of the gate blocks, as tuples of gate names."""
    return [p for p in itertools.permutations(GATE_ORDER) if p != GATE_ORDER]


def _order_message(order) -> str:
    return (f"the gate blocks are in the wrong order (you used {', '.join(order)}); "
            f"Z_t, W and b are stacked as {', '.join(GATE_ORDER)}")


def _permuted_blocks(blocks: dict, order) -> dict:
    """Which array a student who reads the blocks in ``order`` calls each gate."""
    return {gate: blocks[GATE_ORDER[k]] for k, gate in enumerate(order)}


def _seeds(base: int):
    return range(base, base + N_CASES)


# ---------------------------------------------------------------- 1. one forward step


def _forward(W, b, x_t, h_prev, s_prev, order=GATE_ORDER, candidate=np.tanh, squash=np.tanh,
             bias=True, x_first=True):
    I = np.concatenate([x_t, h_prev] if x_first else [h_prev, x_t])
    z = W @ I + (b if bias else 0.0)
    named = _permuted_blocks(dict(zip(GATE_ORDER, np.split(z, 4))), order)
    a, i, f, o = candidate(named["a"]), sigmoid(named["i"]), sigmoid(named["f"]), sigmoid(named["o"])
    s = a * i + f * s_prev
    return o * squash(s), s


def _lstm_step_exercise() -> Exercise:
    cases = []
    for seed in _seeds(100):
        params, x_t, h_prev, s_prev, _ = _random_problem(seed)
        step = lstm_step_forward(params, x_t, h_prev, s_prev)
        cases.append(Case((params.W, params.b, x_t, h_prev, s_prev), (step.h, step.s)))
    mistakes = [
        Mistake("h_without_tanh", "tanh is missing in h_t: h_t = o_t ⊙ tanh(S_t), not o_t ⊙ S_t",
                lambda c: _forward(*c.args, squash=lambda s: s)),
        Mistake("candidate_sigmoid", "the candidate uses σ; it is a_t = tanh(Z_a), the gates i, f, o use σ",
                lambda c: _forward(*c.args, candidate=sigmoid)),
        Mistake("bias_missing", "the bias is missing: Z_t = W I_t + b", lambda c: _forward(*c.args, bias=False)),
        Mistake("input_order", "I_t is stacked the wrong way round: I_t = [x_t, h_{t-1}], x first",
                lambda c: _forward(*c.args, x_first=False)),
    ]
    mistakes += [Mistake("gates_wrong_order", _order_message(order),
                         lambda c, order=order: _forward(*c.args, order=order), partial=False)
                 for order in _permutations()]
    return Exercise("lstm_step", ("W", "b", "x_t", "h_prev", "s_prev"), ("h", "s"), tuple(cases), tuple(mistakes),
                    _whole_outputs(("h_t", "S_t")), _unit)


def check_lstm_step(lstm_step) -> CheckResult:
    """Check ``lstm_step(W, b, x_t, h_prev, s_prev) -> (h, s)``, one forward step (notebook 1).

    W (4H, D+H), b (4H,), x_t (D,), h_prev and s_prev (H,); returns h_t and S_t, each (H,).
    """
    return _run(_lstm_step_exercise(), lstm_step)


# --------------------------------------------------------- 2. the two paths of δS_t


def _state_gradient_exercise() -> Exercise:
    cases = []
    for seed in _seeds(200):
        params, x_t, h_prev, s_prev, rng = _random_problem(seed)
        step = lstm_step_forward(params, x_t, h_prev, s_prev)
        dh, ds_next, f_next = rng.standard_normal(3), rng.standard_normal(3), rng.uniform(0.05, 0.95, 3)
        ds = lstm_step_backward(params, step, dh, ds_next=ds_next * f_next).ds
        cases.append(Case((dh, step.o, step.s, ds_next, f_next), (ds,)))

    def paths(c, slope=lambda s: 1 - np.tanh(s) ** 2, path1=True, path2=lambda ds, f: ds * f):
        dh, o, s, ds_next, f_next = c.args
        return (dh * o * slope(s) if path1 else 0.0) + path2(ds_next, f_next)

    mistakes = [
        Mistake("path2_missing", "path 2 (δS_{t+1} ⊙ f_{t+1}, through the next cell state) is missing",
                lambda c: paths(c, path2=lambda ds, f: 0.0 * ds)),
        Mistake("path1_missing", "path 1 (δh_t ⊙ o_t ⊙ (1 - tanh²(S_t)), through h_t) is missing",
                lambda c: paths(c, path1=False)),
        Mistake("path2_without_f", "path 2 is not multiplied by the next keep gate: it is δS_{t+1} ⊙ f_{t+1}",
                lambda c: paths(c, path2=lambda ds, f: ds)),
        Mistake("activation_derivative_missing",
                "the derivative of tanh is missing in path 1: multiply by 1 - tanh²(S_t)",
                lambda c: paths(c, slope=np.ones_like)),
        Mistake("activation_derivative_wrong_point",
                "the derivative of tanh is taken at the wrong point: 1 - tanh²(S_t), not 1 - S_t²",
                lambda c: paths(c, slope=lambda s: 1 - s ** 2)),
    ]
    return Exercise("state_gradient", ("dh", "o", "s", "ds_next", "f_next"), ("ds",), tuple(cases), tuple(mistakes),
                    _whole_outputs(("δS_t",)), _unit)


def check_state_gradient(state_gradient) -> CheckResult:
    """Check ``state_gradient(dh, o, s, ds_next, f_next) -> ds`` (notebook 2).

    All arrays are (H,): the total ``δh_t``, ``o_t``, ``S_t``, then ``δS_{t+1}`` and
    ``f_{t+1}`` from the next step. Returns ``δS_t``, the sum of both paths.
    """
    return _run(_state_gradient_exercise(), state_gradient)


# ------------------------------------------------------------- 3. the gate gradients δZ


def _gate_gradients(ds, dh, a, i, f, o, s, s_prev, keep=None, slopes=None, order=GATE_ORDER, do_from=None):
    """``δZ_t`` with optional modelled mistakes; ``keep`` replaces S_{t-1} in δf."""
    gates = {"a": a, "i": i, "f": f, "o": o}
    grads = {"a": ds * i, "i": ds * a, "f": ds * (s_prev if keep is None else keep),
             "o": (dh if do_from is None else do_from) * np.tanh(s)}
    if slopes is None:
        slopes = {"a": lambda g: 1 - g ** 2, "i": lambda g: g * (1 - g), "f": lambda g: g * (1 - g),
                  "o": lambda g: g * (1 - g)}
    dz = {g: grads[g] * slopes[g](gates[g]) for g in GATE_ORDER}
    return np.concatenate([dz[g] for g in order])


def _gate_gradients_exercise() -> Exercise:
    cases = []
    for seed in _seeds(300):
        params, x_t, h_prev, s_prev, rng = _random_problem(seed)
        step = lstm_step_forward(params, x_t, h_prev, s_prev)
        dh, ds_next = rng.standard_normal(3), rng.standard_normal(3)
        back = lstm_step_backward(params, step, dh, ds_next=ds_next)
        cases.append(Case((back.ds, dh, step.a, step.i, step.f, step.o, step.s, s_prev), (back.dz,)))
    ones = {g: np.ones_like for g in GATE_ORDER}
    at_z = {"a": lambda g: 1 - np.tanh(g) ** 2, "i": lambda g: sigmoid(g) * (1 - sigmoid(g)),
            "f": lambda g: sigmoid(g) * (1 - sigmoid(g)), "o": lambda g: sigmoid(g) * (1 - sigmoid(g))}
    mistakes = [
        Mistake("s_instead_of_s_prev", "S_t is used in δf where S_{t-1} belongs: δf_t = δS_t ⊙ S_{t-1}",
                lambda c: _gate_gradients(*c.args, keep=c.args[6])),
        Mistake("activation_derivative_missing",
                "the activation's derivative is missing: δZ = δgate ⊙ (1 - a²) or ⊙ g(1 - g)",
                lambda c: _gate_gradients(*c.args, slopes=ones)),
        Mistake("activation_derivative_wrong_point",
                "the activation's derivative is taken at the wrong point: the gates are already "
                "tanh(Z) or σ(Z), so the slope is 1 - a² or g(1 - g), not σ'(g) or tanh'(g)",
                lambda c: _gate_gradients(*c.args, slopes=at_z)),
        Mistake("do_from_ds", "δo uses δS_t; the output gate acts after the cell state: δo_t = δh_t ⊙ tanh(S_t)",
                lambda c: _gate_gradients(*c.args, do_from=c.args[0])),
    ]
    mistakes += [Mistake("gates_wrong_order", _order_message(order),
                         lambda c, order=order: _gate_gradients(*c.args, order=order), partial=False)
                 for order in _permutations()]
    return Exercise("gate_gradients", ("ds", "dh", "a", "i", "f", "o", "s", "s_prev"), ("dz",), tuple(cases),
                    tuple(mistakes), _gate_blocks,
                    lambda k, index: f" ({_gate_of_row(index[0], 3)})")


def check_gate_gradients(gate_gradients) -> CheckResult:
    """Check ``gate_gradients(ds, dh, a, i, f, o, s, s_prev) -> dz`` (notebook 3).

    Every input is (H,); returns ``δZ_t`` (4H,), blocks in the order a, i, f, o.
    """
    return _run(_gate_gradients_exercise(), gate_gradients)


# ------------------------------------------------------- 4a. back to the input: Wᵀ δZ


def _is_shape_error(error) -> bool:
    text = str(error).lower()
    return isinstance(error, ValueError) and any(w in text for w in ("shape", "mismatch", "aligned", "broadcast"))


def _input_gradient_exercise() -> Exercise:
    cases = []
    for seed, D in zip(_seeds(400), (9, 2, 9, 4, 9)):  # D = 3H = 9 makes W square
        params, x_t, h_prev, s_prev, rng = _random_problem(seed, D=D)
        step = lstm_step_forward(params, x_t, h_prev, s_prev)
        back = lstm_step_backward(params, step, rng.standard_normal(3), rng.standard_normal(3))
        cases.append(Case((params.W, back.dz), (back.dx, back.dh_prev)))

    def split(c, dI):
        D = c.args[0].shape[1] - c.args[0].shape[0] // 4
        return dI[:D], dI[D:]

    def not_transposed(c):
        W, dz = c.args
        return split(c, W @ dz) if W.shape[0] == W.shape[1] else RAISES

    def swapped(c):
        W, dz = c.args
        H = W.shape[0] // 4
        dI = W.T @ dz
        return dI[H:], dI[:H]

    mistakes = [
        Mistake("W_instead_of_WT", "W is used where Wᵀ belongs: δI_t = Wᵀ δZ_t (it only runs when W is square)",
                not_transposed, partial=False),
        Mistake("W_instead_of_WT_shape", "a transposition mistake: W is (4H, D+H) and δZ_t is (4H,), so "
                "δI_t = Wᵀ δZ_t, of length D+H", lambda c: RAISES, partial=False),
        Mistake("split_swapped", "the split is the wrong way round: I_t = [x_t, h_{t-1}], so δx_t is the "
                "first D entries and the gradient for h_{t-1} the last H", swapped, partial=False),
    ]
    return Exercise("input_gradient", ("W", "dz"), ("dx", "dh_prev"), tuple(cases), tuple(mistakes),
                    _whole_outputs(("δx_t", "δh_{t-1}")), _no_location,
                    explain_error=lambda e: "W_instead_of_WT_shape" if _is_shape_error(e) else None)


def check_input_gradient(input_gradient) -> CheckResult:
    """Check ``input_gradient(W, dz) -> (dx, dh_prev)`` (notebook 4).

    W (4H, D+H), dz (4H,); returns the two parts of ``δI_t = Wᵀ δZ_t``: δx_t (D,) and
    the gradient handed to h_{t-1} (H,). Some cases have D = 3H, where W is square.
    """
    return _run(_input_gradient_exercise(), input_gradient)


# -------------------------------------------------- 4b. δW and δb, summed over time


def _weight_gradients_exercise() -> Exercise:
    cases = []
    for seed, T in zip(_seeds(500), (6, 4, 8, 5, 7)):
        params, _, h0, s0, rng = _random_problem(seed)
        x = rng.standard_normal((T, 2))
        trace = lstm_forward(params, x, h0, s0)
        grads = lstm_backward(params, trace, rng.standard_normal((T, 3)))
        cases.append(Case((grads.dz, trace.I), (grads.dW, grads.db)))
    mistakes = [
        Mistake("last_step_only", "δW (or δb) comes from the last step only; W is shared by every step, "
                "so δW = Σ_t δZ_t I_tᵀ and δb = Σ_t δZ_t",
                lambda c: (np.outer(c.args[0][-1], c.args[1][-1]), c.args[0][-1].copy())),
        Mistake("first_step_only", "δW (or δb) comes from one step only; sum over all T steps",
                lambda c: (np.outer(c.args[0][0], c.args[1][0]), c.args[0][0].copy())),
        Mistake("mean_over_time", "δW (or δb) is averaged over time; the gradient is the sum, not the mean",
                lambda c: (c.args[0].T @ c.args[1] / len(c.args[0]), c.args[0].mean(axis=0))),
        Mistake("dW_transposed", "δW is transposed: it has W's shape (4H, D+H), δZ_t I_tᵀ, not I_t δZ_tᵀ",
                lambda c: (c.args[1].T @ c.args[0], c.args[0].sum(axis=0)), partial=False),
    ]

    def locate(k, index):
        return f" ({_gate_of_row(index[0], 3)})" if k == 0 else ""

    return Exercise("weight_gradients", ("dz", "I"), ("dW", "db"), tuple(cases), tuple(mistakes),
                    _whole_outputs(("δW", "δb")), locate)


def check_weight_gradients(weight_gradients) -> CheckResult:
    """Check ``weight_gradients(dz, I) -> (dW, db)`` (notebook 4).

    dz (T, 4H) holds δZ_t and I (T, D+H) holds I_t, time on axis 0; returns
    δW (4H, D+H) and δb (4H,), each summed over the T steps.
    """
    return _run(_weight_gradients_exercise(), weight_gradients)


# ------------------------------------------------------------ 4c. one gradient step


def _sgd_update_exercise() -> Exercise:
    cases = []
    for seed, lr in zip(_seeds(600), (0.1, 0.5, 0.03, 1.5, 0.2)):
        rng = np.random.default_rng(seed)
        W, dW = rng.standard_normal((12, 5)), rng.standard_normal((12, 5))
        cases.append(Case((W, dW, lr), (W - SGD(lr).update(None, dW),)))
    mistakes = [
        Mistake("update_sign", "a sign error: gradient descent steps against the gradient, W - η δW",
                lambda c: c.args[0] + c.args[2] * c.args[1]),
        Mistake("learning_rate_missing", "the learning rate is missing: W - η δW",
                lambda c: c.args[0] - c.args[1]),
        Mistake("gradient_only", "only the step is returned; the new weights are W - η δW",
                lambda c: -c.args[2] * c.args[1]),
    ]
    return Exercise("sgd_update", ("W", "dW", "lr"), ("W_new",), tuple(cases), tuple(mistakes),
                    _whole_outputs(("W_new",)),
                    lambda k, index: f" ({_gate_of_row(index[0], 3)})")


def check_sgd_update(sgd_update) -> CheckResult:
    """Check ``sgd_update(W, dW, lr) -> W_new``, one step of gradient descent (notebook 4).

    W and dW (4H, D+H), lr a positive float; returns new weights, leaving W unchanged.
    """
    return _run(_sgd_update_exercise(), sgd_update)


__all__ = [
    "CheckResult",
    "check_gate_gradients",
    "check_input_gradient",
    "check_lstm_step",
    "check_sgd_update",
    "check_state_gradient",
    "check_weight_gradients",
]
