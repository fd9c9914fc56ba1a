// Conv and com.addernet AdderConv: 2-D, weights [M, C/group, kH, kW] and an optional bias, both
// initializers; group 1, or group = C with M = C (a depthwise convolution: weights [C, 1, kH, kW]).
// The Graph keeps the OIHW weights.
import type { ConvNode } from "../../graph/ir.js";
import type { Converter } from "../node.js";
import { windowAttributes } from "./window.js";

/** The graph op of a converter's op with group = C. */
const DEPTHWISE: Readonly<Record<"conv2d" | "adder_conv2d", ConvNode["op"]>> = { conv2d: "depthwise_conv2d", adder_conv2d: "adder_depthwise_conv2d" };

export const conv = (op: keyof typeof DEPTHWISE): Converter => (node) => {
  const x = node.map(0);
  const w = node.finiteConstant(1, "weights");
  if (w.dims.length !== 4) throw node.error(`weights have dims [${w.dims}]; [M, C, kH, kW] expected`);
  const [outChannels, inChannels, kh, kw] = w.dims as [number, number, number, number];
  const C = x.shape.channels;
  const group = node.int("group", 1);
  const depthwise = group === C && group !== 1;
  if (group !== 1 && !depthwise) throw node.error(`group = ${group} is not supported: only 1 (a convolution) or the input's channel count ${C} (a depthwise convolution)`);
  if (depthwise && outChannels !== C) {
    throw node.error(`group = ${C} with ${outChannels} output channels (channel multiplier ${outChannels / C}) is not supported; a depthwise convolution needs M = C = ${C}`);
  }
  if (depthwise && inChannels !== 1) throw node.error(`weights have ${inChannels} input channels per group; 1 expected with group = ${C}`);
  if (!depthwise && inChannels !== C) throw node.error(`weights have ${inChannels} input channels but input "${x.name}" has ${C}`);
  const kernelAttr = node.ints("kernel_shape", [kh, kw]);
  if (kernelAttr[0] !== kh || kernelAttr[1] !== kw) throw node.error(`kernel_shape [${kernelAttr}] does not match the weights' [${kh}, ${kw}]`);
  const window = windowAttributes(node, x.shape, [kh, kw]);
  const bias = node.hasInput(2) ? node.perChannel(2, "bias", outChannels) : undefined;
  node.emit({
    op: depthwise ? DEPTHWISE[op] : op,
    ...node.nodeBase([x.name]),
    weights: Float32Array.from(w.values),
    outChannels,
    kernel: [kh, kw],
    ...window,
    ...(bias ? { bias } : {}),
  });
};
