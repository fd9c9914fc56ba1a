// Whole networks (quantized, arena planned by the host) and the accumulation limits of the
// inner loops, kernel against reference, byte for byte, in both builds.
import { beforeAll, describe, expect, it } from "vitest";
import type { QModel } from "../../src/format/model.js";
import { packModel } from "../../src/format/writer.js";
import { buildResNet20, calibrationSamples, randomNetwork, Rng } from "../../src/models/index.js";
import { quantizeInput } from "../../src/quantize/io.js";
import { quantize } from "../../src/pipeline.js";
import { runReference } from "../../src/reference/interpreter.js";
import { KERNEL_BUILDS, KernelInstance, type KernelBuild } from "../../src/runtime/kernel.js";
import { UNIT, assignOffsets, randomInt8, tensor } from "./models.js";

function expectSameBytes(got: Int8Array, want: Int8Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const at = got.findIndex((v, k) => v !== want[k]);
  expect(at, `${what}: first differing byte ${at}: ${got[at]} vs ${want[at]}`).toBe(-1);
}

/** One adder op whose runs are long (> 128 SIMD steps), with the largest |x − w| = 255. */
function longRunModel(kind: "adder_dense" | "adder_conv2d" | "dense" | "conv2d", C: number, extremes: boolean, N = 5): QModel {
  const rng = new Rng(C);
  const conv = kind.endsWith("conv2d");
  const g = conv ? { ...UNIT, kernelH: 3, kernelW: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1 } : UNIT;
  const inShape = conv ? { height: 3, width: 3, channels: C } : { height: 1, width: 2, channels: C };
  const k = conv ? 9 * C : 2 * C;
  const out = conv ? { height: 3, width: 3, channels: N } : { height: 1, width: 1, channels: N };
  const weights = extremes ? new Int8Array(N * k).fill(-128) : randomInt8(rng, N * k, 0.5);
  // map the accumulator's full range (up to 255·k) onto the int8 range
  const shift = 40;
  const mult = Int32Array.from({ length: N }, (_, n) => Math.round((2 ** shift * 200) / (255 * k)) * (n % 2 ? -1 : 1));
  return assignOffsets({
    tensors: [tensor(inShape, extremes ? -128 : 3), tensor(out, 0)],
    ops: [{ kind, ...g, input0: 0, output: 1, actMin: -128, actMax: 127, shift, weights, mult, bias: new Int32Array(N).fill(conv ? 0 : 100) }],
    input: 0, output: 1, activationBytes: 0,
  });
}

/** ResNet-20 quantized, packed, and its reference output (computed once for both builds). */
let resnet: { blob: Uint8Array; input: Int8Array; want: Int8Array } | undefined;
function resnet20(): { blob: Uint8Array; input: Int8Array; want: Int8Array } {
  if (!resnet) {
    const graph = buildResNet20(1);
    const model = quantize(graph, calibrationSamples(graph.inputShape, 4, 7));
    const input = quantizeInput(model, calibrationSamples(graph.inputShape, 1, 8)[0]!);
    resnet = { blob: packModel(model), input, want: runReference(model, input) };
  }
  return resnet;
}

describe.each(KERNEL_BUILDS)("%s kernel", (build: KernelBuild) => {
  let k: KernelInstance;
  beforeAll(async () => {
    k = await KernelInstance.create(build);
  });

  it("long runs: 16-bit lane accumulators are widened before they overflow", () => {
    for (const kind of ["adder_dense", "adder_conv2d", "dense", "conv2d"] as const) {
      for (const C of [700, 1029, 2400]) {
        for (const extremes of [true, false]) {
          const model = longRunModel(kind, C, extremes);
          k.load(packModel(model));
          const input = extremes ? new Int8Array(k.inputSize).fill(127) : randomInt8(new Rng(C + 1), k.inputSize, 0.5);
          expectSameBytes(k.run(input), runReference(model, input), `${kind} C=${C} extremes=${extremes}`);
        }
      }
    }
  });

  it("more output channels than one accumulation pass (256)", () => {
    for (const kind of ["adder_dense", "adder_conv2d", "dense", "conv2d"] as const) {
      for (const N of [257, 300]) {
        const model = longRunModel(kind, 5, false, N);
        k.load(packModel(model));
        const input = randomInt8(new Rng(N), k.inputSize, 0.5);
        expectSameBytes(k.run(input), runReference(model, input), `${kind} N=${N}`);
      }
    }
  });

  it("random hybrid networks (planned arena, residual adds, pools, dense heads)", () => {
    for (let seed = 1; seed <= 24; seed++) {
      const graph = randomNetwork(seed);
      const model = quantize(graph, calibrationSamples(graph.inputShape, 4, seed));
      k.load(packModel(model));
      for (const sample of calibrationSamples(graph.inputShape, 2, 1000 + seed)) {
        const input = quantizeInput(model, sample);
        expectSameBytes(k.run(input), runReference(model, input), `network ${seed}`);
      }
    }
  });

  it("ResNet-20 (CIFAR shapes)", () => {
    const { blob, input, want } = resnet20();
    k.load(blob);
    expectSameBytes(k.run(input), want, "ResNet-20");
  });
});
