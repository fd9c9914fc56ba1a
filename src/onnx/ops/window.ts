// Strides, dilations and pads of a Conv or pooling window, auto_pad resolved. A 1-D window (an
// input [1, C, L], held as H = 1, W = L) takes its one value per attribute on the W axis.
import type { Shape } from "../../graph/ir.js";
import { samePads } from "../../graph/shapes.js";
import type { OnnxNode } from "../node.js";

export interface WindowAttributes {
  stride: [number, number];
  dilation: [number, number];
  /** [top, left, bottom, right] */
  pads: [number, number, number, number];
}

/** An attribute of one value per spatial axis (`spatialAxes` of them) as [H, W]; H is 1 for a 1-D window. */
export function spatialPair(node: OnnxNode, name: string, spatialAxes: 1 | 2, fallback?: number): [number, number] {
  const values = node.ints(name, fallback === undefined ? [] : new Array<number>(spatialAxes).fill(fallback));
  if (values.length !== spatialAxes || values.some((v) => v < 1)) throw node.error(`${name} [${values.join(", ")}] must be ${spatialAxes} positive value${spatialAxes === 1 ? "" : "s"}`);
  return spatialAxes === 1 ? [1, values[0]!] : [values[0]!, values[1]!];
}

export function windowAttributes(node: OnnxNode, input: Shape, kernel: [number, number], spatialAxes: 1 | 2): WindowAttributes {
  const stride = spatialPair(node, "strides", spatialAxes, 1);
  const dilation = spatialPair(node, "dilations", spatialAxes, 1);
  const autoPad = node.string("auto_pad", "NOTSET");
  if (autoPad === "NOTSET") {
    const p = node.ints("pads", new Array<number>(2 * spatialAxes).fill(0));
    if (p.length !== 2 * spatialAxes || p.some((v) => v < 0)) throw node.error(`pads [${p.join(", ")}] must be ${2 * spatialAxes} non-negative values`);
    // ONNX lists the begins, then the ends: [top, left, bottom, right], or [left, right] in 1-D.
    return { stride, dilation, pads: spatialAxes === 1 ? [0, p[0]!, 0, p[1]!] : [p[0]!, p[1]!, p[2]!, p[3]!] };
  }
  if (autoPad === "VALID") return { stride, dilation, pads: [0, 0, 0, 0] };
  if (autoPad !== "SAME_UPPER" && autoPad !== "SAME_LOWER") throw node.error(`auto_pad "${autoPad}" is not supported`);
  return { stride, dilation, pads: samePads(input, kernel, stride, dilation, autoPad === "SAME_UPPER") };
}
