// Seeded random single-op QModels (already quantized, offsets assigned) for the kernel tests and
// the benchmark.
import { TRAIT_ELEMENTS, TRAIT_POOL, TRAIT_REQUANTIZES, TRAIT_TO_1X1, TRAIT_TWO_INPUTS, TRAIT_WINDOW } from "../format/constants.js";
import type { Geometry, OpKind, QModel, QOp, QTensor } from "../format/model.js";
import { tensorBytes } from "../format/model.js";
import { windowOutput as extent } from "../graph/shapes.js";
import { expectedOutputShape, filterBytes, has, hasFilters, isAdder } from "../ops/table.js";
import { Rng } from "./random.js";

type Shape = Pick<QTensor, "height" | "width" | "channels">;

export const UNIT: Geometry = {
  kernelH: 1, kernelW: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
  padTop: 0, padLeft: 0, padBottom: 0, padRight: 0,
};

const ODD_CHANNELS = [1, 2, 3, 5, 8, 13, 16, 17, 31, 33, 48, 64];

/** Give each tensor its own 16-aligned slot (no overlaps), and size the activation region. */
export function assignOffsets(model: QModel): QModel {
  let at = 0;
  for (const t of model.tensors) {
    t.offset = at;
    at += Math.ceil(tensorBytes(t) / 16) * 16;
  }
  model.activationBytes = at;
  return model;
}

export function tensor(shape: Shape, zeroPoint: number, scale = 0.05): QTensor {
  return { ...shape, zeroPoint, scale, offset: 0 };
}

/** int8 values, a share of them at the extremes −128 and 127. */
export function randomInt8(rng: Rng, count: number, extremes = 0.1): Int8Array {
  return Int8Array.from({ length: count }, () =>
    rng.chance(extremes) ? rng.pick([-128, 127]) : rng.int(-128, 127));
}

/** Output clamp: none, ReLU-like, or a random sub-range. */
function randomClamp(rng: Rng, zOut: number): { actMin: number; actMax: number } {
  const r = rng.next();
  if (r < 0.5) return { actMin: -128, actMax: 127 };
  if (r < 0.75) return { actMin: Math.max(-128, zOut), actMax: 127 };
  const a = rng.int(-128, 127), b = rng.int(-128, 127);
  return { actMin: Math.min(a, b), actMax: Math.max(a, b) };
}

/**
 * Per-channel bias/mult/shift mapping an accumulator of typical magnitude `accScale` to about
 * ±64 output steps; some channels get negative multipliers, some extreme values (saturation,
 * 64-bit wraparound).
 */
function randomRequant(rng: Rng, n: number, accScale: number): Pick<QOp, "bias" | "mult" | "shift"> {
  if (rng.chance(0.1)) {
    // extremes: the largest multipliers and both ends of the shift range
    const shift = rng.pick([1, 2, 31, 61, 62]);
    return {
      shift,
      mult: Int32Array.from({ length: n }, () => rng.pick([0x7fffffff, -0x80000000, 1, -1, rng.int(-1e9, 1e9)])),
      bias: Int32Array.from({ length: n }, () => rng.pick([0x7fffffff, -0x80000000, 0, rng.int(-1e9, 1e9)])),
    };
  }
  const shift = rng.int(20, 40);
  const scale = (64 / Math.max(1, accScale)) * 2 ** shift;
  return {
    shift,
    mult: Int32Array.from({ length: n }, () => {
      const m = Math.round(scale * rng.uniform(0.3, 1.5)) * (rng.chance(0.25) ? -1 : 1);
      return Math.max(-0x80000000, Math.min(0x7fffffff, m));
    }),
    bias: Int32Array.from({ length: n }, () => rng.int(-2 * accScale, 2 * accScale)),
  };
}

/** Window geometry with an output of at least 1×1 for input `h×w`. */
function randomWindow(rng: Rng, h: number, w: number, pool: boolean): Geometry {
  for (;;) {
    const kernelH = rng.pick([1, 2, 3, 3, 5]), kernelW = rng.chance(0.8) ? kernelH : rng.pick([1, 2, 3, 5]);
    const dil = !pool && rng.chance(0.2) ? 2 : 1;
    const pad = (k: number): number => (pool ? rng.int(0, k - 1) : rng.pick([0, 0, 1, 1, 2]));
    const g: Geometry = {
      kernelH, kernelW,
      strideH: rng.pick([1, 1, 2]), strideW: rng.pick([1, 1, 2]),
      dilationH: dil, dilationW: rng.chance(0.7) ? dil : 1,
      padTop: pad(kernelH), padLeft: pad(kernelW), padBottom: pad(kernelH), padRight: pad(kernelW),
    };
    if (extent(h, g.kernelH, g.strideH, g.dilationH, g.padTop, g.padBottom) >= 1 &&
        extent(w, g.kernelW, g.strideW, g.dilationW, g.padLeft, g.padRight) >= 1) return g;
  }
}

/** An op with filters reading tensor `input0` and writing `output` (shapes already in `tensors`). */
function filteredOp(rng: Rng, kind: OpKind, g: Geometry, inShape: Shape, out: Shape, input0: number, output: number, zOut: number): QOp {
  const k = filterBytes({ kind, ...g }, inShape);
  return {
    kind, ...g, input0, output,
    ...randomClamp(rng, zOut),
    ...randomRequant(rng, out.channels, k * (isAdder(kind) ? 80 : 2000)),
    weights: randomInt8(rng, out.channels * k),
  };
}

/**
 * A one-op model of `kind` with random shapes, made from the op's traits (src/ops/table.ts): a
 * window, a 1×1 output, filters, a second input (made by a 1×1 conv in front, on another grid),
 * the output's grid kept or requantized.
 */
export function randomOpModel(rng: Rng, kind: OpKind): QModel {
  const inShape: Shape = { height: rng.int(1, 9), width: rng.int(1, 9), channels: rng.pick(ODD_CHANNELS) };
  const global = has(kind, TRAIT_TO_1X1) && !hasFilters(kind);
  if (global && rng.chance(0.3)) { inShape.height = rng.int(8, 40); inShape.width = rng.int(8, 40); }
  const zIn = rng.int(-128, 127);
  const zOut = hasFilters(kind) || has(kind, TRAIT_REQUANTIZES) ? rng.int(-100, 100) : zIn; // kept grids keep z
  const g = has(kind, TRAIT_WINDOW) ? randomWindow(rng, inShape.height, inShape.width, has(kind, TRAIT_POOL)) : UNIT;
  let out = expectedOutputShape({ kind, ...g }, inShape, { height: 1, width: 1, channels: rng.pick(ODD_CHANNELS) });
  if (has(kind, TRAIT_ELEMENTS)) {
    const n = tensorBytes(inShape);
    out = rng.pick([{ height: 1, width: 1, channels: n }, { height: inShape.height * inShape.width, width: 1, channels: inShape.channels }]);
  }
  const tensors = [tensor(inShape, zIn)];
  const ops: QOp[] = [];
  let input1: number | undefined;
  if (has(kind, TRAIT_TWO_INPUTS)) {
    // the second input: a 1×1 conv of the first, on another grid
    tensors.push(tensor(inShape, rng.int(-128, 127)));
    ops.push(filteredOp(rng, "conv2d", UNIT, inShape, inShape, 0, 1, tensors[1]!.zeroPoint));
    input1 = 1;
  }
  tensors.push(tensor(out, zOut));
  const output = tensors.length - 1;
  let op: QOp;
  if (hasFilters(kind)) op = filteredOp(rng, kind, g, inShape, out, 0, output, zOut);
  else {
    op = { kind, ...g, input0: 0, output, ...(has(kind, TRAIT_ELEMENTS) ? { actMin: -128, actMax: 127 } : randomClamp(rng, zOut)), shift: 0 };
    if (input1 !== undefined) {
      const shift = rng.chance(0.1) ? rng.pick([1, 62]) : rng.int(14, 30);
      const m = (): number => Math.round(rng.uniform(-1.5, 1.5) * 2 ** Math.min(shift, 30));
      Object.assign(op, { input1, shift, mult0: m(), mult1: m() });
      if (rng.chance(0.1)) { op.mult0 = 0x7fffffff; op.mult1 = -0x80000000; }
    }
  }
  ops.push(op);
  return assignOffsets({ tensors, ops, input: 0, output, activationBytes: 0 });
}

/** 3×3 window, stride 1, padding 1. */
export const SAME_3X3: Geometry = { ...UNIT, kernelH: 3, kernelW: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1 };

/**
 * The yardstick layer: a filtered window op (conv2d, adder_conv2d, or a depthwise op, whose N
 * is C) from C to N channels on H×W, by default 3×3 with padding 1.
 */
export function convLayerModel(rng: Rng, kind: OpKind, H: number, W: number, C: number, N: number, g: Geometry = SAME_3X3): QModel {
  const inShape = { height: H, width: W, channels: C };
  const out = expectedOutputShape({ kind, ...g }, inShape, { height: 1, width: 1, channels: N });
  const op = filteredOp(rng, kind, g, inShape, out, 0, 1, 0);
  return assignOffsets({ tensors: [tensor(inShape, rng.int(-20, 20)), tensor(out, 0)], ops: [op], input: 0, output: 1, activationBytes: 0 });
}
