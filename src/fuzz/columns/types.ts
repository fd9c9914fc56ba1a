// A column of the fuzz table: one runtime running one kernel flavour, fed batches of cases.
import type { KernelFlavour } from "../../runtime/kernel.js";
import type { RuntimeName } from "../../runtime/types.js";
import type { Base, FuzzCase } from "../cases.js";

/** What one runtime did with one case. */
export interface JobOutcome {
  /** load()'s status (0: accepted) and error_offset() (−1 when accepted); absent after a failure. */
  status?: number;
  errorOffset?: number;
  /** invoke()'s status, when it ran. */
  invokeStatus?: number;
  output?: Int8Array;
  /** The kernel accepted the model but its input_size() is not the case's input length. */
  inputRefused?: string;
  /** A trap or another failure of the runtime, in its words. */
  failure?: string;
  /** Whether memory outside the arena changed; undefined where it was not checked. */
  outsideChanged?: boolean;
}

export interface Column {
  readonly runtime: RuntimeName;
  readonly flavour: KernelFlavour;
  /** Cases per run() call: one process (or one process per case) works through a batch. */
  readonly batchSize: number;
  /** Why the runtime cannot run (binary or build missing); undefined when it can. */
  unavailableReason(): Promise<string | undefined>;
  /** Instantiates, warms up on `warmup` (a valid base) and learns the arena size. */
  prepare(warmup: Base): Promise<void>;
  /** Bytes in the kernel's arena (after prepare). */
  readonly arenaSize: number;
  run(cases: readonly FuzzCase[]): Promise<JobOutcome[]>;
  /** Removes temporary files. */
  dispose(): Promise<void>;
}

/** "wamr-scalar/stream" */
export const columnName = (c: Pick<Column, "runtime" | "flavour">): string => `${c.runtime}/${c.flavour}`;
