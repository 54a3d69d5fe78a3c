"""Converted weights in PyTorch's ``nn.LSTM`` and ``nn.GRU`` give our h and every gradient, to rounding.

PyTorch is not a dependency of the course: it comes from the ``torch`` extra, pinned to a
CPU build. Without it these tests are skipped with the reason below. Each comparison goes
both ways: our weights loaded into PyTorch (``to_torch``, ``gru_to_torch``), and
PyTorch's own initial weights read into ours (``from_torch``, ``gru_from_torch``, given
the tensors as they are).
"""


import numpy as np
import pytest

import lstm_core as lc
from lstm_core.layouts import from_torch, gru_from_torch, gru_to_torch, to_torch

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed: the comparison with nn.LSTM and nn.GRU needs the torch extra "
                    "(pip install -e '.[torch]', which pins the CPU build torch==2.13.0)")

# (T, B, D, H); B None is one sequence, which nn.LSTM and nn.GRU take as (T, D) with h0 (1, H)
CASES = [(1, 1, 1, 1), (5, 3, 4, 2), (7, None, 3, 4), (4, 2, 2, 5)]
H_TOL = dict(rtol=1e-12, atol=1e-14)
GRAD_TOL = dict(rtol=1e-10, atol=1e-12)


def tensors(state):
    return {name: torch.from_numpy(np.ascontiguousarray(value)) for name, value in state.items()}


def run_torch(module, x, h0, c0, dh):
    """Forward and backward through ``module``; returns h and the gradients as numpy, keyed by name."""
    batched = x.ndim == 3
    x_t = torch.tensor(x, requires_grad=True)
    state = [torch.tensor(v[None] if batched else v[None], requires_grad=True) for v in (h0, c0) if v is not None]
    out, _ = module(x_t, tuple(state) if len(state) == 2 else state[0])
    out.backward(torch.tensor(dh))
    grads = {name: p.grad.numpy() for name, p in module.named_parameters()}
    grads["x"] = x_t.grad.numpy()
    grads["h0"] = state[0].grad[0].numpy()
    if len(state) == 2:
        grads["c0"] = state[1].grad[0].numpy()
    return out.detach().numpy(), grads


def problem(T, B, D, H, seed):
    rng = np.random.default_rng(seed)
    batch = () if B is None else (B,)
    return (rng.standard_normal((T, *batch, D)), rng.standard_normal((*batch, H)), rng.standard_normal((*batch, H)),
            rng.standard_normal((T, *batch, H)))


# --------------------------------------------------------------------------- the LSTM


@pytest.mark.parametrize("T, B, D, H", CASES)
def test_our_lstm_loaded_into_pytorch_gives_our_h_and_gradients(T, B, D, H):
    rng = np.random.default_rng(T * 100 + H)
    params = lc.LSTMParams(rng.normal(0, 0.6, (4 * H, D + H)), rng.normal(0, 0.5, 4 * H))
    x, h0, s0, dh = problem(T, B, D, H, seed=H)
    lstm = torch.nn.LSTM(D, H, dtype=torch.float64)
    lstm.load_state_dict(tensors(to_torch(params)))
    h_torch, g = run_torch(lstm, x, h0, s0, dh)

    trace = lc.lstm_forward(params, x, h0, s0)
    grads = lc.lstm_backward(trace, dh)
    np.testing.assert_allclose(trace.h, h_torch, **H_TOL)
    np.testing.assert_allclose(grads.dx, g["x"], **GRAD_TOL)
    np.testing.assert_allclose(grads.dh0, g["h0"], **GRAD_TOL)
    np.testing.assert_allclose(grads.ds0, g["c0"], **GRAD_TOL)

    # δW and δb in PyTorch's layout: ours converted. Both biases get the same gradient, δb.
    ours_as_torch = to_torch(lc.LSTMParams(grads.dW, grads.db))
    for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0"):
        np.testing.assert_allclose(ours_as_torch[name], g[name], **GRAD_TOL, err_msg=name)
    np.testing.assert_allclose(ours_as_torch["bias_ih_l0"], g["bias_hh_l0"], **GRAD_TOL)

    # δW and δb in our layout: PyTorch's converted (one bias's gradient, so that it is not counted twice).
    torch_as_ours = from_torch({**{k: g[k] for k in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0")},
                                "bias_hh_l0": np.zeros(4 * H)})
    np.testing.assert_allclose(grads.dW, torch_as_ours.W, **GRAD_TOL)
    np.testing.assert_allclose(grads.db, torch_as_ours.b, **GRAD_TOL)


def test_pytorchs_own_lstm_read_into_ours_gives_its_h():
    """PyTorch's initial weights, two non-zero biases that from_torch adds, passed as tensors."""
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4, dtype=torch.float64)
    x, h0, s0, dh = problem(6, 2, 3, 4, seed=1)
    h_torch, g = run_torch(lstm, x, h0, s0, dh)
    params = from_torch(lstm.state_dict())
    assert not np.allclose(lstm.bias_hh_l0.detach().numpy(), 0)
    np.testing.assert_allclose(lc.lstm_forward(params, x, h0, s0).h, h_torch, **H_TOL)
    from_parameters = from_torch(dict(lstm.named_parameters()))  # tensors that require grad
    np.testing.assert_array_equal(from_parameters.W, params.W)


# ---------------------------------------------------------------------------- the GRU


@pytest.mark.parametrize("T, B, D, H", CASES)
def test_our_gru_loaded_into_pytorch_gives_our_h_and_gradients(T, B, D, H):
    rng = np.random.default_rng(T * 10 + H)
    params = lc.GRUParams(rng.normal(0, 0.6, (3 * H, D)), rng.normal(0, 0.6, (3 * H, H)),
                          rng.normal(0, 0.5, 3 * H), rng.normal(0, 0.5, 3 * H))
    x, h0, _, dh = problem(T, B, D, H, seed=D)
    gru = torch.nn.GRU(D, H, dtype=torch.float64)
    gru.load_state_dict(tensors(gru_to_torch(params)))
    h_torch, g = run_torch(gru, x, h0, None, dh)

    trace = lc.gru_forward(params, x, h0)
    grads = lc.gru_backward(trace, dh)
    np.testing.assert_allclose(trace.h, h_torch, **H_TOL)
    np.testing.assert_allclose(grads.dx, g["x"], **GRAD_TOL)
    np.testing.assert_allclose(grads.dh0, g["h0"], **GRAD_TOL)
    ours_as_torch = gru_to_torch(lc.GRUParams(grads.dW_x, grads.dW_h, grads.db_x, grads.db_h))
    for name, value in ours_as_torch.items():
        np.testing.assert_allclose(value, g[name], **GRAD_TOL, err_msg=name)
    torch_as_ours = gru_from_torch({name: g[name] for name in ours_as_torch})
    for name in ("W_x", "W_h", "b_x", "b_h"):
        np.testing.assert_allclose(getattr(grads, "d" + name), getattr(torch_as_ours, name), **GRAD_TOL, err_msg=name)


def test_pytorchs_own_gru_read_into_ours_gives_its_h():
    torch.manual_seed(1)
    gru = torch.nn.GRU(2, 3, dtype=torch.float64)
    x, h0, _, dh = problem(5, None, 2, 3, seed=2)
    h_torch, _ = run_torch(gru, x, h0, None, dh)
    np.testing.assert_allclose(lc.gru_forward(gru_from_torch(gru.state_dict()), x, h0).h, h_torch, **H_TOL)


def test_pytorchs_float32_weights_are_read_as_float64():
    lstm = torch.nn.LSTM(2, 3)  # float32, PyTorch's default
    params = from_torch(lstm.state_dict())
    assert params.W.dtype == np.float64
    np.testing.assert_array_equal(params.W_x[3:6], lstm.weight_ih_l0.detach().numpy()[:3])  # our i is its block 0


def test_pytorchs_multi_layer_and_bidirectional_state_dicts_are_refused():
    with pytest.raises(ValueError, match="2-layer LSTM"):
        from_torch(torch.nn.LSTM(2, 3, num_layers=2).state_dict())
    with pytest.raises(ValueError, match="bidirectional GRU"):
        gru_from_torch(torch.nn.GRU(2, 3, bidirectional=True).state_dict())
    with pytest.raises(ValueError, match="gru_from_torch"):
        from_torch(torch.nn.GRU(2, 3).state_dict())
    with pytest.raises(TypeError, match="call .state_dict"):
        from_torch(torch.nn.LSTM(2, 3))
