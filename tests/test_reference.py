"""An independent reference: the LSTM written per unit and per step, straight from docs/notation.md.

The reference below is a plain Python loop over steps, units and weights, with scalar
arithmetic only (``math.tanh``; ``σ(z) = 0.5 · (1 + tanh(z/2))``). It shares no code
with the engine: from ``lstm_core`` it imports only the public functions under test.
The forward pass and the backward pass (backpropagation through time, carrying
``δh_next`` and path 2, ``δS_{t+1} ⊙ f_{t+1}``, from t = T down to 1) are each written
from their section of the course's notation, ``docs/notation.md``, in both modes: the
full LSTM and the article's linear simplification, where every σ and tanh is the
identity (and b = 0; a third mode gives the linear model a bias, which the engine
accepts).

It needs nothing beyond numpy, so it runs on every ``make test``, also where PyTorch
is absent; ``tests/test_against_pytorch.py`` keeps the comparison with PyTorch's
``nn.LSTM`` for machines that have it. The reference itself is checked against
central finite differences of its own forward pass, so a misreading of the equations
shared by the engine and the reference would still be caught.
"""

import math

import numpy as np
import pytest

import lstm_core as lc

# ---------------------------------------------------------------------------------
# The reference: lists of floats, one unit and one step at a time.
# Gate blocks of Z (rows of W, entries of b) in the order a, i, f, o.
# ---------------------------------------------------------------------------------


def _sigmoid(z):
    return 0.5 * (1.0 + math.tanh(0.5 * z))


def _identity(z):
    return z


def reference_forward(W, b, x, h0, s0, linear):
    """One sequence. W: 4H lists of D+H floats; b: 4H floats; x: T lists of D floats.

    Returns lists over steps t = 1..T of h_t, S_t and the gates [a, i, f, o] (4H floats).
    """
    H = len(h0)
    squash = _identity if linear else math.tanh  # tanh, for a_t and tanh(S_t)
    gate = _identity if linear else _sigmoid  # σ, for i_t, f_t, o_t
    hs, ss, gates = [], [], []
    h_prev, s_prev = list(h0), list(s0)
    for x_t in x:
        I_t = list(x_t) + h_prev  # I_t = [x_t, h_{t-1}]
        Z_t = []
        for r in range(4 * H):  # Z_t = W · I_t + b, one row at a time
            z = b[r]
            for c in range(len(I_t)):
                z += W[r][c] * I_t[c]
            Z_t.append(z)
        a = [squash(Z_t[u]) for u in range(H)]
        i = [gate(Z_t[H + u]) for u in range(H)]
        f = [gate(Z_t[2 * H + u]) for u in range(H)]
        o = [gate(Z_t[3 * H + u]) for u in range(H)]
        s_t, h_t = [], []
        for u in range(H):
            s_u = a[u] * i[u] + f[u] * s_prev[u]  # S_t = a ⊙ i + f ⊙ S_{t-1}
            s_t.append(s_u)
            h_t.append(o[u] * squash(s_u))  # h_t = o ⊙ tanh(S_t)
        hs.append(h_t)
        ss.append(s_t)
        gates.append(a + i + f + o)
        h_prev, s_prev = h_t, s_t
    return hs, ss, gates


def reference_backward(W, b, x, h0, s0, linear, dh_loss, dh_next, ds_via_next):
    """Backpropagation through time for one sequence, from docs/notation.md's backward pass.

    dh_loss: T lists of H floats, g_t = ∂L/∂h_t (the loss's direct term);
    dh_next, ds_via_next: H floats arriving from beyond the last step (δh_next and path 2,
    δS_{T+1} ⊙ f_{T+1}).
    Returns a dict with dW, db, dx, dh0, ds0 and per step dh (total δh_t), ds (δS_t), dz.
    """
    T, D, H = len(x), len(x[0]), len(h0)
    hs, ss, gates = reference_forward(W, b, x, h0, s0, linear)
    dW = [[0.0] * (D + H) for _ in range(4 * H)]
    db = [0.0] * (4 * H)
    dx, dh_tot, ds_tot, dz_all = [None] * T, [None] * T, [None] * T, [None] * T
    dh_next, ds_via_next = list(dh_next), list(ds_via_next)
    for t in reversed(range(T)):
        h_prev = hs[t - 1] if t else list(h0)
        s_prev = ss[t - 1] if t else list(s0)
        I_t = list(x[t]) + h_prev
        g = gates[t]
        dh_t, ds_t, dz = [0.0] * H, [0.0] * H, [0.0] * (4 * H)
        for u in range(H):
            a, i, f, o = g[u], g[H + u], g[2 * H + u], g[3 * H + u]
            s = ss[t][u]
            tanh_s = s if linear else math.tanh(s)
            dtanh_s = 1.0 if linear else 1.0 - tanh_s * tanh_s
            dh_t[u] = dh_loss[t][u] + dh_next[u]  # δh_t = g_t + δh_next
            ds_t[u] = dh_t[u] * o * dtanh_s + ds_via_next[u]  # path 1 (via h_t) + path 2
            da = ds_t[u] * i
            di = ds_t[u] * a
            df = ds_t[u] * s_prev[u]
            do = dh_t[u] * tanh_s
            if linear:  # every activation is the identity: derivative 1
                dz[u], dz[H + u], dz[2 * H + u], dz[3 * H + u] = da, di, df, do
            else:
                dz[u] = da * (1.0 - a * a)
                dz[H + u] = di * i * (1.0 - i)
                dz[2 * H + u] = df * f * (1.0 - f)
                dz[3 * H + u] = do * o * (1.0 - o)
        dI = [0.0] * (D + H)  # δI_t = Wᵀ · δZ_t
        for r in range(4 * H):
            for c in range(D + H):
                dI[c] += W[r][c] * dz[r]
                dW[r][c] += dz[r] * I_t[c]  # δW += δZ_t · I_tᵀ
            db[r] += dz[r]  # δb += δZ_t
        dx[t] = dI[:D]
        dh_next = dI[D:]
        ds_via_next = [ds_t[u] * g[2 * H + u] for u in range(H)]  # ds_prev = δS_t ⊙ f_t: step t-1's path 2
        dh_tot[t], ds_tot[t], dz_all[t] = dh_t, ds_t, dz
    return dict(dW=dW, db=db, dx=dx, dh0=dh_next, ds0=ds_via_next, dh=dh_tot, ds=ds_tot, dz=dz_all)


def reference_forward_batch(W, b, x, h0, s0, linear):
    """x: (T, B, D) nested lists; loops the one-sequence reference over the examples."""
    T, B = len(x), len(x[0])
    per_example = [
        reference_forward(W, b, [x[t][k] for t in range(T)], h0[k], s0[k], linear) for k in range(B)
    ]
    # back to time-major nested lists: [T][B][...]
    return tuple([[per_example[k][n][t] for k in range(B)] for t in range(T)] for n in range(3))


def reference_backward_batch(W, b, x, h0, s0, linear, dh_loss, dh_next, ds_via_next):
    """Batch: one reference backward per example; dW and db summed over the examples."""
    T, B = len(x), len(x[0])
    out = [
        reference_backward(W, b, [x[t][k] for t in range(T)], h0[k], s0[k], linear,
                           [dh_loss[t][k] for t in range(T)], dh_next[k], ds_via_next[k])
        for k in range(B)
    ]
    rows, cols = len(W), len(W[0])
    dW = [[sum(out[k]["dW"][r][c] for k in range(B)) for c in range(cols)] for r in range(rows)]
    db = [sum(out[k]["db"][r] for k in range(B)) for r in range(rows)]
    result = dict(dW=dW, db=db, dh0=[out[k]["dh0"] for k in range(B)], ds0=[out[k]["ds0"] for k in range(B)])
    for name in ("dx", "dh", "ds", "dz"):
        result[name] = [[out[k][name][t] for k in range(B)] for t in range(T)]
    return result


# ---------------------------------------------------------------------------------
# Random problems
# ---------------------------------------------------------------------------------

MODES = {
    "full": dict(linear=False, bias=True),
    "linear": dict(linear=True, bias=False),  # the article's simplification: b = 0
    "linear-with-bias": dict(linear=True, bias=True),
}
# Sizes (D, H, T, B) the seeds draw: 1 -> (2, 3, 5, 3); 2 -> (3, 2, 1, 1), a single step;
# 4 -> (3, 4, 6, 2), the largest; 11 -> (1, 1, 5, 2), one input and one unit.
SEEDS = [1, 2, 4, 11]


def random_problem(seed, mode, batched):
    rng = np.random.default_rng(seed)
    D, H, T = int(rng.integers(1, 4)), int(rng.integers(1, 5)), int(rng.integers(1, 7))
    lead = (int(rng.integers(1, 4)),) if batched else ()
    # Small weights in the linear mode: there h_t is a polynomial in h_{t-1} whose degree
    # triples every step, and with larger weights it reaches 1e60 within six steps.
    # With these the largest value (forward or backward) of any problem here is below 10.
    scale = 0.2 if MODES[mode]["linear"] else 0.8
    W = rng.normal(scale=scale, size=(4 * H, D + H))
    b = rng.normal(scale=scale, size=4 * H) if MODES[mode]["bias"] else np.zeros(4 * H)
    return dict(
        params=lc.LSTMParams(W, b),
        x=rng.standard_normal((T,) + lead + (D,)),
        h0=rng.standard_normal(lead + (H,)),
        s0=rng.standard_normal(lead + (H,)),
        dh_loss=rng.standard_normal((T,) + lead + (H,)),
        dh_next=rng.standard_normal(lead + (H,)),
        ds_via_next=rng.standard_normal(lead + (H,)),
        linear=MODES[mode]["linear"],
        batched=batched,
    )


def run_reference_forward(p):
    args = (p["params"].W.tolist(), p["params"].b.tolist(), p["x"].tolist(), p["h0"].tolist(),
            p["s0"].tolist(), p["linear"])
    fn = reference_forward_batch if p["batched"] else reference_forward
    return [np.array(v) for v in fn(*args)]


def run_reference_backward(p):
    args = (p["params"].W.tolist(), p["params"].b.tolist(), p["x"].tolist(), p["h0"].tolist(),
            p["s0"].tolist(), p["linear"], p["dh_loss"].tolist(), p["dh_next"].tolist(), p["ds_via_next"].tolist())
    fn = reference_backward_batch if p["batched"] else reference_backward
    return {name: np.array(value) for name, value in fn(*args).items()}


problems = pytest.mark.parametrize(
    "seed, mode, batched",
    [(seed, mode, batched) for seed in SEEDS for mode in MODES for batched in (False, True)],
    ids=lambda v: {False: "one-sequence", True: "batch"}.get(v, str(v)) if isinstance(v, bool) else str(v),
)


# ---------------------------------------------------------------------------------
# The engine against the reference
# ---------------------------------------------------------------------------------


@problems
def test_forward_matches_plain_loop(seed, mode, batched):
    p = random_problem(seed, mode, batched)
    trace = lc.lstm_forward(p["params"], p["x"], p["h0"], p["s0"], linear=p["linear"])
    h, s, gates = run_reference_forward(p)
    assert trace.h.shape == h.shape and trace.s.shape == s.shape and trace.gates.shape == gates.shape
    np.testing.assert_allclose(trace.h, h, rtol=0, atol=1e-12)
    np.testing.assert_allclose(trace.s, s, rtol=0, atol=1e-12)
    np.testing.assert_allclose(trace.gates, gates, rtol=0, atol=1e-12)


@problems
def test_backward_matches_plain_loop(seed, mode, batched):
    p = random_problem(seed, mode, batched)
    trace = lc.lstm_forward(p["params"], p["x"], p["h0"], p["s0"], linear=p["linear"])
    grads = lc.lstm_backward(trace, p["dh_loss"], dh_next=p["dh_next"], ds_via_next=p["ds_via_next"])
    ref = run_reference_backward(p)
    for name in ("dW", "db", "dx", "dh0", "ds0", "dh", "ds", "dz"):
        ours = getattr(grads, name)
        assert ours.shape == ref[name].shape, name
        np.testing.assert_allclose(ours, ref[name], rtol=1e-10, atol=1e-12, err_msg=name)


# ---------------------------------------------------------------------------------
# The reference against finite differences of itself (no engine involved)
# ---------------------------------------------------------------------------------


def _reference_loss(p, W, b, x, h0, s0):
    """L = Σ_t g_t · h_t + dh_next · h_T + ds_via_next · S_T: its gradients are what
    reference_backward computes from (dh_loss, dh_next, ds_via_next)."""
    h, s, _ = reference_forward(W.tolist(), b.tolist(), x.tolist(), h0.tolist(), s0.tolist(), p["linear"])
    h, s = np.array(h), np.array(s)
    return float(np.sum(p["dh_loss"] * h) + p["dh_next"] @ h[-1] + p["ds_via_next"] @ s[-1])


@pytest.mark.parametrize("mode", list(MODES))
def test_plain_loop_backward_matches_finite_differences(mode):
    p = random_problem(7, mode, batched=False)
    ref = run_reference_backward(p)
    inputs = dict(W=p["params"].W, b=p["params"].b, x=p["x"], h0=p["h0"], s0=p["s0"])
    step = 1e-6
    for name, grad_name in (("W", "dW"), ("b", "db"), ("x", "dx"), ("h0", "dh0"), ("s0", "ds0")):
        numeric = np.zeros_like(inputs[name])
        for idx in np.ndindex(inputs[name].shape):
            values = []
            for sign in (+1, -1):
                moved = {k: v.copy() for k, v in inputs.items()}
                moved[name][idx] += sign * step
                values.append(_reference_loss(p, **moved))
            numeric[idx] = (values[0] - values[1]) / (2 * step)
        err = np.max(np.abs(numeric - ref[grad_name])) / max(1.0, np.max(np.abs(numeric)))
        assert err < 1e-7, f"{grad_name}: relative error {err:.2e}"
