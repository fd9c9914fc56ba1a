// Model input quantization and output dequantization (SPEC.md "Choosing grids"), and the
// conversions between the kernel's NHWC values and the model's own layout (src/io/layout.ts).

import { outputRank, type QModel, tensorBytes } from "../format/model.js";
import { fromNhwc, type ImageLayout, layoutDims, toNhwc } from "../io/layout.js";
import { quantizeValue } from "./grid.js";

/** q = clamp(round(x/s) + z, −128, 127), rounding half away from zero, on the input tensor's grid. */
export function quantizeInput(model: QModel, x: Float32Array): Int8Array {
  const t = model.tensors[model.input]!;
  if (x.length !== tensorBytes(t)) {
    throw new Error(`quantizeInput: expected ${tensorBytes(t)} values (${t.height}x${t.width}x${t.channels} HWC), found ${x.length}`);
  }
  const grid = { scale: t.scale, zeroPoint: t.zeroPoint };
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`quantizeInput: value ${bad} is ${x[bad]}, expected a finite number`);
  return Int8Array.from(x, (v) => quantizeValue(v, grid));
}

/** x = s·(q − z) on the output tensor's grid. */
export function dequantizeOutput(model: QModel, q: Int8Array): Float32Array {
  const t = model.tensors[model.output]!;
  if (q.length !== tensorBytes(t)) {
    throw new Error(`dequantizeOutput: expected ${tensorBytes(t)} bytes (${t.height}x${t.width}x${t.channels}), found ${q.length}`);
  }
  return Float32Array.from(q, (v) => t.scale * (v - t.zeroPoint));
}

/** The model output's dims (batch 1) in `layout`, as the source model shapes it (its rank from the header flags). */
export function outputDims(model: QModel, layout: ImageLayout = "nchw"): number[] {
  return layoutDims(model.tensors[model.output]!, outputRank(model), layout);
}

/** Dequantized output values (NHWC, as the kernel writes them) in `layout` order: "nchw" is the source model's own order. */
export function outputInLayout(model: QModel, values: Float32Array, layout: ImageLayout = "nchw"): Float32Array {
  return fromNhwc(values, model.tensors[model.output]!, layout);
}

/** Float input values in `layout` order, as the NHWC values quantizeInput takes. */
export function inputFromLayout(model: QModel, values: ArrayLike<number>, layout: ImageLayout = "nchw"): Float32Array {
  return toNhwc(values, model.tensors[model.input]!, layout);
}
