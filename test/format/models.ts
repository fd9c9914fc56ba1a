// Test models: a seeded random generator of valid QModels (every op kind, random geometry and
// quantization fields) and a ResNet-20-shaped hybrid model. Tensors get disjoint offsets, so
// every model is valid as is; the planner tests replan them.
import type { Geometry, OpKind, PadMode, QModel, QOp, QTensor } from "../../src/format/model.js";
import { tensorBytes } from "../../src/format/model.js";
import { UNIT_GEOMETRY, align16 } from "../../src/format/layout.js";
import { opInputs, paramArrays, windowOutputSize } from "../../src/ops/table.js";
import { runAccumulators, runOp } from "../../src/reference/interpreter.js";

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number): { int(lo: number, hi: number): number; pick<T>(xs: readonly T[]): T; float(): number } {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    float: next,
  };
}
export type Rng = ReturnType<typeof rng>;

/**
 * Builds a model tensor by tensor, op by op, running each op on a random input as it goes so
 * that conv-like ops get a bias that centres their accumulators and multipliers that spread
 * them over tens of output steps (random parameters alone saturate after a few layers).
 * `finish` lays the tensors out one after another.
 */
export class ModelBuilder {
  readonly tensors: QTensor[] = [];
  readonly ops: QOp[] = [];
  /** Each tensor's bytes on the calibration input. */
  private readonly values: Int8Array[] = [];
  constructor(readonly r: Rng) {}

  tensor(height: number, width: number, channels: number, zeroPoint = this.r.int(-30, 30), scale = Math.fround(0.01 + this.r.float())): number {
    this.tensors.push({ height, width, channels, zeroPoint, scale, offset: 0 });
    return this.tensors.length - 1;
  }

  /** The model input, with random calibration bytes. */
  input(height: number, width: number, channels: number): number {
    const t = this.tensor(height, width, channels);
    this.values[t] = Int8Array.from({ length: height * width * channels }, () => this.r.int(-128, 127));
    return t;
  }

  private get partial(): QModel {
    return { tensors: this.tensors, ops: this.ops, input: 0, output: 0, activationBytes: 0 };
  }

  private push(op: QOp): number {
    this.ops.push(op);
    this.values[op.output] = runOp(this.partial, op, opInputs(op).map((t) => this.values[t]!));
    return op.output;
  }

  /** Output clamp: none, ReLU (from the output's zero point) or a random narrower range. */
  private clamp(output: number): { actMin: number; actMax: number } {
    const kind = this.r.int(0, 9);
    if (kind < 5) return { actMin: -128, actMax: 127 };
    if (kind < 9) return { actMin: this.tensors[output].zeroPoint, actMax: 127 };
    const a = this.r.int(-128, 127);
    const b = this.r.int(-128, 127);
    return { actMin: Math.min(a, b), actMax: Math.max(a, b) };
  }

  /** Conv-like op with output channels `n`; adder weights are drawn from the input's values. */
  convLike(kind: OpKind, input: number, n: number, g: Geometry = UNIT_GEOMETRY): number {
    const x = this.tensors[input];
    const xs = this.values[input];
    const dense = kind === "dense" || kind === "adder_dense";
    const out = dense
      ? this.tensor(1, 1, n)
      : this.tensor(
          windowOutputSize(x.height, g.kernelH, g.strideH, g.dilationH, g.padTop, g.padBottom),
          windowOutputSize(x.width, g.kernelW, g.strideW, g.dilationW, g.padLeft, g.padRight),
          n,
        );
    const weightCount = paramArrays({ kind, ...g }, x, this.tensors[out]).find((a) => a.key === "weights")!.length;
    const adder = kind.startsWith("adder");
    const weight = (): number => (adder ? Math.max(-128, Math.min(127, xs[this.r.int(0, xs.length - 1)] + this.r.int(-20, 20))) : this.r.int(-127, 127));
    const op: QOp = {
      kind, input0: input, output: out, ...g, ...this.clamp(out), shift: 1,
      weights: Int8Array.from({ length: weightCount }, weight),
      bias: new Int32Array(n),
      mult: new Int32Array(n),
    };
    // centre each channel's accumulators (per channel when there are enough pixels) and scale
    // their spread to about ±30 output steps; a fifth of the multipliers negative
    const accs = runAccumulators(this.partial, op, xs);
    const pixels = accs.length / n;
    const stats = (k: number | undefined): { mean: number; std: number } => {
      const vs = k === undefined ? [...accs] : Array.from({ length: pixels }, (_, p) => accs[p * n + k]);
      const mean = vs.reduce((a, v) => a + v, 0) / vs.length;
      const std = Math.sqrt(vs.reduce((a, v) => a + (v - mean) ** 2, 0) / vs.length);
      return { mean, std: Math.max(std, 1) };
    };
    const scales = Array.from({ length: n }, (_, k) => {
      const { mean, std } = stats(pixels >= 4 ? k : undefined);
      op.bias![k] = -Math.round(mean) + this.r.int(-2, 2);
      return ((this.r.float() < 0.2 ? -1 : 1) * 30 * (0.7 + 0.6 * this.r.float())) / std;
    });
    const maxScale = Math.max(...scales.map(Math.abs));
    op.shift = Math.max(1, Math.min(62, Math.floor(Math.log2((2 ** 31 - 1) / maxScale)) - this.r.int(0, 6)));
    scales.forEach((m, k) => (op.mult![k] = Math.round(m * 2 ** op.shift)));
    return this.push(op);
  }

  /** Pool with the input's grid. */
  pool(kind: "max_pool" | "avg_pool" | "global_avg_pool", input: number, g: Geometry = UNIT_GEOMETRY): number {
    const x = this.tensors[input];
    const out =
      kind === "global_avg_pool"
        ? this.tensor(1, 1, x.channels, x.zeroPoint, x.scale)
        : this.tensor(
            windowOutputSize(x.height, g.kernelH, g.strideH, 1, g.padTop, g.padBottom),
            windowOutputSize(x.width, g.kernelW, g.strideW, 1, g.padLeft, g.padRight),
            x.channels,
            x.zeroPoint,
            x.scale,
          );
    return this.push({ kind, input0: input, output: out, ...(kind === "global_avg_pool" ? UNIT_GEOMETRY : g), ...this.clamp(out), shift: 0 });
  }

  add(a: number, b: number): number {
    const x = this.tensors[a];
    const out = this.tensor(x.height, x.width, x.channels);
    const shift = this.r.int(16, 30);
    const m = (): number => this.r.pick([-1, 1, 1, 1]) * Math.round(2 ** shift * (0.3 + 0.6 * this.r.float()));
    return this.push({ kind: "add", input0: a, input1: b, output: out, ...UNIT_GEOMETRY, ...this.clamp(out), shift, mult0: m(), mult1: m() });
  }

  reshape(input: number, height: number, width: number, channels: number): number {
    const x = this.tensors[input];
    const out = this.tensor(height, width, channels, x.zeroPoint, x.scale);
    return this.push({ kind: "reshape", input0: input, output: out, ...UNIT_GEOMETRY, actMin: -128, actMax: 127, shift: 0 });
  }

  /** Rows and columns added around `input` on its grid. */
  pad(input: number, g: Geometry, padMode: PadMode, padValue: number): number {
    const x = this.tensors[input];
    const out = this.tensor(x.height + g.padTop + g.padBottom, x.width + g.padLeft + g.padRight, x.channels, x.zeroPoint, x.scale);
    return this.push({ kind: "pad", input0: input, output: out, ...g, actMin: -128, actMax: 127, shift: 0, padValue, padMode });
  }

  /** The inputs side by side along channels, each rescaled onto a new grid. */
  concat(inputs: number[]): number {
    const x = this.tensors[inputs[0]!];
    const out = this.tensor(x.height, x.width, inputs.reduce((sum, t) => sum + this.tensors[t].channels, 0));
    const shift = this.r.int(16, 30);
    const mults = inputs.map(() => this.r.pick([-1, 1, 1, 1]) * Math.round(2 ** shift * (0.3 + 0.6 * this.r.float())));
    return this.push({ kind: "concat", input0: inputs[0]!, inputs, output: out, ...UNIT_GEOMETRY, ...this.clamp(out), shift, mults });
  }

  /** The model with each tensor in its own 16-aligned slot. */
  finish(input: number, output: number): QModel {
    let end = 0;
    for (const t of this.tensors) {
      t.offset = end;
      end = align16(end + tensorBytes(t));
    }
    return { tensors: this.tensors, ops: this.ops, input, output, activationBytes: end };
  }
}

export function randomGeometry(r: Rng, pool: boolean): Geometry {
  const kernelH = r.int(1, 4);
  const kernelW = r.int(1, 4);
  const pad = (k: number): number => (pool ? r.int(0, k - 1) : r.int(0, 2));
  return {
    kernelH, kernelW, strideH: r.int(1, 3), strideW: r.int(1, 3),
    dilationH: pool ? 1 : r.int(1, 2), dilationW: pool ? 1 : r.int(1, 2),
    padTop: pad(kernelH), padLeft: pad(kernelW), padBottom: pad(kernelH), padRight: pad(kernelW),
  };
}

/** A random valid model: a chain of random ops with residual adds back to earlier tensors. */
export function randomModel(seed: number, opCount = 6): QModel {
  const r = rng(seed);
  const b = new ModelBuilder(r);
  const input = b.input(r.int(4, 9), r.int(4, 9), r.int(1, 6));
  let cur = input;
  const produced: number[] = [];
  for (let k = 0; k < opCount; k++) {
    const x = b.tensors[cur];
    const sameShape = produced.filter((t) => t !== cur && ["height", "width", "channels"].every((d) => b.tensors[t][d as "height"] === x[d as "height"]));
    const kinds: string[] = ["conv2d", "adder_conv2d", "max_pool", "avg_pool", "reshape"];
    if (x.height * x.width * x.channels <= 300) kinds.push("dense", "adder_dense", "global_avg_pool");
    if (sameShape.length > 0 || cur !== input) kinds.push("add", "add");
    const kind = r.pick(kinds);
    let next: number;
    if (kind === "conv2d" || kind === "adder_conv2d") {
      let g = randomGeometry(r, false);
      for (let tries = 0; windowOutputSize(x.height, g.kernelH, g.strideH, g.dilationH, g.padTop, g.padBottom) < 1 || windowOutputSize(x.width, g.kernelW, g.strideW, g.dilationW, g.padLeft, g.padRight) < 1; tries++) {
        g = tries > 5 ? UNIT_GEOMETRY : randomGeometry(r, false);
      }
      next = b.convLike(kind, cur, r.int(1, 7), g);
    } else if (kind === "dense" || kind === "adder_dense") {
      next = b.convLike(kind, cur, r.int(1, 12));
    } else if (kind === "max_pool" || kind === "avg_pool") {
      let g = randomGeometry(r, true);
      for (let tries = 0; windowOutputSize(x.height, g.kernelH, g.strideH, 1, g.padTop, g.padBottom) < 1 || windowOutputSize(x.width, g.kernelW, g.strideW, 1, g.padLeft, g.padRight) < 1; tries++) {
        g = tries > 5 ? UNIT_GEOMETRY : randomGeometry(r, true);
      }
      next = b.pool(kind, cur, g);
    } else if (kind === "global_avg_pool") {
      next = b.pool(kind, cur);
    } else if (kind === "add") {
      // add to an earlier tensor of the same shape, or to itself through a fresh conv branch
      const other = sameShape.length > 0 ? r.pick(sameShape) : b.convLike("adder_conv2d", cur, x.channels);
      next = b.add(cur, other);
    } else {
      next = b.reshape(cur, 1, x.height, x.width * x.channels);
    }
    produced.push(next);
    cur = next;
  }
  return b.finish(input, cur);
}

const conv3x3 = (stride: number): Geometry => ({ ...UNIT_GEOMETRY, kernelH: 3, kernelW: 3, strideH: stride, strideW: stride, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1 });
const conv1x1 = (stride: number): Geometry => ({ ...UNIT_GEOMETRY, strideH: stride, strideW: stride });

/** ResNet-20 for CIFAR shapes: int8 conv stem, adder 3×3 blocks with 1×1 adder downsampling shortcuts, dense classifier. */
export function resnet20Model(seed = 20): QModel {
  const r = rng(seed);
  const b = new ModelBuilder(r);
  const input = b.input(32, 32, 3);
  let x = b.convLike("conv2d", input, 16, conv3x3(1));
  for (const [stage, channels] of [16, 32, 64].entries()) {
    for (let block = 0; block < 3; block++) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      const h = b.convLike("adder_conv2d", x, channels, conv3x3(stride));
      const y = b.convLike("adder_conv2d", h, channels, conv3x3(1));
      const shortcut = stride === 1 ? x : b.convLike("adder_conv2d", x, channels, conv1x1(stride));
      x = b.add(y, shortcut);
    }
  }
  const pooled = b.pool("global_avg_pool", x);
  const logits = b.convLike("dense", pooled, 10);
  return b.finish(input, logits);
}

export function randomInput(model: QModel, seed: number): Int8Array {
  const r = rng(seed);
  return Int8Array.from({ length: tensorBytes(model.tensors[model.input]) }, () => r.int(-128, 127));
}
