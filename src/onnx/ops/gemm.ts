// Gemm, MatMul and com.addernet AdderGemm: a dense layer on a [1, K] input with constant weights.
// Weights become [N][K]; after a flatten of a map with H·W > 1 their columns are permuted from
// ONNX's (c, h, w) order to the Graph's NHWC (h, w, c).
import type { DenseNode } from "../../graph/ir.js";
import { permuteDenseColumns } from "../../graph/layout.js";
import type { Converter, OnnxNode } from "../node.js";
import { onnxShapeText } from "../state.js";

interface DenseAttributes {
  transB: number;
  alpha: number;
  beta: number;
}

function dense(node: OnnxNode, op: DenseNode["op"], attributes: DenseAttributes, biasInput: boolean): void {
  const { name: inputName, info: x } = node.value(0);
  if (x.rank !== 2) throw node.error(`input "${inputName}" has shape ${onnxShapeText(x)}; a 2-D [1, K] input is expected (add a Flatten)`);
  const b = node.finiteConstant(1, "weights");
  if (b.dims.length !== 2) throw node.error(`weights have dims [${b.dims}]; a 2-D matrix is expected`);
  const { transB, alpha, beta } = attributes;
  const [rows, cols] = b.dims as [number, number];
  const inFeatures = transB ? cols : rows;
  const outFeatures = transB ? rows : cols;
  if (inFeatures !== x.shape.channels) throw node.error(`weights take ${inFeatures} inputs but input "${inputName}" has ${x.shape.channels}`);
  const weights = new Float32Array(outFeatures * inFeatures);
  for (let o = 0; o < outFeatures; o++) {
    for (let k = 0; k < inFeatures; k++) weights[o * inFeatures + k] = alpha * b.values[transB ? o * inFeatures + k : k * outFeatures + o]!;
  }
  const bias = biasInput && node.hasInput(2) ? node.perChannel(2, "bias", outFeatures).map((v) => v * beta) : undefined;
  node.emit({
    op,
    ...node.nodeBase([inputName]),
    weights: x.flattenedFrom ? permuteDenseColumns(weights, outFeatures, x.flattenedFrom, "nhwc") : weights,
    outFeatures,
    ...(bias ? { bias } : {}),
  });
}

export const gemm: Converter = (node) => {
  if (node.int("transA", 0) !== 0) throw node.error("transA = 1 is not supported");
  dense(node, "dense", { transB: node.int("transB", 0), alpha: node.float("alpha", 1), beta: node.float("beta", 1) }, true);
};

/** MatMul has no bias input; a following Add of a constant becomes its bias (src/onnx/fuse.ts). */
export const matMul: Converter = (node) => dense(node, "dense", { transB: 0, alpha: 1, beta: 1 }, false);

export const adderGemm: Converter = (node) => {
  if (node.int("transA", 0) !== 0) throw node.error("transA = 1 is not supported");
  const alpha = node.float("alpha", 1);
  const beta = node.float("beta", 1);
  if (alpha !== 1 || beta !== 1) throw node.error(`alpha/beta are not defined for AdderGemm (found alpha ${alpha}, beta ${beta})`);
  dense(node, "adder_dense", { transB: node.int("transB", 0), alpha, beta }, true);
};
