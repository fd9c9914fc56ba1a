// The runtimes a packed model runs on, by name: `addernet run --runtime NAME`, `addernet bench`.
//
//   node-simd, node-scalar          this process (V8), build/addernet.<build>.wasm
//   wasmtime-simd, wasmtime-scalar  wasmtime CLI, WASI command build/addernet-wasi.<build>.wasm
//   wamr-simd, wamr-scalar          WAMR fast interpreter  ┐
//   wasmi-simd, wasmi-scalar        wasmi                  ├ addernet-harness (harness/)
//   wasm3-scalar                    wasm3 (MVP only)       ┘
//
// The command-line ones are installed under .tools/ by scripts/install-runtimes.sh.
import { HarnessRuntime } from "./harness.js";
import { NodeRuntime } from "./node.js";
import { outcomeToOutput } from "./tools.js";
import type { Runtime, RuntimeName } from "./types.js";
import { WasmtimeRuntime } from "./wasmtime.js";

export type { RunJob, RunOutcome, Runtime, RuntimeName } from "./types.js";
export { harnessMemory, type HarnessEngine } from "./harness.js";
export { KernelStatusError } from "./kernel.js";

const RUNTIMES: readonly Runtime[] = [
  new NodeRuntime("simd"),
  new NodeRuntime("scalar"),
  new WasmtimeRuntime("simd"),
  new WasmtimeRuntime("scalar"),
  new HarnessRuntime("wamr", "simd"),
  new HarnessRuntime("wamr", "scalar"),
  new HarnessRuntime("wasmi", "simd"),
  new HarnessRuntime("wasmi", "scalar"),
  new HarnessRuntime("wasm3", "scalar"),
];

/** Every runtime name, in a stable order. */
export function listRuntimes(): RuntimeName[] {
  return RUNTIMES.map((r) => r.name);
}

export function getRuntime(name: string): Runtime {
  const runtime = RUNTIMES.find((r) => r.name === name);
  if (!runtime) throw new Error(`unknown runtime "${name}": expected one of ${listRuntimes().join(", ")}`);
  return runtime;
}

/** The runtimes whose binaries and builds are present. */
export async function availableRuntimes(): Promise<Runtime[]> {
  const reasons = await Promise.all(RUNTIMES.map((r) => r.unavailableReason()));
  return RUNTIMES.filter((_, i) => reasons[i] === undefined);
}

/** One inference; throws KernelStatusError when load or invoke returns a negative status. */
export async function runOnce(runtime: Runtime, model: Uint8Array, input: Int8Array): Promise<Int8Array> {
  const [outcome] = await runtime.runMany([{ model, input }]);
  return outcomeToOutput(outcome!);
}
