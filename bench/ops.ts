// Single-op benchmark of the kernel module: adder conv against our own int8 multiply conv on
// the same shape, in both builds; depthwise 3×3 layers (adder and multiply) beside the dense
// ones. ops = taps = output values × the taps of one filter (one |x − w| or one x·w each):
// output pixels × N × 9·C for a dense 3×3 layer, × C × 9 for a depthwise one.
//
//   npx tsx bench/ops.ts            (after `npm run build:wasm`)
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { packModel } from "../src/format/writer.js";
import { Rng } from "../src/models/random.js";
import { KERNEL_BUILDS, KernelInstance, type KernelBuild } from "../src/runtime/kernel.js";
import { buildResNet20, calibrationSamples } from "../src/models/index.js";
import { quantizeInput } from "../src/quantize/io.js";
import { quantize } from "../src/pipeline.js";
import { convLayerModel, randomInt8 } from "../src/models/op_models.js";
import { countModel } from "../src/inspect/op_counts.js";
import type { OpKind } from "../src/format/model.js";
import { isAdder } from "../src/ops/table.js";

export interface ConvShape {
  name: string;
  H: number;
  W: number;
  C: number;
  N: number;
  /** One filter per channel (N = C): depthwise_conv2d and adder_depthwise_conv2d. */
  depthwise?: boolean;
}

export interface OpBenchResult {
  shape: string;
  build: KernelBuild;
  kind: OpKind;
  /** Milliseconds per invoke (median of the timed batches). */
  ms: number;
  /** Taps per invoke (src/inspect/op_counts.ts), and G of them per second. */
  taps: number;
  gops: number;
}

/** The yardstick: 3×3, 64→64 channels on 16×16, padding 1 (M = 256, N = 64, K = 576). */
export const YARDSTICK: ConvShape = { name: "3x3 64->64 16x16", H: 16, W: 16, C: 64, N: 64 };
/** The 3×3 layers of ResNet-20 (CIFAR). */
export const RESNET20_SHAPES: ConvShape[] = [
  { name: "3x3 16->16 32x32", H: 32, W: 32, C: 16, N: 16 },
  { name: "3x3 32->32 16x16", H: 16, W: 16, C: 32, N: 32 },
  { name: "3x3 64->64 8x8", H: 8, W: 8, C: 64, N: 64 },
];
/** Depthwise 3×3 layers of 64 channels, padding 1: the yardstick's map, and one four times larger. */
export const DEPTHWISE_SHAPES: ConvShape[] = [
  { name: "dw 3x3 64 16x16", H: 16, W: 16, C: 64, N: 64, depthwise: true },
  { name: "dw 3x3 64 32x32", H: 32, W: 32, C: 64, N: 64, depthwise: true },
];

/** Median ms per call of `fn`, after warm-up, over batches of at least `minBatchMs`. */
function timeCall(fn: () => void, minBatchMs = 50, batches = 7): number {
  for (let i = 0; i < 5; i++) fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    if (performance.now() - t0 >= minBatchMs) break;
    reps *= 2;
  }
  const times: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    times.push((performance.now() - t0) / reps);
  }
  times.sort((a, b) => a - b);
  return times[batches >> 1];
}

export async function benchOps(shapes: ConvShape[] = [YARDSTICK, ...RESNET20_SHAPES, ...DEPTHWISE_SHAPES], builds: readonly KernelBuild[] = KERNEL_BUILDS): Promise<OpBenchResult[]> {
  const results: OpBenchResult[] = [];
  for (const build of builds) {
    const kernel = await KernelInstance.create(build);
    for (const shape of shapes) {
      const kinds: OpKind[] = shape.depthwise ? ["adder_depthwise_conv2d", "depthwise_conv2d"] : ["adder_conv2d", "conv2d"];
      for (const kind of kinds) {
        const rng = new Rng(42);
        const model = convLayerModel(rng, kind, shape.H, shape.W, shape.C, shape.N);
        kernel.load(packModel(model));
        kernel.run(randomInt8(rng, kernel.inputSize)); // input in place; invoke() reuses it
        const ms = timeCall(() => kernel.exports.invoke(), build === "scalar" ? 100 : 50);
        const taps = countModel(model).taps;
        results.push({ shape: shape.name, build, kind, ms, taps, gops: taps / (ms * 1e6) });
      }
    }
  }
  return results;
}

/** A table: per shape and build, adder vs multiply ms, G ops/s and their ratio; SIMD/scalar speedups. */
export function formatOpBench(results: OpBenchResult[]): string {
  const lines = ["shape               build   adder ms  G op/s   mult ms  G op/s  adder/mult"];
  const find = (shape: string, build: KernelBuild, adder: boolean) =>
    results.find((r) => r.shape === shape && r.build === build && isAdder(r.kind) === adder);
  for (const shape of [...new Set(results.map((r) => r.shape))]) {
    for (const build of KERNEL_BUILDS) {
      const a = find(shape, build, true), m = find(shape, build, false);
      if (!a || !m) continue;
      lines.push(`${shape.padEnd(19)} ${build.padEnd(7)} ${a.ms.toFixed(3).padStart(8)} ${a.gops.toFixed(2).padStart(7)} ` +
        `${m.ms.toFixed(3).padStart(9)} ${m.gops.toFixed(2).padStart(7)} ${(a.ms / m.ms).toFixed(2).padStart(10)}x`);
    }
    const s = find(shape, "simd", true), c = find(shape, "scalar", true);
    if (s && c) lines.push(`${"".padEnd(19)} adder SIMD/scalar speedup ${(c.ms / s.ms).toFixed(1)}x`);
  }
  // each depthwise layer against the dense layer of the same map and channels, where there is one
  for (const dw of results.filter((r) => r.kind === "adder_depthwise_conv2d")) {
    const dense = results.find((r) => r.shape === dw.shape.replace(/^dw 3x3 (\d+) /, "3x3 $1->$1 ") && r.build === dw.build && r.kind === "adder_conv2d");
    if (dense) lines.push(`${dw.shape} ${dw.build.padEnd(6)}: adder depthwise ${(dense.ms / dw.ms).toFixed(1)}x faster than adder ${dense.shape} (${dense.taps / dw.taps}x the taps)`);
  }
  return lines.join("\n");
}

/** Whole ResNet-20 (CIFAR shapes, quantized by the host): ms per inference in each build. */
export async function benchResNet20(builds: readonly KernelBuild[] = KERNEL_BUILDS): Promise<Record<KernelBuild, number>> {
  const graph = buildResNet20(1);
  const model = quantize(graph, calibrationSamples(graph.inputShape, 4, 7));
  const blob = packModel(model);
  const input = quantizeInput(model, calibrationSamples(graph.inputShape, 1, 8)[0]!);
  const ms = {} as Record<KernelBuild, number>;
  for (const build of builds) {
    const kernel = await KernelInstance.create(build);
    kernel.load(blob);
    kernel.run(input);
    ms[build] = timeCall(() => kernel.exports.invoke(), 200, 5);
  }
  return ms;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  (async () => {
    console.log(formatOpBench(await benchOps()));
    const r = await benchResNet20();
    console.log(`ResNet-20 per inference: simd ${r.simd.toFixed(2)} ms, scalar ${r.scalar.toFixed(2)} ms, ` +
      `SIMD/scalar speedup ${(r.scalar / r.simd).toFixed(1)}x`);
  })();
}
