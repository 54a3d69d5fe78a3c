"""An independent reference: PyTorch's nn.LSTM and autograd, when PyTorch is installed.

PyTorch is not a dependency of the course; this test runs where a developer has it and
is skipped elsewhere. Its gate blocks are ordered i, f, g, o; ours a (= g), i, f, o.
"""

import numpy as np
import pytest

from lstm_core import LSTMParams, lstm_backward, lstm_forward

torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install torch to run this check)")

OURS_FROM_TORCH = [2, 0, 1, 3]  # our block k is PyTorch's block OURS_FROM_TORCH[k]


def _reorder(rows, H):
    blocks = rows.reshape(4, H, *rows.shape[1:])
    return blocks[OURS_FROM_TORCH].reshape(rows.shape)


@pytest.mark.parametrize("T, B, D, H", [(1, 1, 1, 1), (5, 3, 4, 2), (12, 2, 3, 6)])
def test_forward_and_gradients_match_pytorch(T, B, D, H):
    torch.manual_seed(T * 100 + H)
    lstm = torch.nn.LSTM(D, H, dtype=torch.float64)
    with torch.no_grad():
        lstm.bias_ih_l0.normal_()
    x = torch.randn(T, B, D, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(1, B, H, dtype=torch.float64, requires_grad=True)
    c0 = torch.randn(1, B, H, dtype=torch.float64, requires_grad=True)
    dh = torch.randn(T, B, H, dtype=torch.float64)
    out, _ = lstm(x, (h0, c0))
    out.backward(dh)

    W_ih, W_hh = lstm.weight_ih_l0.detach().numpy(), lstm.weight_hh_l0.detach().numpy()
    b = (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().numpy()
    params = LSTMParams(_reorder(np.hstack([W_ih, W_hh]), H), _reorder(b, H))
    trace = lstm_forward(params, x.detach().numpy(), h0[0].detach().numpy(), c0[0].detach().numpy())
    grads = lstm_backward(trace, dh.numpy())

    np.testing.assert_allclose(trace.h, out.detach().numpy(), rtol=1e-12, atol=1e-14)
    dW_torch = np.hstack([lstm.weight_ih_l0.grad.numpy(), lstm.weight_hh_l0.grad.numpy()])
    np.testing.assert_allclose(grads.dW, _reorder(dW_torch, H), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grads.db, _reorder(lstm.bias_ih_l0.grad.numpy(), H), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grads.dx, x.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grads.dh0, h0.grad[0].numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grads.ds0, c0.grad[0].numpy(), rtol=1e-10, atol=1e-12)
