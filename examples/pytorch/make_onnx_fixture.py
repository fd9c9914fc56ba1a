"""Write the small ONNX test fixture test/onnx/fixtures/adder_flatten_dense.*.

An untrained (seeded) network that exercises what the digits models do not: an adder conv whose
feature map is flattened with H*W > 1 (so the importer must permute the dense weight columns from
NCHW to NHWC order), an adder fully connected layer (AdderGemm) and BatchNorm1d after it.
Writes the model, one input (float32 [1,1,8,8], NCHW) and PyTorch's output (float32 [1,10]).

Usage: python make_onnx_fixture.py [--out DIR]
"""

import argparse
import os

import numpy as np
import torch
import torch.nn as nn

from adder import Adder2d, AdderLinear
from export import export_onnx


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(here, "..", "..", "test", "onnx", "fixtures"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    torch.manual_seed(1)
    model = nn.Sequential(
        Adder2d(1, 4, 3, stride=1, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.Flatten(),
        AdderLinear(4 * 8 * 8, 10),
        nn.BatchNorm1d(10),
    )
    # Give the BatchNorm layers the running statistics of random data (cumulative averages), so
    # that about half of the flattened values are non-zero after the ReLU.
    for layer in model:
        if isinstance(layer, nn.modules.batchnorm._BatchNorm):
            layer.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.rand(16, 1, 8, 8))
    model.eval()
    base = os.path.join(args.out, "adder_flatten_dense")
    export_onnx(model, (1, 1, 8, 8), base + ".onnx")
    x = torch.rand(1, 1, 8, 8)
    with torch.no_grad():
        y = model(x)
        nonzero = float((model[:4](x) > 0).float().mean())
    print(f"fraction of non-zero flattened values: {nonzero:.2f}")
    np.save(base + "_x.npy", x.numpy().astype(np.float32))
    np.save(base + "_y.npy", y.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
