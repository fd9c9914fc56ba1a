// Measures what docs/RUNTIMES.md reports, in one run on this machine:
//   latency per runtime for the digits model and ResNet-20, with the ratio to node-simd;
//   the linear memory of a right-sized module on WAMR (after its trim) and on wasmtime/V8;
//   the WAMR harness's peak RSS.
// Usage: npx tsx scripts/runtimes/measure.ts   (after npm run build:wasm and scripts/install-runtimes.sh)
import { readFileSync } from "node:fs";
import { packModel } from "../../src/format/writer.js";
import type { Graph } from "../../src/graph/ir.js";
import { buildDigitsNet, buildResNet20, calibrationSamples } from "../../src/models/index.js";
import { moduleBudget, buildModelModule } from "../../src/modulegen/index.js";
import { quantizeInput } from "../../src/quantize/io.js";
import { quantize } from "../../src/quantize/quantize.js";
import { availableRuntimes, harnessMemory } from "../../src/runtime/index.js";
import { kernelWasmPath } from "../../src/runtime/kernel.js";

/** Aim for about this much time per measurement. */
const TARGET_MS = 1500;

function prepare(name: string, graph: Graph) {
  const qmodel = quantize(graph, calibrationSamples(graph.inputShape, 8, 100));
  const input = quantizeInput(qmodel, calibrationSamples(graph.inputShape, 1, 5)[0]!);
  return { name, model: packModel(qmodel), input };
}

const models = [prepare("digits", buildDigitsNet(1)), prepare("resnet20", buildResNet20(1))];
const runtimes = await availableRuntimes();

console.log(`## Latency (mean per inference, ms; ratio = runtime / node-simd, same run)\n`);
console.log(`| runtime | ${models.map((m) => `${m.name} ms | ${m.name} ratio`).join(" | ")} |`);
console.log(`|---|${models.map(() => "---:|---:").join("|")}|`);
const node: Record<string, number> = {};
for (const runtime of runtimes) {
  const cells: string[] = [];
  for (const { name, model, input } of models) {
    const probe = (await runtime.bench(model, input, 2)).meanMs;
    const repeats = Math.max(3, Math.min(2000, Math.ceil(TARGET_MS / Math.max(probe, 0.01))));
    const { meanMs } = await runtime.bench(model, input, repeats);
    if (runtime.name === "node-simd") node[name] = meanMs;
    cells.push(meanMs.toFixed(3), node[name] ? (meanMs / node[name]!).toFixed(1) : "-");
  }
  console.log(`| ${runtime.name} | ${cells.join(" | ")} |`);
}

console.log(`\n## Linear memory of a right-sized module (bytes)\n`);
console.log(`| model | build | model file | activations | arena | WAMR after trim (measured) | budget __heap_base | wasmtime/V8 (declared pages) | default 4 MiB kernel on WAMR | WAMR harness peak RSS (KiB) |`);
console.log(`|---|---|---:|---:|---:|---:|---:|---:|---:|---:|`);
for (const { name, model } of models) {
  for (const build of ["simd", "scalar"] as const) {
    const budget = moduleBudget(model, { build });
    const sized = await harnessMemory("wamr", buildModelModule(model, { build }), model);
    const full = await harnessMemory("wamr", readFileSync(kernelWasmPath(build)), model);
    console.log(`| ${name} | ${build} | ${budget.modelBytes} | ${budget.activationBytes} | ${budget.arenaBytes} | ${sized.memoryBytes} | ` +
      `${budget.linearMemoryBytes} | ${budget.declaredMemoryBytes} (${budget.pages} pages) | ${full.memoryBytes} | ${sized.peakRssKiB} |`);
  }
}
