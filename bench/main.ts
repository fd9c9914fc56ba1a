// npm run bench [-- --json] [-- --quick]: the product's performance and size figures, measured
// in one run so their ratios compare like with like.
//
//   1. kernel module sizes (goals: scalar ≤ 16 KiB, the build microcontrollers run; SIMD ≤ 20 KiB)
//   2. single adder conv layers vs our own int8 multiply conv on the same shapes, both builds:
//      G ops/s (ops = output pixels × filters × taps), adder/multiply time (goal ≤ 1.0×); the
//      same for depthwise 3×3 layers, and their time against the dense layer of the same map
//      the LUT, channel-affine and softmax ops alone on a map: ns per value
//   3. ResNet-20 (CIFAR shapes): latency of both Node builds, SIMD/scalar speedup (goal ≥ 10×),
//      arena peak vs the planner's lower bound, model file overhead beyond weights and biases
//   3b. concats in place: the fire-module net's arena and latency, planned copying and in place
//   4. latency of ResNet-20 and the digits model on every installed runtime, with the ratio to
//      node-simd
//   5. linear memory of a module sized for each model: on WAMR after its trim (measured by the
//      harness), declared pages (what V8 and wasmtime allocate), and the harness's peak RSS
//   6. the MLPerf Tiny architectures (`addernet zoo`), multiply and adder: file bytes against the
//      reference model's int8 parameters, arena, multiplications vs additions, latency on
//      node-simd and on the runtime slowest on ResNet-20 in this run, adder/multiply time
//   7. firmware on Cortex-M boards in QEMU (bench/firmware.ts): flash, SRAM and instructions
//      per board × runtime × model, adder vs multiply on the Cortex-M4

import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildReport } from "../src/inspect/report.js";
import { buildResNet20, calibrationSamples } from "../src/models/index.js";
import { listRuntimes, getRuntime } from "../src/runtime/index.js";
import { measureLatencies, formatLatencies, type LatencyRow } from "../src/eval/latency.js";
import { buildModelModule, moduleBudget } from "../src/modulegen/index.js";
import { harnessMemory } from "../src/runtime/index.js";
import { kernelWasmPath } from "../src/runtime/kernel.js";
import { DIGITS_DIR } from "../src/models/digits.js";
import { isAdder } from "../src/ops/table.js";
import { compileGraph, compileOnnxFile } from "../src/pipeline.js";
import { benchConcatInPlace, formatConcatBench } from "./concat.js";
import { benchFirmware, formatFirmwareBench } from "./firmware.js";
import { benchZoo, formatZooBench } from "./zoo.js";
import { benchElementwise, benchOps, benchResNet20, DEPTHWISE_SHAPES, formatElementwiseBench, formatOpBench, RESNET20_SHAPES, YARDSTICK, type OpBenchResult } from "./ops.js";

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
  return compileGraph(graph, calibrationSamples(graph.inputShape, 4, 7)).bytes;
}

function digits(): Uint8Array {
  return compileOnnxFile(DIGITS_DIR + "digits_adder.onnx", { path: DIGITS_DIR + "calib_x.npy", layout: "nchw", maxSamples: 64 }).bytes;
}

function ratio(results: OpBenchResult[], shape: string, build: string): number {
  const get = (adder: boolean) => results.find((r) => r.shape === shape && r.build === build && isAdder(r.kind) === adder)!.ms;
  return get(true) / get(false);
}

interface MemoryRow {
  model: string;
  build: string;
  arenaBytes: number;
  /** Linear memory WAMR allocated for a module sized for the model (after its trim). */
  wamrBytes?: number;
  /** The same model on the generic 4 MiB-arena kernel. */
  wamrGenericBytes?: number;
  declaredBytes: number;
  pages: number;
  harnessPeakRssKiB?: number;
}

async function memoryTable(models: readonly (readonly [string, Uint8Array])[]): Promise<MemoryRow[]> {
  const wamr = await getRuntime("wamr-scalar").unavailableReason();
  const rows: MemoryRow[] = [];
  for (const [model, bytes] of models) {
    for (const build of ["simd", "scalar"] as const) {
      const budget = moduleBudget(bytes, { build });
      const row: MemoryRow = { model, build, arenaBytes: budget.arenaBytes, declaredBytes: budget.declaredMemoryBytes, pages: budget.pages };
      if (!wamr) {
        const sized = await harnessMemory("wamr", buildModelModule(bytes, { build }), bytes);
        const generic = await harnessMemory("wamr", readFileSync(kernelWasmPath(build)), bytes);
        Object.assign(row, { wamrBytes: sized.memoryBytes, wamrGenericBytes: generic.memoryBytes, harnessPeakRssKiB: sized.peakRssKiB });
      }
      rows.push(row);
    }
  }
  log("\n== linear memory of a module sized for the model (bytes)" + (wamr ? ` — WAMR not available: ${wamr}` : ""));
  log("model      build   arena    WAMR (trimmed)  generic 4 MiB kernel on WAMR  V8/wasmtime (declared)  harness peak RSS");
  for (const r of rows) {
    log(`${r.model.padEnd(10)} ${r.build.padEnd(7)} ${String(r.arenaBytes).padStart(7)}  ${String(r.wamrBytes ?? "-").padStart(14)}  ` +
      `${String(r.wamrGenericBytes ?? "-").padStart(28)}  ${`${r.declaredBytes} (${r.pages} pages)`.padStart(22)}  ${r.harnessPeakRssKiB ?? "-"} KiB`);
  }
  return rows;
}

async function main(): Promise<void> {
  const sizes = moduleSizes();
  log("== modules (goals: scalar ≤ 16 KiB, SIMD ≤ 20 KiB, as test/kernels/module.test.ts checks; the WASI commands add file I/O)");
  for (const [name, bytes] of Object.entries(sizes)) log(`${name.padEnd(26)} ${bytes} bytes (${(bytes / KIB).toFixed(1)} KiB)`);

  progress("timing single conv layers…");
  const ops = await benchOps([YARDSTICK, ...RESNET20_SHAPES, ...DEPTHWISE_SHAPES]);
  log("\n== adder conv vs int8 multiply conv, same shape (goal adder/mult ≤ 1.0x); depthwise (dw) beside dense");
  log(formatOpBench(ops));
  const adderSimd = ops.filter((r) => r.kind === "adder_conv2d" && r.build === "simd" && r.shape !== YARDSTICK.name);

  progress("timing the element-wise and softmax ops…");
  const elementwise = await benchElementwise();
  log("\n== LUT (sigmoid), channel affine, softmax and log-softmax over each pixel's channels, alone on a 32x32x64 map");
  log(formatElementwiseBench(elementwise));

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

  progress("timing the fire-module net, concats copying and in place…");
  const fireNet = await benchConcatInPlace();
  log("\n== concats in place (fire-module net, 32x32x3, four concats of two convs each)");
  log(formatConcatBench(fireNet));

  const runtimes = listRuntimes().map((name) => getRuntime(name));
  const models = [["ResNet-20", resnetModel], ["digits", digits()]] as const;
  const latencies: Record<string, LatencyRow[]> = {};
  for (const [name, model] of models) {
    progress(`timing ${name} on every runtime…`);
    latencies[name] = await measureLatencies(model, runtimes, { targetMs: quick ? 200 : 1500 }, progress);
    log(`\n== ${name}: latency per runtime (one run)`);
    log(formatLatencies(latencies[name]));
  }

  const memory = await memoryTable(models);

  const zoo = await benchZoo(latencies["ResNet-20"]!, quick, progress);
  log("\n== MLPerf Tiny architectures (seeded weights, `addernet zoo`): size against the reference's int8 parameters, arena, arithmetic, latency");
  log(formatZooBench(zoo));

  const firmware = benchFirmware(quick, progress);
  log("\n== firmware on Cortex-M boards in QEMU (stream flavour, one inference; instructions counted, times estimated)");
  log(formatFirmwareBench(firmware));
  if (json) {
    console.log(JSON.stringify({
      moduleSizes: sizes,
      ops,
      elementwise,
      adderVsMultiply: Object.fromEntries([YARDSTICK, ...RESNET20_SHAPES, ...DEPTHWISE_SHAPES].map((s) => [s.name, { simd: ratio(ops, s.name, "simd"), scalar: ratio(ops, s.name, "scalar") }])),
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
      fireNet,
      latencies,
      memory,
      zoo,
      firmware,
    }, null, 2));
  }
}

await main();
