// Latency of one packed model on several runtimes, measured in one run so the ratios to
// node-simd compare like with like: what `addernet bench`, the demo and `npm run bench` print.

import { readModel } from "../format/reader.js";
import { type QModel, tensorBytes } from "../format/model.js";
import type { Runtime } from "../runtime/index.js";

export interface LatencyRow {
  runtime: string;
  meanMs?: number;
  /** Inferences timed. */
  repeats?: number;
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

/** How many inferences to time: a fixed count, or enough to last about `targetMs` per runtime. */
export type Repeats = { count: number } | { targetMs: number };

export async function measureLatencies(packed: Uint8Array, runtimes: Runtime[], repeats: Repeats, log?: (line: string) => void): Promise<LatencyRow[]> {
  const input = benchInput(readModel(packed));
  const rows: LatencyRow[] = [];
  for (const runtime of runtimes) {
    const unavailable = await runtime.unavailableReason();
    if (unavailable) {
      rows.push({ runtime: runtime.name, unavailable });
      continue;
    }
    let count: number;
    if ("count" in repeats) count = repeats.count;
    else {
      const probe = (await runtime.bench(packed, input, 2)).meanMs;
      count = Math.max(3, Math.min(5000, Math.ceil(repeats.targetMs / Math.max(probe, 0.001))));
    }
    log?.(`timing ${runtime.name} (${count} inferences)…`);
    const { meanMs } = await runtime.bench(packed, input, count);
    rows.push({ runtime: runtime.name, meanMs, repeats: count });
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
        : `${r.runtime.padEnd(16)} ${r.meanMs.toFixed(3).padStart(10)} ms${r.vsNodeSimd !== undefined ? `  ${r.vsNodeSimd.toFixed(2).padStart(7)}x node-simd` : ""}  (${r.repeats} runs)`,
    )
    .join("\n");
}
