// Zero pads folded into the window that reads them: the folded model gives the same bytes as the
// unfolded one (reference, both kernel builds), and the pads that cannot fold stay.
import { beforeAll, describe, expect, it } from "vitest";
import { foldPads } from "../../src/graph/fold_pads.js";
import { runFloat } from "../../src/graph/float_reference.js";
import type { Graph } from "../../src/graph/ir.js";
import { calibrationSamples, fitBatchNorms, Rng, SeededBuilder } from "../../src/models/index.js";
import { compileGraph } from "../../src/pipeline.js";
import { quantizeInput } from "../../src/quantize/io.js";
import { runReference } from "../../src/reference/interpreter.js";
import { KERNEL_BUILDS, KernelInstance, type KernelBuild } from "../../src/runtime/kernel.js";

type Block = (b: SeededBuilder, x: string) => string;

/** input 7×6×3 → conv 3→4 + ReLU → `block` → global pool → dense: the pad sits between two layers. */
function net(block: Block, seed = 1): Graph {
  const b = new SeededBuilder({ height: 7, width: 6, channels: 3 }, new Rng(seed));
  let x = b.layer(b.input(), { outChannels: 4, kernel: 1, activation: "relu" });
  x = block(b, x);
  x = b.globalAvgPool(x);
  const graph = b.build(b.denseLayer(x, { outFeatures: 5, batchNorm: false }));
  fitBatchNorms(graph, calibrationSamples(graph.inputShape, 8, seed));
  return graph;
}

const FOLDING: [string, Block][] = [
  ["conv", (b, x) => b.layer(b.pad(x, { padding: [1, 2, 0, 1] }), { outChannels: 5, kernel: 3, padding: [0, 1, 1, 0], activation: "relu" })],
  ["adder conv", (b, x) => b.layer(b.pad(x, { padding: 2 }), { adder: true, outChannels: 5, kernel: 3, stride: 2, activation: "relu6" })],
  ["dilated adder conv, pad of a pad", (b, x) => b.layer(b.pad(b.pad(x, { padding: 1 }), { padding: [0, 1, 0, 1] }), { adder: true, outChannels: 3, kernel: 3, dilation: 2 })],
  ["max pool after a ReLU", (b, x) => b.maxPool(b.pad(x, { padding: [1, 0, 0, 1] }), { kernel: 2, stride: 1 })],
];

const STAYING: [string, Block][] = [
  ["avg pool (the pad's zeros count in its mean)", (b, x) => b.avgPool(b.pad(x, { padding: 1 }), { kernel: 2 })],
  ["a pad value other than 0", (b, x) => b.layer(b.pad(x, { padding: 1, value: 0.5 }), { outChannels: 5, kernel: 3 })],
  ["edge mode", (b, x) => b.layer(b.pad(x, { padding: 1, mode: "edge" }), { adder: true, outChannels: 5, kernel: 3 })],
  ["a pad two nodes read", (b, x) => { const p = b.pad(x, { padding: 1 }); return b.add(b.layer(p, { outChannels: 4, kernel: 1 }), b.layer(p, { outChannels: 4, kernel: 1 })); }],
  ["max pool over values that may be negative", (b, x) => b.maxPool(b.pad(b.layer(x, { outChannels: 4, kernel: 1 }), { padding: 1 }), { kernel: 2 })],
  ["max pool whose pads would reach its kernel", (b, x) => b.maxPool(b.pad(x, { padding: [2, 0, 0, 0] }), { kernel: 2, stride: 1 })],
];

describe("zero pads folded into the window that reads them", () => {
  const kernels = new Map<KernelBuild, KernelInstance>();
  beforeAll(async () => {
    for (const build of KERNEL_BUILDS) kernels.set(build, await KernelInstance.create(build));
  });

  it.each(FOLDING)("%s: folded, the same bytes on the reference and both kernel builds", (_, block) => {
    const graph = net(block);
    const folded = foldPads(graph);
    expect(folded.nodes.filter((n) => n.op === "pad")).toEqual([]);
    expect(folded.nodes.length).toBeLessThan(graph.nodes.length);
    const samples = calibrationSamples(graph.inputShape, 8, 3);
    // the same calibration gives the same grids: the padded taps were zeros before too
    const [unfoldedModel, foldedModel] = [graph, folded].map((g) => compileGraph(g, samples));
    const inputs = calibrationSamples(graph.inputShape, 4, 5);
    for (const x of inputs) expect(runFloat(folded, x)).toEqual(runFloat(graph, x));
    for (const x of inputs) {
      const q = quantizeInput(unfoldedModel!.model, x);
      const want = runReference(unfoldedModel!.model, q);
      expect(runReference(foldedModel!.model, q)).toEqual(want);
      for (const [build, k] of kernels) {
        k.load(foldedModel!.bytes);
        expect(k.run(q), build).toEqual(want);
        k.load(unfoldedModel!.bytes);
        expect(k.run(q), build).toEqual(want);
      }
    }
  });

  it.each(STAYING)("%s: the pad stays", (_, block) => {
    const graph = net(block);
    expect(foldPads(graph)).toBe(graph);
  });

  it("a constant pad of 0.0 is the input's zero point exactly", () => {
    const graph = net((b, x) => b.avgPool(b.pad(x, { padding: 1 }), { kernel: 2 }));
    const compiled = compileGraph(graph, calibrationSamples(graph.inputShape, 8, 3));
    const pad = compiled.model.ops.find((op) => op.kind === "pad")!;
    expect(pad.padValue).toBe(compiled.model.tensors[pad.input0]!.zeroPoint);
  });
});
