// Conv and com.addernet AdderConv: 2-D ([1, C, H, W], weights [M, C/group, kH, kW]) or 1-D
// ([1, C, L], weights [M, C/group, k], run as a 1×k window over H = 1), an optional bias; weights
// and bias are initializers. The Graph keeps the OIHW weights. A grouped Conv (group > 1) becomes a
// convolution over every channel whose weights are zero outside each output's group (group times
// the multiplications of the grouped one; exact, as a zero weight multiplies to nothing). An
// AdderConv takes group 1 only, since |x − 0| is not nothing.
import type { ConvNode } from "../../graph/ir.js";
import type { Converter } from "../node.js";
import { windowAttributes } from "./window.js";

export const conv = (op: ConvNode["op"]): Converter => (node) => {
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
  if (group > 1 && group === C && outChannels === C) throw node.error(`group = ${group} (a depthwise convolution) is not supported`);
  // |x − 0| is not 0: zero weights outside a group would change an adder layer's sums.
  if (group > 1 && op === "adder_conv2d") throw node.error(`group = ${group} is not supported for AdderConv (only group = 1)`);
  const kernelAttr = node.ints("kernel_shape", w.dims.slice(2));
  if (kernelAttr.join() !== w.dims.slice(2).join()) throw node.error(`kernel_shape [${kernelAttr.join(", ")}] does not match the weights' [${w.dims.slice(2).join(", ")}]`);
  const window = windowAttributes(node, x.shape, [kh, kw], x.spatialAxes);
  const bias = node.hasInput(2) ? node.perChannel(2, "bias", outChannels) : undefined;
  node.emit({
    op,
    ...node.nodeBase([x.name]),
    weights: group === 1 ? Float32Array.from(w.values) : blockDiagonal(w.values, outChannels, C, group, kh * kw),
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
