// Calibration: the float range of every value of the graph over a set of sample inputs.

import { FloatRunner } from "../graph/float_reference.js";
import type { Graph } from "../graph/ir.js";

/** A float range [min, max]; calibrated ranges always contain 0. */
export interface Range {
  min: number;
  max: number;
}

/** "minmax": the extreme values; { percentile: p }: the p-th and (100 − p)-th percentiles. */
export type CalibrationMethod = "minmax" | { percentile: number };

export interface CalibrationOptions {
  method?: CalibrationMethod;
  onProgress?: (done: number, total: number) => void;
}

/** Widens a range to contain 0 (the grid must represent padding and ReLU's floor exactly). */
export const widenToZero = (r: Range): Range => ({ min: Math.min(r.min, 0), max: Math.max(r.max, 0) });

function percentileRange(chunks: Float32Array[], percentile: number): Range {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  all.sort();
  const index = (p: number) => Math.min(total - 1, Math.max(0, Math.round((p / 100) * (total - 1))));
  return { min: all[index(100 - percentile)]!, max: all[index(percentile)]! };
}

/** Runs the float reference on every sample and returns each value's range (widened to 0). */
export function calibrate(graph: Graph, samples: readonly Float32Array[], options: CalibrationOptions = {}): Map<string, Range> {
  const method = options.method ?? "minmax";
  if (samples.length === 0) throw new Error("calibrate: at least one sample is needed");
  if (typeof method !== "string" && !(method.percentile > 50 && method.percentile <= 100)) {
    throw new Error(`calibrate: percentile must lie in (50, 100], found ${method.percentile}`);
  }
  const runner = new FloatRunner(graph);
  const extremes = new Map<string, Range>();
  const chunks = new Map<string, Float32Array[]>();
  samples.forEach((sample, done) => {
    for (const [name, values] of runner.runAll(sample)) {
      if (method === "minmax") {
        const r = extremes.get(name) ?? { min: Infinity, max: -Infinity };
        for (const v of values) {
          if (v < r.min) r.min = v;
          if (v > r.max) r.max = v;
        }
        extremes.set(name, r);
      } else {
        const list = chunks.get(name) ?? [];
        list.push(values.slice());
        chunks.set(name, list);
      }
    }
    options.onProgress?.(done + 1, samples.length);
  });
  const ranges = new Map<string, Range>();
  if (method === "minmax") for (const [name, r] of extremes) ranges.set(name, widenToZero(r));
  else for (const [name, list] of chunks) ranges.set(name, widenToZero(percentileRange(list, method.percentile)));
  return ranges;
}
