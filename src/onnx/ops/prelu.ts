// PRelu: one slope for every value is a leaky ReLU (a LUT op); one slope per channel a
// channel_affine node (scale 1 above zero, the slope below, no bias).
import { permuteDenseColumns } from "../../graph/layout.js";
import type { Converter, OnnxNode } from "../node.js";
import { onnxShapeText, type ValueInfo } from "../state.js";
import { emitElementwise } from "./elementwise.js";

/**
 * The slopes as one per channel (or one for all): unidirectional broadcasting (opset ≥ 7) lets
 * the slope vary along the channel axis (1) only; before opset 7 a 1-D slope of C values is per
 * channel.
 */
function slopes(node: OnnxNode, info: ValueInfo): Float32Array {
  const slope = node.finiteConstant(1, "slope");
  const C = info.shape.channels;
  if (slope.values.length === 1) return Float32Array.of(slope.values[0]!);
  const legacy = node.opset < 7 && slope.dims.length === 1 && slope.dims[0] === C;
  // right-aligned with the input's dims: every axis but the channels' must be 1
  const channelAxis = slope.dims.length - (info.rank - 1);
  const perChannel = slope.dims.length <= info.rank && slope.dims.every((d, i) => d === (i === channelAxis ? C : 1));
  if (!legacy && !perChannel) {
    throw node.error(`slope of shape [${slope.dims}] against input ${onnxShapeText(info)}: only one slope, or one per channel (axis 1), is supported`);
  }
  return Float32Array.from(slope.values);
}

export const prelu: Converter = (node) => {
  const { name, info } = node.value(0);
  const alpha = slopes(node, info);
  if (alpha.every((a) => a === alpha[0])) return emitElementwise(node, { name: "leaky_relu", alpha: alpha[0]! });
  // a vector flattened from a map lists its channels in NHWC order, ONNX in (c, h, w) order
  const from = info.flattenedFrom;
  const negativeScale = from ? permuteDenseColumns(alpha, 1, from, "nhwc") : alpha;
  const C = negativeScale.length;
  node.emit({ op: "channel_affine", ...node.nodeBase([name]), scale: new Float32Array(C).fill(1), negativeScale, bias: new Float32Array(C) });
};
