"""Checks of the adder layers against naive loops: `python -m pytest examples/pytorch` (needs torch).

The TypeScript test suite does not run these (it needs no Python); run them after changing adder.py.
"""

import math

import torch
import torch.nn.functional as F

from adder import ETA, Adder2d, AdderLinear


def naive_adder_conv(x, w, stride, padding):
    n, c, h, wd = x.shape
    t, _, k, _ = w.shape
    oh = (h + 2 * padding - k) // stride + 1
    ow = (wd + 2 * padding - k) // stride + 1
    y = torch.zeros(n, t, oh, ow, dtype=x.dtype)
    for b in range(n):
        for f in range(t):
            for i in range(oh):
                for j in range(ow):
                    s = 0.0
                    for ch in range(c):
                        for a in range(k):
                            for e in range(k):
                                r, q = i * stride + a - padding, j * stride + e - padding
                                v = x[b, ch, r, q] if 0 <= r < h and 0 <= q < wd else 0.0  # padding is an input of 0
                                s += abs(v - w[f, ch, a, e])
                    y[b, f, i, j] = -s
    return y


def naive_backward(x, w, stride, padding, g):
    """Reference training rule by loops: dW = sum (X - W) g, dX = sum HardTanh(W - X) g."""
    n, c, h, wd = x.shape
    t, _, k, _ = w.shape
    xp = F.pad(x, (padding,) * 4)
    gw = torch.zeros_like(w)
    gxp = torch.zeros_like(xp)
    for b in range(n):
        for f in range(t):
            for i in range(g.shape[2]):
                for j in range(g.shape[3]):
                    patch = xp[b, :, i * stride : i * stride + k, j * stride : j * stride + k]
                    gw[f] += (patch - w[f]) * g[b, f, i, j]
                    gxp[b, :, i * stride : i * stride + k, j * stride : j * stride + k] += (w[f] - patch).clamp(-1, 1) * g[b, f, i, j]
    gw = gw / gw.norm() * ETA * math.sqrt(w.numel())
    return gxp[:, :, padding : padding + h, padding : padding + wd], gw


def test_conv_forward_counts_padding_and_backward_follows_the_reference_rule():
    torch.manual_seed(0)
    for stride, padding in [(1, 1), (2, 1), (1, 0), (2, 2)]:
        layer = Adder2d(3, 4, 3, stride=stride, padding=padding).double()
        x = torch.randn(2, 3, 6, 5, dtype=torch.float64, requires_grad=True)
        y = layer(x)
        assert torch.allclose(y, naive_adder_conv(x.detach(), layer.weight.detach(), stride, padding))
        g = torch.randn_like(y)
        y.backward(g)
        gx, gw = naive_backward(x.detach(), layer.weight.detach(), stride, padding, g)
        assert torch.allclose(x.grad, gx)
        assert torch.allclose(layer.weight.grad, gw)
        assert math.isclose(layer.weight.grad.norm().item(), ETA * math.sqrt(layer.weight.numel()), rel_tol=1e-9)


def test_linear_is_the_1x1_case():
    torch.manual_seed(1)
    layer = AdderLinear(7, 5).double()
    x = torch.randn(3, 7, dtype=torch.float64, requires_grad=True)
    y = layer(x)
    w = layer.weight.detach()
    assert torch.allclose(y, -(x.detach()[:, None, :] - w[None]).abs().sum(2))
    g = torch.randn_like(y)
    y.backward(g)
    gx, gw = naive_backward(x.detach()[:, :, None, None], w[:, :, None, None], 1, 0, g[:, :, None, None])
    assert torch.allclose(x.grad, gx[:, :, 0, 0])
    assert torch.allclose(layer.weight.grad, gw[:, :, 0, 0])
