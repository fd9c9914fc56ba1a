"""Adder layers following the reference AdderNet (Chen et al., CVPR 2020).

Forward (NCHW, weights W[t][c][i][j], stride s, padding p, dilation 1):

    Y[n,t,oh,ow] = - sum_c sum_i sum_j | X[n, c, oh*s + i - p, ow*s + j - p] - W[t,c,i,j] |

Zero padding is part of the input: a padded tap contributes |0 - W|, not zero. The layer has no
bias; in the networks it is followed by BatchNorm.

Backward (the reference training rule, not the true gradient):
  * weight gradient: the full-precision (X - W) times the incoming gradient, summed over the
    batch and output positions (the true gradient would use sign(X - W));
  * input gradient: HardTanh(W - X) times the incoming gradient;
  * adaptive learning-rate scaling: each layer's weight gradient is rescaled to the norm
    eta * sqrt(k), k the number of weights in the layer, eta = 0.2.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

ETA = 0.2  # adaptive learning-rate scaling factor of the reference implementation


def adder_columns(x_col: torch.Tensor, w_col: torch.Tensor) -> torch.Tensor:
    """-sum_k |x_col[n,k,l] - w_col[t,k]|  ->  [n, t, l]."""
    return -(x_col.unsqueeze(1) - w_col.unsqueeze(0).unsqueeze(3)).abs().sum(2)


def adder_columns_backward(x_col: torch.Tensor, w_col: torch.Tensor, grad_out: torch.Tensor):
    """The reference training rule over columns; returns (grad_x_col [N,K,L], grad_w_col [T,K])."""
    diff = x_col.unsqueeze(1) - w_col.unsqueeze(0).unsqueeze(3)  # [N, T, K, L] = X - W
    g = grad_out.unsqueeze(2)  # [N, T, 1, L]
    grad_w = (diff * g).sum(dim=(0, 3))  # full-precision X - W, not its sign
    grad_w = grad_w / grad_w.norm(p=2).clamp(min=1e-12) * (ETA * math.sqrt(w_col.numel()))
    grad_x = (F.hardtanh(-diff) * g).sum(1)  # HardTanh(W - X) * incoming gradient
    return grad_x, grad_w


class AdderConv2dFunction(torch.autograd.Function):
    """Adder convolution of x [N,C,H,W] with weight [T,C,k,k]; exported as com.addernet::AdderConv."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, weight: torch.Tensor, stride: int, padding: int) -> torch.Tensor:
        n, _, h, w = (int(d) for d in x.shape)  # plain ints, also while tracing for export
        t, _, k, _ = (int(d) for d in weight.shape)
        out_h = (h + 2 * padding - k) // stride + 1
        out_w = (w + 2 * padding - k) // stride + 1
        # Pad explicitly with zeros, then unfold: padded taps are ordinary inputs equal to 0.
        x_pad = F.pad(x, (padding, padding, padding, padding))
        x_col = F.unfold(x_pad, kernel_size=k, stride=stride)  # [N, C*k*k, L], (c, i, j) order
        w_col = weight.reshape(t, -1)  # [T, C*k*k], same order
        ctx.save_for_backward(x_col, w_col)
        ctx.geometry = (x_pad.shape[2:], k, stride, padding, weight.shape)
        return adder_columns(x_col, w_col).reshape(n, t, out_h, out_w)

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):
        x_col, w_col = ctx.saved_tensors
        padded_hw, k, stride, padding, weight_shape = ctx.geometry
        n, t = grad_out.shape[:2]
        grad_x_col, grad_w_col = adder_columns_backward(x_col, w_col, grad_out.reshape(n, t, -1))
        grad_x_pad = F.fold(grad_x_col, output_size=padded_hw, kernel_size=k, stride=stride)
        h, w = padded_hw
        grad_x = grad_x_pad[:, :, padding : h - padding, padding : w - padding]
        return grad_x, grad_w_col.reshape(weight_shape), None, None

    @staticmethod
    def symbolic(g, x, weight, stride: int, padding: int):
        k = weight.type().sizes()[2]
        return g.op(
            "com.addernet::AdderConv",
            x,
            weight,
            kernel_shape_i=[k, k],
            strides_i=[stride, stride],
            pads_i=[padding] * 4,
            dilations_i=[1, 1],
            group_i=1,
        )


class AdderLinearFunction(torch.autograd.Function):
    """Adder fully connected x [N,K], weight [T,K] -> [N,T]; exported as com.addernet::AdderGemm."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x, weight)
        return adder_columns(x.unsqueeze(2), weight).squeeze(2)

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):
        x, weight = ctx.saved_tensors
        grad_x, grad_w = adder_columns_backward(x.unsqueeze(2), weight, grad_out.unsqueeze(2))
        return grad_x.squeeze(2), grad_w

    @staticmethod
    def symbolic(g, x, weight):
        return g.op("com.addernet::AdderGemm", x, weight, transB_i=1)


class Adder2d(nn.Module):
    """Adder 2-D layer: square kernel, integer stride, zero padding, dilation 1, no groups, no bias."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0):
        super().__init__()
        self.stride = stride
        self.padding = padding
        self.weight = nn.Parameter(nn.init.normal_(torch.empty(out_channels, in_channels, kernel_size, kernel_size)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return AdderConv2dFunction.apply(x, self.weight, self.stride, self.padding)


class AdderLinear(nn.Module):
    """Adder fully connected layer (the 1x1 case): Y[n,t] = -sum_k |X[n,k] - W[t,k]|."""

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = nn.Parameter(nn.init.normal_(torch.empty(out_features, in_features)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return AdderLinearFunction.apply(x, self.weight)
