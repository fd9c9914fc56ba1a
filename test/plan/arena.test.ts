import { describe, expect, it } from "vitest";
import type { QModel } from "../../src/format/model.js";
import { tensorBytes } from "../../src/format/model.js";
import { packModel } from "../../src/format/writer.js";
import { type ArenaPlan, applyArenaPlan, planArena, type PlanOptions, tensorLifetimes } from "../../src/plan/arena.js";
import { runReferenceAll } from "../../src/reference/interpreter.js";
import { runInArena } from "../../src/reference/arena.js";
import { buildFireNet, calibrationSamples, Rng, SeededBuilder } from "../../src/models/index.js";
import { quantizeGraph } from "../../src/quantize/quantize.js";
import { sampleModel } from "../format/helpers.js";
import { randomInput, randomModel, resnet20Model } from "../format/models.js";

/**
 * Plans `model` and checks the plan: aligned offsets (but slices), tensors of different blocks
 * that live at the same time share no bytes (a concat input in place counts as its output's
 * block, whose bytes its strided pixels lie in), the peak, the format's checks, and a run in one
 * shared arena giving the reference's bytes at every op.
 */
function checkPlan(model: QModel, options: PlanOptions = {}): ArenaPlan {
  const align = options.align ?? 16;
  const plan = planArena(model, options);
  const planned = applyArenaPlan(model, plan);
  const size = (t: number): number => tensorBytes(model.tensors[t]);
  const blockOf = (t: number): number => plan.slices.find((s) => s.tensor === t)?.of ?? t;
  plan.offsets.forEach((offset, t) => {
    if (blockOf(t) === t) expect(offset % align, `tensor ${t} offset`).toBe(0);
  });
  for (let a = 0; a < model.tensors.length; a++) {
    for (let b = a + 1; b < model.tensors.length; b++) {
      const la = plan.lifetimes[a];
      const lb = plan.lifetimes[b];
      if (!la || !lb || la.last < lb.first || lb.last < la.first || blockOf(a) === blockOf(b)) continue;
      const [ba, bb] = [blockOf(a), blockOf(b)];
      const disjoint = plan.offsets[ba] + size(ba) <= plan.offsets[bb] || plan.offsets[bb] + size(bb) <= plan.offsets[ba];
      expect(disjoint, `tensors ${a} [${la.first}, ${la.last}] and ${b} [${lb.first}, ${lb.last}] share bytes`).toBe(true);
    }
  }
  expect(plan.activationBytes).toBeGreaterThanOrEqual(plan.lowerBound);
  expect(plan.activationBytes).toBe(Math.max(...plan.offsets.map((o, t) => o + size(t))));
  expect(planned.activationBytes).toBe(plan.activationBytes);
  packModel(planned); // the format's overlap and region checks pass
  // running in one shared arena gives the reference's bytes at every op
  const input = randomInput(model, 1);
  const reference = runReferenceAll(model, input);
  runInArena(planned, input).opOutputs.forEach((y, k) => expect(y, `op ${k}`).toEqual(reference[model.ops[k].output]));
  return plan;
}

describe("arena planner", () => {
  it("computes lifetimes from writes and reads", () => {
    // ops: 0 adder_conv2d 0→1 · 1 max_pool 1→2 · 2 conv2d 2→3 · 3 add 3,2→4 · 4 reshape 4→5 · 5 adder_dense 5→6
    expect(tensorLifetimes(sampleModel())).toEqual([
      { first: 0, last: 0 },
      { first: 0, last: 1 },
      { first: 1, last: 3 },
      { first: 2, last: 3 },
      { first: 3, last: 4 },
      { first: 4, last: 5 },
      { first: 5, last: 5 },
    ]);
  });

  it("keeps the model input from the start and the output to the end", () => {
    const model = sampleModel();
    // make the model output tensor 2 (written by op 1) and drop the ops after it from liveness of reads
    const lifetimes = tensorLifetimes({ ...model, output: 2 });
    expect(lifetimes[2]).toEqual({ first: 1, last: 5 });
    expect(lifetimes[0]).toEqual({ first: 0, last: 0 });
  });

  it("never overlaps live tensors, over randomized graphs", () => {
    const ratios: string[] = [];
    for (let seed = 0; seed < 120; seed++) {
      const { activationBytes, lowerBound } = checkPlan(randomModel(1000 + seed, 2 + (seed % 13)), { align: seed % 5 === 0 ? 64 : 16 });
      if (seed < 6) ratios.push(`${activationBytes}/${lowerBound}`);
    }
    console.log(`random graphs, peak/lower bound: ${ratios.join(", ")}`);
  });

  it("plans ResNet-20 within 10% of the lower bound", () => {
    const model = resnet20Model();
    const { activationBytes: peak, lowerBound } = checkPlan(model);
    const unplanned = model.tensors.reduce((s, t) => s + tensorBytes(t), 0);
    console.log(`ResNet-20: peak ${peak} bytes, lower bound ${lowerBound}, one buffer per tensor ${unplanned}`);
    expect(peak).toBeLessThanOrEqual(Math.ceil(lowerBound * 1.1));
  });

  it("refuses an alignment that is not a multiple of 16", () => {
    expect(() => planArena(sampleModel(), { align: 8 })).toThrow("arena alignment: expected a multiple of 16, found 8");
  });

  it("writes concat inputs in place: the fire-module net's activations shrink by 41 %, every concat copies nothing", () => {
    for (const adder of [true, false]) {
      const graph = buildFireNet(1, { adder });
      const model = quantizeGraph(graph, calibrationSamples(graph.inputShape, 4, 1)).model;
      const copying = checkPlan(model, { inPlaceConcat: false });
      const inPlace = checkPlan(model);
      expect(copying.slices).toEqual([]);
      // both expands of each of the four fire modules, on the concat's grid: copied as they are
      expect(inPlace.slices.map((s) => model.tensors[s.tensor]!.name)).toEqual(
        ["fire2", "fire3", "fire4", "fire5"].flatMap((f) => [`${f}_expand1x1`, `${f}_expand3x3`]));
      for (const s of inPlace.slices) {
        const concat = model.ops.find((op) => op.output === s.of)!;
        const i = concat.inputs!.indexOf(s.tensor);
        expect(concat.mults![i]).toBe(2 ** concat.shift);
        expect(model.tensors[s.tensor]!.zeroPoint).toBe(model.tensors[s.of]!.zeroPoint);
        expect(s.stride).toBe(model.tensors[s.of]!.channels);
      }
      console.log(`fire-module net (${adder ? "adder" : "multiply"}): activations ${copying.activationBytes} bytes copying (lower bound ${copying.lowerBound}), ${inPlace.activationBytes} in place (lower bound ${inPlace.lowerBound})`);
      expect(copying.activationBytes).toBe(34816);
      expect(inPlace.activationBytes).toBe(20480);
    }
  });

  it("places a concat input in its slice only where the producer can write it and nothing else reads it changed", () => {
    // input 4×4×3 → a: conv (read by the concat only) · b: conv (also read by the dense head) ·
    // c: max pool (no output stride) → concat(a, b, c, a) · and a 1×1 branch: global pools of a
    // conv and of the input → concat
    const b = new SeededBuilder({ height: 4, width: 4, channels: 3 }, new Rng(3));
    const x = b.input();
    const a = b.layer(x, { name: "a", outChannels: 5, kernel: 1 });
    const conv = b.layer(x, { name: "b", outChannels: 4, kernel: 3, padding: 1 });
    const pool = b.maxPool(x, { name: "c", kernel: 3, stride: 1, padding: 1 });
    const joined = b.concat([a, conv, pool, a], { name: "joined" });
    const g1 = b.globalAvgPool(b.layer(joined, { name: "d", outChannels: 6, kernel: 1 }), { name: "g1" });
    const g2 = b.globalAvgPool(x, { name: "g2" });
    const vector = b.concat([g1, g2], { name: "vector" });
    const head = b.add(b.denseLayer(vector, { name: "fc1", outFeatures: 4 }), b.denseLayer(conv, { name: "fc2", outFeatures: 4 }));
    const graph = b.build(head);
    const model = quantizeGraph(graph, calibrationSamples(graph.inputShape, 4, 1)).model;
    const plan = checkPlan(model);
    const names = plan.slices.map((s) => `${model.tensors[s.tensor]!.name}${s.stride ? `/${s.stride}` : ""}`);
    // a: listed twice; b: read by fc2; c: a pool cannot write with a stride; g1, g2: one-pixel
    // maps, written contiguously by any op (g2 on the input's grid, rescaled where it lies)
    expect(names).toEqual(["g1", "g2"]);
    expect(plan.slices.every((s) => s.stride === undefined)).toBe(true);
    const planned = applyArenaPlan(model, plan);
    expect(planned.ops.some((op) => op.outputStride !== undefined)).toBe(false);
  });
});