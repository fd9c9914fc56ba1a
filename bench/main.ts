// npm run bench [-- --json] [-- --quick]: the product's performance and size figures, measured
// in one run so their ratios compare like with like.
//
//   1. kernel module sizes (goal ≤ 16 KiB each, never above 24 KiB)
//   2. single adder conv layers vs our own int8 multiply conv on the same shapes, both builds:
//      G ops/s (ops = output pixels × filters × taps), adder/multiply time (goal ≤ 1.0×)
//   3. ResNet-20 (CIFAR shapes): latency of both Node builds, SIMD/scalar speedup (goal ≥ 10×),
//      arena peak vs the planner's lower bound, model file overhead beyond weights and biases
//   4. latency of ResNet-20 and the digits model on every installed runtime, with the ratio to
//      node-simd

import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { packModel } from "../src/format/writer.js";
import { buildReport } from "../src/inspect/report.js";
import { buildResNet20, calibrationSamples } from "../src/models/index.js";
import { quantize } from "../src/quantize/quantize.js";
import { listRuntimes, getRuntime } from "../src/runtime/index.js";
import { measureLatencies, formatLatencies, type LatencyRow } from "../src/cli/commands/bench.js";
import { importAndQuantize, type PackSettings } from "../src/cli/commands/pack.js";
import { DIGITS_DIR } from "../src/cli/commands/demo.js";
import { benchOps, benchResNet20, formatOpBench, RESNET20_SHAPES, YARDSTICK, type OpBenchResult } from "./ops.js";

const json = process.argv.includes("--json");
const quick = process.argv.includes("--quick");
const log = (line: string) => {
  if (!json) console.log(line);
};
const progress = (line: string) => {
  if (!json) console.error(line);
};

const BUILD_DIR = fileURLToPath(new URL("../build/", import.meta.url));
const KIB = 1024;

function moduleSizes(): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const name of ["addernet.simd.wasm", "addernet.scalar.wasm", "addernet-wasi.simd.wasm", "addernet-wasi.scalar.wasm"]) {
    sizes[name] = statSync(BUILD_DIR + name).size;
  }
  return sizes;
}

function resnet20(): Uint8Array {
  const graph = buildResNet20(1);
  return packModel(quantize(graph, calibrationSamples(graph.inputShape, 4, 7)));
}

function digits(): Uint8Array {
  const settings: PackSettings = { calibration: DIGITS_DIR + "calib_x.npy", layout: "nchw", maxSamples: 64, method: "minmax", fold: true, quiet: true };
  return packModel(importAndQuantize(DIGITS_DIR + "digits_adder.onnx", settings).result.model);
}

function ratio(results: OpBenchResult[], shape: string, build: string): number {
  const get = (kind: string) => results.find((r) => r.shape === shape && r.build === build && r.kind === kind)!.ms;
  return get("adder_conv2d") / get("conv2d");
}

async function main(): Promise<void> {
  const sizes = moduleSizes();
  log("== kernel modules (goal ≤ 16 KiB each)");
  for (const [name, bytes] of Object.entries(sizes)) log(`${name.padEnd(26)} ${bytes} bytes (${(bytes / KIB).toFixed(1)} KiB)`);

  progress("timing single conv layers…");
  const ops = await benchOps([YARDSTICK, ...RESNET20_SHAPES]);
  log("\n== adder conv vs int8 multiply conv, same shape (goal adder/mult ≤ 1.0x)");
  log(formatOpBench(ops));
  const adderSimd = ops.filter((r) => r.kind === "adder_conv2d" && r.build === "simd" && r.shape !== YARDSTICK.name);

  progress("building and timing ResNet-20…");
  const resnetModel = resnet20();
  const report = buildReport(resnetModel);
  const resnetMs = await benchResNet20();
  log("\n== ResNet-20 (CIFAR shapes, 32x32x3, seeded weights)");
  log(`node-simd   ${resnetMs.simd.toFixed(3)} ms per inference`);
  log(`node-scalar ${resnetMs.scalar.toFixed(3)} ms per inference`);
  log(`SIMD/scalar speedup ${(resnetMs.scalar / resnetMs.simd).toFixed(1)}x (goal ≥ 10x)`);
  log(`adder layers (SIMD, single-layer runs): ${adderSimd.map((r) => `${r.shape} ${r.gops.toFixed(1)} G ops/s`).join("; ")}`);
  log(`whole network: ${(report.counts.taps / (resnetMs.simd * 1e6)).toFixed(2)} G taps/s (${report.counts.adderTaps} adder + ${report.counts.multiplyTaps} multiply taps)`);
  const arenaRatio = report.model.activationBytes / report.activationLowerBound;
  log(`arena: ${report.model.activationBytes} bytes planned, lower bound ${report.activationLowerBound} (${arenaRatio.toFixed(3)}x; goal ≤ 1.10x)`);
  const raw = report.weightBytes + report.biasBytes;
  const overheadGoal = 0.01 * raw + KIB;
  log(`file: ${report.layout.fileSize} bytes = weights ${report.weightBytes} + biases ${report.biasBytes} + overhead ${report.overheadBytes} ` +
    `(${((100 * report.overheadBytes) / raw).toFixed(2)}%; goal ≤ 1% + 1 KiB = ${Math.round(overheadGoal)} bytes)`);

  const runtimes = listRuntimes().map(getRuntime);
  const latencies: Record<string, LatencyRow[]> = {};
  for (const [name, model, repeats] of [["ResNet-20", resnetModel, quick ? 5 : 20], ["digits", digits(), quick ? 20 : 200]] as const) {
    progress(`timing ${name} on every runtime…`);
    latencies[name] = await measureLatencies(model, runtimes, repeats, progress);
    log(`\n== ${name}: latency per runtime (${repeats} inferences each, one run)`);
    log(formatLatencies(latencies[name]));
  }

  if (json) {
    console.log(JSON.stringify({
      moduleSizes: sizes,
      ops,
      adderVsMultiply: Object.fromEntries([YARDSTICK, ...RESNET20_SHAPES].map((s) => [s.name, { simd: ratio(ops, s.name, "simd"), scalar: ratio(ops, s.name, "scalar") }])),
      resnet20: {
        simdMs: resnetMs.simd,
        scalarMs: resnetMs.scalar,
        simdOverScalar: resnetMs.scalar / resnetMs.simd,
        taps: report.counts.taps,
        adderTaps: report.counts.adderTaps,
        arenaBytes: report.model.activationBytes,
        arenaLowerBound: report.activationLowerBound,
        fileBytes: report.layout.fileSize,
        weightBytes: report.weightBytes,
        biasBytes: report.biasBytes,
        overheadBytes: report.overheadBytes,
      },
      latencies,
    }, null, 2));
  }
}

await main();
