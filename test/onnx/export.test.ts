// exportOnnx writes what importOnnx reads back: the seeded models survive the round trip with the
// same float outputs, so they can stand in for real ONNX files (bench/resnet20_files.ts).
import { describe, expect, it } from "vitest";
import { runFloat } from "../../src/graph/float_reference.js";
import { buildDigitsNet, buildResNet20, calibrationSamples, randomActivationNetwork, randomNetwork } from "../../src/models/index.js";
import { exportOnnx } from "../../src/onnx/export.js";
import { importOnnx } from "../../src/onnx/index.js";
import type { Graph } from "../../src/graph/ir.js";

function expectSameOutputs(graph: Graph): void {
  const back = importOnnx(exportOnnx(graph));
  expect(back.inputShape).toEqual(graph.inputShape);
  for (const x of calibrationSamples(graph.inputShape, 3, 11)) {
    expect(Array.from(runFloat(back, x))).toEqual(Array.from(runFloat(graph, x)));
  }
}

describe("exportOnnx → importOnnx", () => {
  it("keeps ResNet-20 (the Flatten written before its dense layer reads back as another name of the pooled 1×1 map)", () => {
    const graph = buildResNet20(1);
    const back = importOnnx(exportOnnx(graph));
    expect(back.nodes.map((n) => n.op)).toEqual(graph.nodes.map((n) => n.op));
    expectSameOutputs(graph);
  });

  it("keeps the digits net and random networks (flatten of maps with H·W > 1, ReLU6, pools, adds)", () => {
    expectSameOutputs(buildDigitsNet(1));
    for (let seed = 0; seed < 12; seed++) expectSameOutputs(randomNetwork(seed));
  });

  it("keeps element-wise functions, standalone BatchNorms, PReLUs and softmaxes (every function of ELEMENTWISE_SAMPLES)", () => {
    for (let seed = 1; seed <= 13; seed++) expectSameOutputs(randomActivationNetwork(seed));
  });
});
