// Model input quantization and output dequantization (SPEC.md "Choosing grids").

import { type QModel, tensorBytes } from "../format/model.js";
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
