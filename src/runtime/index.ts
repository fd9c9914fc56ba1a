// The runtimes a packed model runs on, by name: `addernet run --runtime NAME`, `addernet bench`.
//
//   node-simd, node-scalar          this process (V8), build/addernet.<build>.wasm
//   wasmtime-simd, wasmtime-scalar  wasmtime CLI, WASI command build/addernet-wasi.<build>.wasm
//   wamr-simd, wamr-scalar          WAMR fast interpreter  ┐
//   wasmi-simd, wasmi-scalar        wasmi                  ├ addernet-harness (harness/)
//   wasm3-scalar                    wasm3 (MVP only)       ┘
//
// Each runs either kernel flavour (docs/ABI.md): "arena" (the model copied into the kernel's
// arena) or "stream" (the model read in slices through the kernel's one import; the WASI
// command reads them from the model file). The command-line ones are installed under .tools/
// by scripts/install-runtimes.sh.
import { HarnessRuntime } from "./harness.js";
import type { KernelFlavour } from "./kernel.js";
import { NodeRuntime } from "./node.js";
import { outcomeToOutput } from "./tools.js";
import type { Runtime, RuntimeName } from "./types.js";
import { WasmtimeRuntime } from "./wasmtime.js";

export type { RunJob, RunOutcome, Runtime, RuntimeName } from "./types.js";
export { harnessMemory, type HarnessEngine } from "./harness.js";
export { KernelStatusError, KERNEL_FLAVOURS, type KernelFlavour } from "./kernel.js";

/** Every runtime, in a stable order, made for one kernel flavour. */
const MAKERS: readonly [RuntimeName, (flavour: KernelFlavour) => Runtime][] = [
  ["node-simd", (f) => new NodeRuntime("simd", f)],
  ["node-scalar", (f) => new NodeRuntime("scalar", f)],
  ["wasmtime-simd", (f) => new WasmtimeRuntime("simd", f)],
  ["wasmtime-scalar", (f) => new WasmtimeRuntime("scalar", f)],
  ["wamr-simd", (f) => new HarnessRuntime("wamr", "simd", f)],
  ["wamr-scalar", (f) => new HarnessRuntime("wamr", "scalar", f)],
  ["wasmi-simd", (f) => new HarnessRuntime("wasmi", "simd", f)],
  ["wasmi-scalar", (f) => new HarnessRuntime("wasmi", "scalar", f)],
  ["wasm3-scalar", (f) => new HarnessRuntime("wasm3", "scalar", f)],
];
const made = new Map<string, Runtime>();

/** Every runtime name, in a stable order. */
export function listRuntimes(): RuntimeName[] {
  return MAKERS.map(([name]) => name);
}

/** The runtime `name` running the `flavour` kernel (default "arena"); one object per pair. */
export function getRuntime(name: string, flavour: KernelFlavour = "arena"): Runtime {
  const maker = MAKERS.find(([n]) => n === name)?.[1];
  if (!maker) throw new Error(`unknown runtime "${name}": expected one of ${listRuntimes().join(", ")}`);
  const key = `${name}/${flavour}`;
  if (!made.has(key)) made.set(key, maker(flavour));
  return made.get(key)!;
}

/** The runtimes whose binaries and builds (of `flavour`) are present. */
export async function availableRuntimes(flavour: KernelFlavour = "arena"): Promise<Runtime[]> {
  const runtimes = listRuntimes().map((name) => getRuntime(name, flavour));
  const reasons = await Promise.all(runtimes.map((r) => r.unavailableReason()));
  return runtimes.filter((_, i) => reasons[i] === undefined);
}

/** One inference; throws KernelStatusError when load or invoke returns a negative status. */
export async function runOnce(runtime: Runtime, model: Uint8Array, input: Int8Array): Promise<Int8Array> {
  const [outcome] = await runtime.runMany([{ model, input }]);
  return outcomeToOutput(outcome!);
}
