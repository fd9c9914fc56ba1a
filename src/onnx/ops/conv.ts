// Conv and com.addernet AdderConv: 2-D ([1, C, H, W], weights [M, C/group, kH, kW]) or 1-D
// ([1, C, L], weights [M, C/group, k], run as a 1×k window over H = 1), an optional bias; weights
// and bias are initializers. The Graph keeps the OIHW weights. group 1 is a convolution; group = C
// with M = C a depthwise convolution (weights [C, 1, kH, kW]); any other group (a channel
// multiplier M = k·C included) becomes a convolution over every channel whose weights are zero
// outside each output's group (group times the multiplications of the grouped one; exact, as a
// zero weight multiplies to nothing). An AdderConv takes no such group, since |x − 0| counts.
import type { ConvNode } from "../../graph/ir.js";
import type { Converter } from "../node.js";
import { windowAttributes } from "./window.js";

/** The graph op of a converter's op with group = C. */
const DEPTHWISE: Readonly<Record<"conv2d" | "adder_conv2d", ConvNode["op"]>> = { conv2d: "depthwise_conv2d", adder_conv2d: "adder_depthwise_conv2d" };

export const conv = (op: keyof typeof DEPTHWISE): Converter => (node) => {
  const x = node.map(0);
  const w = node.finiteConstant(1, "weights");
  const layout = x.spatialAxes === 1 ? "[M, C, k]" : "[M, C, kH, kW]";
  if (w.dims.length !== 2 + x.spatialAxes) throw node.error(`weights have dims [${w.dims.join(", ")}]; ${layout} expected for the ${x.rank}-D input "${x.name}"`);
  const [outChannels, inChannels] = w.dims as [number, number];
  const [kh, kw]: [number, number] = x.spatialAxes === 1 ? [1, w.dims[2]!] : [w.dims[2]!, w.dims[3]!];
  const C = x.shape.channels;
  const group = node.int("group", 1);
  if (group < 1 || C % group !== 0 || outChannels % group !== 0) throw node.error(`group = ${group} does not divide the ${C} input and ${outChannels} output channels`);
  if (inChannels * group !== C) {
    throw node.error(group === 1 ? `weights have ${inChannels} input channels but input "${x.name}" has ${C}` : `weights have ${inChannels} input channels per group; ${C / group} expected with group = ${group}`);
  }
  const depthwise = group > 1 && group === C && outChannels === C;
  // |x − 0| is not 0: zero weights outside a group would change an adder layer's sums.
  if (group > 1 && !depthwise && op === "adder_conv2d") {
    throw node.error(`group = ${group} is not supported for AdderConv: only 1 (a convolution) or the input's channel count ${C} with as many outputs (a depthwise convolution)`);
  }
  const kernelAttr = node.ints("kernel_shape", w.dims.slice(2));
  if (kernelAttr.join() !== w.dims.slice(2).join()) throw node.error(`kernel_shape [${kernelAttr.join(", ")}] does not match the weights' [${w.dims.slice(2).join(", ")}]`);
  const window = windowAttributes(node, x.shape, [kh, kw], x.spatialAxes);
  const bias = node.hasInput(2) ? node.perChannel(2, "bias", outChannels) : undefined;
  node.emit({
    op: depthwise ? DEPTHWISE[op] : op,
    ...node.nodeBase([x.name]),
    weights: group === 1 || depthwise ? Float32Array.from(w.values) : blockDiagonal(w.values, outChannels, C, group, kh * kw),
    outChannels,
    kernel: [kh, kw],
    ...window,
    ...(bias ? { bias } : {}),
  });
};

/**
 * Grouped weights [M][C/group][K] as weights over all C input channels, [M][C][K]: output m (of
 * group ⌊m / (M/group)⌋) keeps its weights on its group's channels and has zeros elsewhere.
 */
function blockDiagonal(weights: ArrayLike<number>, M: number, C: number, group: number, K: number): Float32Array {
  const perGroup = C / group;
  const out = new Float32Array(M * C * K);
  for (let m = 0; m < M; m++) {
    const first = Math.floor(m / (M / group)) * perGroup;
    for (let c = 0; c < perGroup; c++) {
      for (let k = 0; k < K; k++) out[(m * C + first + c) * K + k] = weights[(m * perGroup + c) * K + k]!;
    }
  }
  return out;
}
