// The quantizer's grids for PAD and CONCAT: a pad keeps its input's grid and puts its value on
// it; a concat's inputs made by requantizing ops and read by it alone take its grid (requantized
// once, then copied), the others are rescaled by their own multipliers.
import { describe, expect, it } from "vitest";
import { calibrationSamples, Rng, SeededBuilder } from "../../src/models/index.js";
import { quantizeGraph } from "../../src/quantize/quantize.js";
import { runFloat } from "../../src/graph/float_reference.js";
import { quantizeInput, dequantizeOutput } from "../../src/quantize/io.js";
import { runReference } from "../../src/reference/interpreter.js";
import { compileGraph } from "../../src/pipeline.js";

describe("quantizing concats", () => {
  it("gives the concat's grid to the requantizing producers it alone reads; rescales the rest", () => {
    const b = new SeededBuilder({ height: 5, width: 5, channels: 3 }, new Rng(4));
    const x = b.input();
    const a = b.layer(x, { name: "a", outChannels: 4, kernel: 1, activation: "relu" });
    const c = b.layer(x, { name: "c", outChannels: 3, kernel: 3, padding: 1 });
    const sum = b.add(b.layer(x, { name: "s1", outChannels: 3, kernel: 1 }), c, { name: "sum" });
    const pool = b.maxPool(x, { name: "pool", kernel: 3, stride: 1, padding: 1 });
    const y = b.concat([a, c, sum, pool], { name: "cat" });
    const graph = b.build(b.globalAvgPool(y));
    const { model, report } = quantizeGraph(graph, calibrationSamples(graph.inputShape, 8, 2));
    const t = (name: string) => model.tensors.find((tensor) => tensor.name === name)!;
    const grid = (name: string) => ({ scale: t(name).scale, zeroPoint: t(name).zeroPoint });
    const cat = model.ops.find((op) => op.kind === "concat")!;
    // a and sum: made by requantizing ops, read by the concat alone
    expect(grid("a")).toEqual(grid("cat"));
    expect(grid("sum")).toEqual(grid("cat"));
    // c is read by the add too; the pool keeps the input's grid
    expect(grid("c")).not.toEqual(grid("cat"));
    expect(grid("pool")).toEqual(grid("input"));
    expect(cat.mults![0]).toBe(2 ** cat.shift);
    expect(cat.mults![2]).toBe(2 ** cat.shift);
    expect(cat.mults![1]).toBe(Math.round((t("c").scale / t("cat").scale) * 2 ** cat.shift));
    expect(cat.mults![3]).toBe(Math.round((t("pool").scale / t("cat").scale) * 2 ** cat.shift));
    expect(report.adds.map((r) => `${r.name} ${r.op}`)).toEqual(["sum add", "cat concat"]);
  });

  it("the int8 concat follows the float one within a step or two on its calibration inputs", () => {
    const b = new SeededBuilder({ height: 6, width: 6, channels: 2 }, new Rng(8));
    const x = b.input();
    const branches = [b.layer(x, { outChannels: 5, kernel: 1, activation: "relu" }), b.layer(x, { adder: true, outChannels: 3, kernel: 3, padding: 1 }), b.avgPool(x, { kernel: 2, stride: 1, padding: [0, 0, 1, 1] })];
    const graph = b.build(b.concat(branches, { name: "cat" }));
    const samples = calibrationSamples(graph.inputShape, 8, 2);
    const compiled = compileGraph(graph, samples);
    const out = compiled.model.tensors[compiled.model.output]!;
    for (const sample of samples) {
      const want = runFloat(graph, sample);
      const got = dequantizeOutput(compiled.model, runReference(compiled.model, quantizeInput(compiled.model, sample)));
      const worst = Math.max(...want.map((v, k) => Math.abs(v - got[k]!)));
      expect(worst / out.scale).toBeLessThan(3);
    }
  });
});

describe("quantizing pads", () => {
  it("a constant pad's value widens its input's range, and lands on the grid", () => {
    const b = new SeededBuilder({ height: 4, width: 4, channels: 2 }, new Rng(5));
    const conv = b.layer(b.input(), { name: "conv", outChannels: 3, kernel: 1, activation: "relu" });
    const graph = b.build(b.pad(conv, { name: "pad", padding: 1, value: 40 }));
    const { model, report } = quantizeGraph(graph, calibrationSamples(graph.inputShape, 8, 2));
    const pad = model.ops.find((op) => op.kind === "pad")!;
    const x = model.tensors[pad.input0]!;
    expect(x.scale * (127 - x.zeroPoint)).toBeGreaterThanOrEqual(40 - 1e-9);
    expect(Math.abs(x.scale * (pad.padValue! - x.zeroPoint) - 40)).toBeLessThanOrEqual(x.scale / 2);
    expect(report.warnings).toEqual([]);
  });

  it("warns when its input's grid is inherited and the value falls outside it", () => {
    const b = new SeededBuilder({ height: 4, width: 4, channels: 2 }, new Rng(5));
    const conv = b.layer(b.input(), { name: "conv", outChannels: 3, kernel: 1, activation: "relu6" });
    const pooled = b.maxPool(conv, { name: "pool", kernel: 2 });
    const graph = b.build(b.pad(pooled, { name: "pad", padding: [0, 1, 0, 0], value: 100 }));
    const { model, report } = quantizeGraph(graph, calibrationSamples(graph.inputShape, 8, 2));
    expect(model.ops.find((op) => op.kind === "pad")!.padValue).toBe(127);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toBe("pad: the pad value 100 lies outside its input's grid [0, 2.31] (inherited from the node before); it becomes 2.31");
  });

  it("edge, reflect and wrap pads copy bytes: the int8 output is the float one on the input's grid", () => {
    for (const mode of ["edge", "reflect", "wrap"] as const) {
      const b = new SeededBuilder({ height: 3, width: 4, channels: 2 }, new Rng(6));
      const graph = b.build(b.pad(b.input(), { padding: [2, 5, 4, 1], mode }));
      const compiled = compileGraph(graph, calibrationSamples(graph.inputShape, 4, 2));
      const sample = calibrationSamples(graph.inputShape, 1, 3)[0]!;
      const q = quantizeInput(compiled.model, sample);
      const want = runFloat(graph, dequantizeOutput({ ...compiled.model, output: compiled.model.input }, q));
      expect(Array.from(dequantizeOutput(compiled.model, runReference(compiled.model, q)))).toEqual(Array.from(want));
    }
  });
});
