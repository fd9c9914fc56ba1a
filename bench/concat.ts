// Concats in place: the fire-module net (src/models/zoo.ts, buildFireNet) planned with each
// concat input written into its slice of the output, and planned copying, for the arena and the
// latency of both on Node, both builds.
import { applyArenaPlan, planArena } from "../src/plan/arena.js";
import { packModel } from "../src/format/writer.js";
import { buildFireNet, calibrationSamples } from "../src/models/index.js";
import { quantizeGraph } from "../src/quantize/quantize.js";
import { quantizeInput } from "../src/quantize/io.js";
import { KERNEL_BUILDS, type KernelBuild } from "../src/runtime/kernel.js";
import { timeInvoke } from "./ops.js";

export interface ConcatPlanRow {
  plan: "copying" | "in place";
  activationBytes: number;
  lowerBound: number;
  slices: number;
  ms: Record<KernelBuild, number>;
}

export async function benchConcatInPlace(): Promise<ConcatPlanRow[]> {
  const graph = buildFireNet(1);
  const model = quantizeGraph(graph, calibrationSamples(graph.inputShape, 4, 7)).model;
  const input = quantizeInput(model, calibrationSamples(graph.inputShape, 1, 8)[0]!);
  const rows: ConcatPlanRow[] = [];
  for (const inPlaceConcat of [false, true]) {
    const plan = planArena(model, { inPlaceConcat });
    const blob = packModel(applyArenaPlan(model, plan));
    const ms = {} as Record<KernelBuild, number>;
    for (const build of KERNEL_BUILDS) ms[build] = await timeInvoke(build, blob, input, 100, 7);
    rows.push({ plan: inPlaceConcat ? "in place" : "copying", activationBytes: plan.activationBytes, lowerBound: plan.lowerBound, slices: plan.slices.length, ms });
  }
  return rows;
}

export const formatConcatBench = (rows: readonly ConcatPlanRow[]): string =>
  ["plan      activations  lower bound  inputs in place  node-simd ms  node-scalar ms",
    ...rows.map((r) => `${r.plan.padEnd(9)} ${String(r.activationBytes).padStart(11)}  ${String(r.lowerBound).padStart(11)}  ${String(r.slices).padStart(15)}  ` +
      `${r.ms.simd.toFixed(3).padStart(12)}  ${r.ms.scalar.toFixed(3).padStart(14)}`)].join("\n");
