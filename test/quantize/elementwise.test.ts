// The element-wise and per-row ops against their float functions, op by op, on every int8 input
// (LUT, channel affine) or on random rows (softmax), both kernel builds giving the reference's
// bytes. The bounds, in output steps, are the ones docs/SPEC.md states:
//   LUT             |int8 − f(x)| ≤ 1/2 for every x on the input grid (the table is f rounded)
//   CHANNEL_AFFINE  ≤ 1/2 + 2^-10 where a·x + b lies in the output grid's range
//   SOFTMAX         ≤ 1/2 + 2^-10 (steps of 1/256), ≤ 1 where p > 255/256 (127 is the largest code)
//   LOG_SOFTMAX     ≤ 1/2 + 2^-10 (steps of 1/16) where log p ≥ −255/16
import { beforeAll, describe, expect, it } from "vitest";
import type { QModel } from "../../src/format/model.js";
import { packModel } from "../../src/format/writer.js";
import { elementwiseFunction } from "../../src/graph/elementwise.js";
import { GraphBuilder } from "../../src/graph/builder.js";
import type { ElementwiseFunction, Graph } from "../../src/graph/ir.js";
import { ELEMENTWISE_SAMPLES, Rng } from "../../src/models/index.js";
import { quantize } from "../../src/pipeline.js";
import type { Range } from "../../src/quantize/calibrate.js";
import { runReference } from "../../src/reference/interpreter.js";
import { KERNEL_BUILDS, KernelInstance } from "../../src/runtime/kernel.js";

const EPS = 2 ** -10;
const kernels: KernelInstance[] = [];
beforeAll(async () => {
  for (const build of KERNEL_BUILDS) kernels.push(await KernelInstance.create(build));
});

/** The model's output for int8 `input` on the reference and on both kernel builds, which must agree. */
function run(model: QModel, input: Int8Array): Int8Array {
  const expected = runReference(model, input);
  const blob = packModel(model);
  for (const k of kernels) {
    k.load(blob);
    expect(k.run(input)).toEqual(expected);
  }
  return expected;
}

/** A one-node graph on an H×W×C input, quantized with the given input range (and, for ops that calibrate, output range). */
function oneNode(shape: { height: number; width: number; channels: number }, make: (b: GraphBuilder, x: string) => string, input: Range, output: Range): { graph: Graph; model: QModel } {
  const b = new GraphBuilder(shape);
  const graph = b.build(make(b, b.input()));
  return { graph, model: quantize(graph, new Map([[graph.inputName, input], [graph.outputName, output]])) };
}

/** Every int8 value, `channels` times each (channel fastest). */
const everyValue = (channels: number) => Int8Array.from({ length: 256 * channels }, (_, k) => Math.floor(k / channels) - 128);

describe("LUT: the element-wise functions as tables", () => {
  const grids: Range[] = [{ min: -4, max: 4 }, { min: -0.7, max: 9 }, { min: -30, max: 1 }];
  it.each(ELEMENTWISE_SAMPLES.map((fn) => [fn.name, fn] as const))("%s: within half an output step of f at every int8 input; the output grid is f's image", (_name, fn: ElementwiseFunction) => {
    const f = elementwiseFunction(fn);
    for (const range of grids) {
      const { model } = oneNode({ height: 16, width: 16, channels: 1 }, (b, x) => b.elementwise(x, fn), range, { min: 0, max: 0 });
      const [xs, ys] = [model.tensors[model.input]!, model.tensors[model.output]!];
      const out = run(model, everyValue(1));
      let lo = Infinity;
      let hi = -Infinity;
      out.forEach((q, k) => {
        const y = f(xs.scale * (k - 128 - xs.zeroPoint));
        lo = Math.min(lo, y);
        hi = Math.max(hi, y);
        expect(Math.abs(ys.scale * (q - ys.zeroPoint) - y) / ys.scale, `${fn.name} at int8 ${k - 128}`).toBeLessThanOrEqual(0.5 + 1e-9);
      });
      // the grid spans f's image of the input grid (widened to 0), not a calibrated range
      expect(ys.scale).toBeCloseTo((Math.max(hi, 0) - Math.min(lo, 0)) / 255, 12);
    }
  });
});

describe("CHANNEL_AFFINE: standalone BatchNorm and PReLU", () => {
  const rng = new Rng(5);
  const C = 37;
  const values = (lo: number, hi: number) => Float32Array.from({ length: C }, () => rng.uniform(lo, hi) * (rng.chance(0.3) ? -1 : 1));
  const cases = [
    ["BatchNorm", { scale: values(0.05, 2), bias: values(-1, 1) }],
    ["PReLU", { scale: new Float32Array(C).fill(1), negativeScale: values(0, 0.6), bias: new Float32Array(C) }],
    ["BatchNorm with switched-off channels (a ≈ 0)", { scale: values(0.5, 1.5).map((a, c) => (c % 5 === 0 ? 1e-9 : a)), bias: values(-1, 1) }],
  ] as const;
  it.each(cases)("%s: within 1/2 + 2^-10 output steps of a·x + b at every int8 input of every channel", (_name, params) => {
    const negativeScale = "negativeScale" in params ? params.negativeScale : params.scale;
    for (const [input, output] of [[{ min: -3, max: 2 }, { min: -2, max: 3 }], [{ min: 0, max: 6 }, { min: -5, max: 5 }]] as const) {
      const { model } = oneNode({ height: 16, width: 16, channels: C }, (b, x) => b.channelAffine(x, params), input, output);
      const [xs, ys] = [model.tensors[model.input]!, model.tensors[model.output]!];
      const out = run(model, everyValue(C));
      const [yLo, yHi] = [ys.scale * (-128 - ys.zeroPoint), ys.scale * (127 - ys.zeroPoint)];
      out.forEach((q, k) => {
        const c = k % C;
        const x = xs.scale * (Math.floor(k / C) - 128 - xs.zeroPoint);
        const y = Math.min(yHi, Math.max(yLo, (x < 0 ? negativeScale[c]! : params.scale[c]!) * x + params.bias[c]!));
        expect(Math.abs(ys.scale * (q - ys.zeroPoint) - y) / ys.scale, `channel ${c}, x = ${x}`).toBeLessThanOrEqual(0.5 + EPS);
      });
    }
  });
});

describe("SOFTMAX and LOG_SOFTMAX over rows of channels", () => {
  it.each([2, 10, 100, 1000])("%i channels: within the stated bounds of the float function of the int8 input", (C) => {
    const rng = new Rng(C);
    for (const scale of [0.01, 0.1, 0.5]) {
      const input = { min: -128 * scale, max: 127 * scale };
      for (const log of [false, true]) {
        const { model } = oneNode({ height: 3, width: 1, channels: C }, (b, x) => (log ? b.logSoftmax(x) : b.softmax(x)), input, { min: 0, max: 0 });
        const [xs, ys] = [model.tensors[model.input]!, model.tensors[model.output]!];
        expect([ys.scale, ys.zeroPoint]).toEqual(log ? [1 / 16, 127] : [1 / 256, -128]);
        // rows: uniform, a peaked one, and one with every value equal
        const q = Int8Array.from({ length: 3 * C }, (_, k) => (k < C ? rng.int(-128, 127) : k < 2 * C ? (k === C + 3 ? 127 : rng.int(-128, -100)) : 7));
        const out = run(model, q);
        for (let row = 0; row < 3; row++) {
          const x = Array.from(q.subarray(row * C, (row + 1) * C), (v) => xs.scale * (v - xs.zeroPoint));
          const top = Math.max(...x);
          const sum = x.reduce((s, v) => s + Math.exp(v - top), 0);
          x.forEach((v, c) => {
            const got = ys.scale * (out[row * C + c]! - ys.zeroPoint);
            const p = Math.exp(v - top) / sum;
            const expected = log ? Math.max(v - top - Math.log(sum), -255 / 16) : p;
            const bound = !log && p > 255 / 256 ? 1 : 0.5 + EPS;
            expect(Math.abs(got - expected) / ys.scale, `${log ? "log-" : ""}softmax, s_x ${scale}, row ${row}, channel ${c}`).toBeLessThanOrEqual(bound);
          });
        }
      }
    }
  });
});
