// The column for a runtime name and a kernel flavour.
import { HarnessRuntime } from "../../runtime/harness.js";
import { getRuntime, type KernelFlavour } from "../../runtime/index.js";
import { NodeRuntime } from "../../runtime/node.js";
import { WasmtimeRuntime } from "../../runtime/wasmtime.js";
import { HarnessColumn } from "./harness.js";
import { NodeColumn } from "./node.js";
import type { Column } from "./types.js";
import { WasmtimeColumn } from "./wasmtime.js";

export { columnName, type Column, type JobOutcome } from "./types.js";

/** Throws for an unknown runtime name (getRuntime's message lists the known ones). */
export function makeColumn(name: string, flavour: KernelFlavour): Column {
  const runtime = getRuntime(name, flavour);
  if (runtime instanceof NodeRuntime) return new NodeColumn(runtime.build, flavour);
  if (runtime instanceof WasmtimeRuntime) return new WasmtimeColumn(runtime.build, flavour);
  if (runtime instanceof HarnessRuntime) return new HarnessColumn(runtime.engine, runtime.build, flavour);
  throw new Error(`runtime ${name}: no fuzz column for it`);
}
