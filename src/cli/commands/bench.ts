// addernet bench: latency of one model on each runtime, measured in one run.

import { readModel } from "../../format/reader.js";
import { type QModel, tensorBytes } from "../../format/model.js";
import { listRuntimes, type Runtime } from "../../runtime/index.js";
import { type Command, parseCommandArgs, runtimeOption, positiveInt, requirePositional } from "../command.js";
import { readFile } from "../files.js";

export interface LatencyRow {
  runtime: string;
  meanMs?: number;
  /** Latency relative to node-simd when both were measured. */
  vsNodeSimd?: number;
  unavailable?: string;
}

/** A fixed pseudo-random input (latency does not depend on the values, but zeros could flatter). */
export function benchInput(model: QModel): Int8Array {
  const input = new Int8Array(tensorBytes(model.tensors[model.input]!));
  let state = 0x2545f491;
  for (let i = 0; i < input.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    input[i] = state & 0xff;
  }
  return input;
}

export async function measureLatencies(packed: Uint8Array, runtimes: Runtime[], repeats: number, log?: (line: string) => void): Promise<LatencyRow[]> {
  const input = benchInput(readModel(packed));
  const rows: LatencyRow[] = [];
  for (const runtime of runtimes) {
    const unavailable = await runtime.unavailableReason();
    if (unavailable) {
      rows.push({ runtime: runtime.name, unavailable });
      continue;
    }
    log?.(`timing ${runtime.name} (${repeats} inferences)…`);
    const { meanMs } = await runtime.bench(packed, input, repeats);
    rows.push({ runtime: runtime.name, meanMs });
  }
  const base = rows.find((r) => r.runtime === "node-simd")?.meanMs;
  for (const r of rows) if (base && r.meanMs !== undefined) r.vsNodeSimd = r.meanMs / base;
  return rows;
}

export function formatLatencies(rows: LatencyRow[]): string {
  return rows
    .map((r) =>
      r.meanMs === undefined
        ? `${r.runtime.padEnd(16)} not available: ${r.unavailable}`
        : `${r.runtime.padEnd(16)} ${r.meanMs.toFixed(3).padStart(10)} ms${r.vsNodeSimd !== undefined ? `  ${r.vsNodeSimd.toFixed(2)}x node-simd` : ""}`,
    )
    .join("\n");
}

export const benchCommand: Command = {
  name: "bench",
  summary: "latency of a model on each runtime (ratios to node-simd from the same run)",
  help: `Usage: addernet bench <model.addn> [options]

Times inferences of the model (after a warm-up) on each runtime and prints the mean latency
and its ratio to node-simd measured in the same run. Runtimes that are not installed are
listed with the reason.

Options:
  --runtime LIST   comma-separated runtimes or "all" (default all): ${listRuntimes().join(", ")}
  --repeat N       inferences per runtime (default 50)
  --json           print the figures as JSON
  -h, --help       this text
  --verbose        stack traces on errors`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      runtime: { type: "string" },
      repeat: { type: "string" },
      json: { type: "boolean" },
    });
    const packed = readFile(requirePositional(positionals, 0, "the model path"), "model");
    const names = !values.runtime || values.runtime === "all" ? listRuntimes() : values.runtime.split(",");
    const runtimes = names.map((n) => runtimeOption(n.trim()));
    const repeats = positiveInt(values.repeat, "--repeat", 50);
    const rows = await measureLatencies(packed, runtimes, repeats, values.json ? undefined : (l) => console.error(l));
    console.log(values.json ? JSON.stringify(rows) : formatLatencies(rows));
    return 0;
  },
};
