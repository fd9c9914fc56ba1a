// Add: a residual sum of two computed tensors of the same shape, or — with a constant input — the
// bias of the MatMul/Gemm before it (folded by src/onnx/fuse.ts).
import type { Converter } from "../node.js";
import { onnxShapeText } from "../state.js";

export const add: Converter = (node) => {
  const constantSide = [0, 1].find((position) => node.isConstant(position));
  if (constantSide !== undefined) {
    const { info } = node.value(1 - constantSide);
    const { dims, values } = node.constant(constantSide, "bias");
    if (values.length !== 1 && values.length !== info.shape.channels) {
      throw node.error(`a constant of dims [${dims.join(", ")}] added to ${onnxShapeText(info)}: only a bias of the node before (one value, or one per channel) is supported`);
    }
    node.fuse({ kind: "bias", bias: node.perChannel(constantSide, "bias", info.shape.channels) }, 1 - constantSide);
    return;
  }
  const a = node.value(0);
  const b = node.value(1);
  if (onnxShapeText(a.info) !== onnxShapeText(b.info)) {
    throw node.error(`inputs "${a.name}" ${onnxShapeText(a.info)} and "${b.name}" ${onnxShapeText(b.info)} differ; broadcasting is not supported`);
  }
  // Vectors flattened from maps hold their values in the maps' NHWC order (reshape.ts), which the
  // channels and H·W fix: both alike, or neither.
  const [fa, fb] = [a.info.flattenedFrom, b.info.flattenedFrom];
  const sameOrder = fa && fb && fa.channels === fb.channels && fa.height * fa.width === fb.height * fb.width;
  if ((fa || fb) && !sameOrder) {
    throw node.error(`inputs "${a.name}" and "${b.name}" are flattened from maps of different channels or sizes, so their values are in different orders`);
  }
  node.emit({ op: "add", ...node.nodeBase([a.name, b.name]) }, { rank: a.info.rank, ...(fa && { flattenedFrom: fa }) });
};
