"""ONNX export of networks holding adder layers.

Adder layers become custom ops of the domain `com.addernet`, version 1 (see docs/ONNX.md):
`AdderConv` (Conv's inputs and attributes) and `AdderGemm` (Gemm's, transB = 1). They are
emitted by the `symbolic` methods of the autograd Functions in adder.py, which the TorchScript
exporter (`dynamo=False`) calls. BatchNormalization stays a BatchNormalization node (the model
is exported in eval mode with `TrainingMode.PRESERVE`, so it is not folded here); the importer
folds it into the preceding layer.
"""

import warnings

import onnx
import torch

ADDER_DOMAIN = "com.addernet"
ADDER_OPSET_VERSION = 1
ONNX_OPSET_VERSION = 13


def export_onnx(model: torch.nn.Module, input_shape: tuple[int, ...], path: str) -> onnx.ModelProto:
    """Export `model` (put in eval mode) for a fixed input shape; returns the checked model."""
    model.eval()
    example = torch.zeros(input_shape)
    with warnings.catch_warnings():
        # adder.py turns traced shapes into ints on purpose: the export is for one fixed shape.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        _export(model, example, path)
    exported = onnx.load(path)
    onnx.checker.check_model(exported)  # accepts ops of a declared custom domain
    return exported


def _export(model: torch.nn.Module, example: torch.Tensor, path: str) -> None:
    torch.onnx.export(
        model,
        (example,),
        path,
        dynamo=False,
        opset_version=ONNX_OPSET_VERSION,
        input_names=["input"],
        output_names=["logits"],
        custom_opsets={ADDER_DOMAIN: ADDER_OPSET_VERSION},
        training=torch.onnx.TrainingMode.PRESERVE,
        do_constant_folding=False,
    )
