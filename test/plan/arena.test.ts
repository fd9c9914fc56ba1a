import { describe, expect, it } from "vitest";
import type { QModel } from "../../src/format/model.js";
import { tensorBytes } from "../../src/format/model.js";
import { packModel } from "../../src/format/writer.js";
import { applyArenaPlan, planArena, tensorLifetimes } from "../../src/plan/arena.js";
import { runReferenceAll } from "../../src/reference/interpreter.js";
import { runInArena } from "../../src/reference/arena.js";
import { sampleModel } from "../format/helpers.js";
import { randomInput, randomModel, resnet20Model } from "../format/models.js";

function checkPlan(model: QModel, align = 16): { peak: number; lowerBound: number } {
  const plan = planArena(model, { align });
  const planned = applyArenaPlan(model, plan);
  const size = (t: number): number => tensorBytes(model.tensors[t]);
  plan.offsets.forEach((offset, t) => expect(offset % align, `tensor ${t} offset`).toBe(0));
  for (let a = 0; a < model.tensors.length; a++) {
    for (let b = a + 1; b < model.tensors.length; b++) {
      const la = plan.lifetimes[a];
      const lb = plan.lifetimes[b];
      if (!la || !lb || la.last < lb.first || lb.last < la.first) continue;
      const disjoint = plan.offsets[a] + size(a) <= plan.offsets[b] || plan.offsets[b] + size(b) <= plan.offsets[a];
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
  return { peak: plan.activationBytes, lowerBound: plan.lowerBound };
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
      const { peak, lowerBound } = checkPlan(randomModel(1000 + seed, 2 + (seed % 13)), seed % 5 === 0 ? 64 : 16);
      if (seed < 6) ratios.push(`${peak}/${lowerBound}`);
    }
    console.log(`random graphs, peak/lower bound: ${ratios.join(", ")}`);
  });

  it("plans ResNet-20 within 10% of the lower bound", () => {
    const model = resnet20Model();
    const { peak, lowerBound } = checkPlan(model);
    const unplanned = model.tensors.reduce((s, t) => s + tensorBytes(t), 0);
    console.log(`ResNet-20: peak ${peak} bytes, lower bound ${lowerBound}, one buffer per tensor ${unplanned}`);
    expect(peak).toBeLessThanOrEqual(Math.ceil(lowerBound * 1.1));
  });

  it("refuses an alignment that is not a multiple of 16", () => {
    expect(() => planArena(sampleModel(), { align: 8 })).toThrow("arena alignment: expected a multiple of 16, found 8");
  });
});
