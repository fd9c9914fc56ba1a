// What every runtime adapter offers: run a packed model on an int8 input and time it.
import type { KernelBuild, KernelFlavour } from "./kernel.js";

export type RuntimeName =
  | "node-simd" | "node-scalar"
  | "wasmtime-simd" | "wasmtime-scalar"
  | "wamr-simd" | "wamr-scalar"
  | "wasmi-simd" | "wasmi-scalar"
  | "wasm3-scalar";

/** One model + input pair for `runMany`. */
export interface RunJob {
  model: Uint8Array;
  input: Int8Array;
}

/** The output bytes, or the negative status `load`/`invoke` returned (never a trap). */
export type RunOutcome =
  | { ok: true; output: Int8Array }
  | { ok: false; stage: "load" | "invoke"; status: number; errorOffset: number };

export interface Runtime {
  readonly name: RuntimeName;
  readonly build: KernelBuild;
  /** Arena flavour (the model copied into the kernel's arena) or stream flavour (read in slices). */
  readonly flavour: KernelFlavour;
  /** Human-readable: engine and how it is reached. */
  readonly description: string;
  /** Why it cannot run (a binary or a build missing) and how to fix it; undefined when it can. */
  unavailableReason(): Promise<string | undefined>;
  /** Runs many jobs in as few processes as the runtime allows; failures are outcomes, not throws. */
  runMany(jobs: readonly RunJob[]): Promise<RunOutcome[]>;
  /** Mean latency of one inference over `repeats` inferences (after one warm-up). */
  bench(model: Uint8Array, input: Int8Array, repeats: number): Promise<{ meanMs: number }>;
}
