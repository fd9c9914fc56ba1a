// Add: a residual sum of two computed tensors of the same shape, or — with a constant input — the
// bias of the MatMul/Gemm before it (folded by src/onnx/fuse.ts).
import type { Converter } from "../node.js";
import { onnxShapeText } from "../state.js";

export const add: Converter = (node) => {
  const constantSide = [0, 1].find((position) => node.isConstant(position));
  if (constantSide !== undefined) {
    const { info } = node.value(1 - constantSide);
    node.fuse({ kind: "bias", bias: node.perChannel(constantSide, "bias", info.shape.channels) }, 1 - constantSide);
    return;
  }
  const a = node.value(0);
  const b = node.value(1);
  if (onnxShapeText(a.info) !== onnxShapeText(b.info)) {
    throw node.error(`inputs "${a.name}" ${onnxShapeText(a.info)} and "${b.name}" ${onnxShapeText(b.info)} differ; broadcasting is not supported`);
  }
  node.emit({ op: "add", ...node.nodeBase([a.name, b.name]) });
};
