// Strides, dilations and pads of a Conv or pooling window, auto_pad resolved.
import type { Shape } from "../../graph/ir.js";
import { samePads } from "../../graph/shapes.js";
import type { OnnxNode } from "../node.js";

export interface WindowAttributes {
  stride: [number, number];
  dilation: [number, number];
  /** [top, left, bottom, right] */
  pads: [number, number, number, number];
}

function pair(node: OnnxNode, name: string): [number, number] {
  const values = node.ints(name, [1, 1]);
  if (values.length !== 2 || values.some((v) => v < 1)) throw node.error(`${name} [${values}] must be 2 positive values`);
  return [values[0]!, values[1]!];
}

export function windowAttributes(node: OnnxNode, input: Shape, kernel: [number, number]): WindowAttributes {
  const stride = pair(node, "strides");
  const dilation = pair(node, "dilations");
  const autoPad = node.string("auto_pad", "NOTSET");
  if (autoPad === "NOTSET") {
    const p = node.ints("pads", [0, 0, 0, 0]);
    if (p.length !== 4 || p.some((v) => v < 0)) throw node.error(`pads [${p}] must be 4 non-negative values`);
    return { stride, dilation, pads: [p[0]!, p[1]!, p[2]!, p[3]!] };
  }
  if (autoPad === "VALID") return { stride, dilation, pads: [0, 0, 0, 0] };
  if (autoPad !== "SAME_UPPER" && autoPad !== "SAME_LOWER") throw node.error(`auto_pad "${autoPad}" is not supported`);
  return { stride, dilation, pads: samePads(input, kernel, stride, dilation, autoPad === "SAME_UPPER") };
}
