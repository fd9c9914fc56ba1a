// A Relu/Clip that cannot fuse into the node before it becomes a 1×1 max pool with that clamp:
// exact on the int8 grid, and the same as the float definition.
import { describe, expect, it } from "vitest";
import { runFloatAll } from "../../src/graph/float_reference.js";
import type { Graph } from "../../src/graph/ir.js";
import { calibrationSamples } from "../../src/models/index.js";
import { importOnnx } from "../../src/onnx/index.js";
import { quantize } from "../../src/pipeline.js";
import { quantizeInput } from "../../src/quantize/io.js";
import { runReferenceAll } from "../../src/reference/interpreter.js";
import { agreement } from "../quantize/helpers.js";
import { reluOnInput } from "./hostile_models.js";
import { buildModel, floatTensor } from "./onnx_builder.js";

/** Samples of `graph`'s input spread over [−1.5, 1.5], half of each below zero. */
const samples = (graph: Graph, count: number, seed: number) =>
  calibrationSamples(graph.inputShape, count, seed).map((x) => x.map((v) => 3 * v - 1.5));

/** For every sample: the activation's int8 output is max(input byte, zero point), ReLU of what the byte stands for. */
function expectExactOnGrid(graph: Graph, activationOutput: string, inputValue: string) {
  const model = quantize(graph, samples(graph, 32, 1));
  const index = (name: string) => model.tensors.findIndex((t) => t.name === name);
  const [input, output] = [index(inputValue), index(activationOutput)];
  expect(model.tensors[output]).toMatchObject({ scale: model.tensors[input]!.scale, zeroPoint: model.tensors[input]!.zeroPoint });
  const z = model.tensors[input]!.zeroPoint;
  for (const x of samples(graph, 8, 2)) {
    const values = runReferenceAll(model, quantizeInput(model, x));
    expect(Array.from(values[output]!)).toEqual(Array.from(values[input]!, (q) => Math.max(q, z)));
  }
  return model;
}

describe("standalone activations", () => {
  it("ReLU on the graph input: a 1x1 max pool that clamps at the input grid's zero point", () => {
    const graph = importOnnx(reluOnInput());
    expect(graph.nodes[0]).toMatchObject({ op: "max_pool", name: "relu0", inputs: ["input"], output: "r", activation: "relu", kernel: [1, 1], stride: [1, 1] });
    const x = samples(graph, 1, 3)[0]!;
    const values = runFloatAll(graph, x);
    expect(Array.from(values.get("r")!)).toEqual(Array.from(x, (v) => Math.max(v, 0)));
    const model = expectExactOnGrid(graph, "r", "input");
    const a = agreement(graph, model, samples(graph, 16, 4));
    expect(a.steps).toBeLessThan(1);
  });

  it("a Relu on a value other nodes read, and a Clip [0, 6] after a Flatten (it acts on the map before it; the trailing Flatten goes)", () => {
    const bytes = buildModel({
      inputDims: [1, 2, 3, 3],
      outputName: "y",
      nodes: [
        { op: "Conv", name: "conv", inputs: ["input", "w"], outputs: ["c"], attrs: { kernel_shape: [1, 1] } },
        { op: "Relu", name: "shared_relu", inputs: ["c"], outputs: ["r"] },
        { op: "Add", name: "sum", inputs: ["c", "r"], outputs: ["s"] },
        { op: "Flatten", name: "flat", inputs: ["s"], outputs: ["f"] },
        { op: "Clip", name: "relu6", inputs: ["f", "zero", "six"], outputs: ["y"] },
      ],
      initializers: [floatTensor("w", [2, 2, 1, 1], [2, -1, 0.5, 3]), floatTensor("zero", [], [0]), floatTensor("six", [], [6])],
    });
    const graph = importOnnx(bytes);
    expect(graph.nodes.map((n) => [n.op, n.name, n.activation])).toEqual([
      ["conv2d", "conv", "none"],
      ["max_pool", "shared_relu", "relu"],
      ["add", "sum", "relu6"],
    ]);
    expect([graph.outputName, graph.outputRank]).toEqual(["y", 2]);
    const x = samples(graph, 1, 5)[0]!;
    const v = runFloatAll(graph, x);
    const c = v.get("c")!;
    expect(Array.from(v.get("y")!)).toEqual(Array.from(c, (cv) => Math.min(6, Math.max(0, Math.fround(cv + Math.max(cv, 0))))));
    expectExactOnGrid(graph, "r", "c");
    expect(agreement(graph, quantize(graph, samples(graph, 32, 6)), samples(graph, 16, 7)).steps).toBeLessThan(1);
  });
});
