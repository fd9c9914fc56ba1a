// Hand-made bad ONNX files: each error names the op type, the node and the input at fault.
import { describe, expect, it } from "vitest";
import { OnnxImportError, importOnnx } from "../../src/onnx/index.js";
import { buildModel, floatTensor, int64Tensor, type ModelSpec } from "./onnx_builder.js";

const conv = (name: string, weights: string, input = "input", output = "y") => ({
  op: "Conv",
  name,
  inputs: [input, weights],
  outputs: [output],
  attrs: { kernel_shape: [1, 1] },
});
const weights1x1 = floatTensor("w", [2, 1, 1, 1], [1, -1]);

function importError(bytes: Uint8Array): string {
  try {
    importOnnx(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(OnnxImportError);
    const message = (e as Error).message;
    console.log(`OnnxImportError: ${message}`);
    return message;
  }
  throw new Error("the import was expected to fail");
}

const model = (spec: Partial<ModelSpec> & Pick<ModelSpec, "nodes">): Uint8Array =>
  buildModel({ inputDims: [1, 1, 4, 4], outputName: "y", initializers: [weights1x1], ...spec });

describe("ONNX import errors", () => {
  it("names an unsupported op, its node and the supported ops", () => {
    const message = importError(
      model({ nodes: [conv("conv_0", "w", "input", "c"), { op: "Softmax", name: "softmax_0", inputs: ["c"], outputs: ["y"] }] }),
    );
    expect(message).toMatch(/^unsupported op "Softmax" \(node "softmax_0"\); supported: Conv, Gemm, MatMul, BatchNormalization, /);
    expect(message).toContain("com.addernet.AdderConv");
  });

  it("names an op of an unknown domain with its domain", () => {
    const message = importError(model({ nodes: [{ op: "Fancy", name: "f", domain: "org.example", inputs: ["input"], outputs: ["y"] }] }));
    expect(message).toMatch(/^unsupported op "org\.example\.Fancy" \(node "f"\)/);
  });

  it("names the node and input of a missing initializer", () => {
    const message = importError(model({ nodes: [conv("conv_a", "w_missing")] }));
    expect(message).toBe('Conv (node "conv_a"): missing initializer "w_missing" for input 1 (weights)');
  });

  it("names the input and the dim of a dynamic shape", () => {
    expect(importError(model({ nodes: [conv("c", "w")], inputDims: [1, 1, "height", 4] }))).toBe(
      'graph input "input" dim 2 is dynamic (dim_param "height"); export the model with a fixed input shape',
    );
    expect(importError(model({ nodes: [conv("c", "w")], inputDims: [1, 1, 4, null] }))).toContain(
      'graph input "input" dim 3 is dynamic (no dim_value)',
    );
  });

  it("resolves a dynamic batch dim, and a fixed batch N > 1 with a warning, to 1 unless asked not to", () => {
    const bytes = model({ nodes: [conv("c", "w")], inputDims: ["batch", 1, 4, 4] });
    expect(importOnnx(bytes).inputShape).toEqual({ height: 4, width: 4, channels: 1 });
    expect(() => importOnnx(bytes, { dynamicBatch: "error" })).toThrow('graph input "input" dim 0 is dynamic (dim_param "batch")');
    const warnings: string[] = [];
    const batch4 = model({ nodes: [conv("c", "w")], inputDims: [4, 1, 4, 4] });
    expect(importOnnx(batch4, { onWarning: (w) => warnings.push(w) }).inputShape).toEqual({ height: 4, width: 4, channels: 1 });
    expect(warnings).toEqual(['graph input "input" has a fixed batch of 4: imported as a model of one sample (run it on each sample)']);
    expect(() => importOnnx(batch4, { fixedBatch: "error" })).toThrow('graph input "input" has batch dimension 4; only batch 1 is supported');
  });

  it("rejects a Clip range other than ReLU/ReLU6", () => {
    const message = importError(
      model({
        nodes: [conv("c", "w", "input", "c_out"), { op: "Clip", name: "clip5", inputs: ["c_out", "lo", "hi"], outputs: ["y"] }],
        initializers: [weights1x1, floatTensor("lo", [], [0]), floatTensor("hi", [], [5])],
      }),
    );
    expect(message).toBe('Clip (node "clip5"): Clip range [0, 5] is not supported; supported: [0, 6] (ReLU6) and [0, +inf) (ReLU)');
  });

  it("rejects bytes that are not a ModelProto", () => {
    expect(importError(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f))).toMatch(/^not a valid ONNX ModelProto: /);
    expect(importError(new TextEncoder().encode("hello, this is not protobuf"))).toMatch(/^not a valid ONNX ModelProto: /);
    expect(importError(new Uint8Array(0))).toBe("not a valid ONNX ModelProto: the model has no graph");
  });

  it("rejects a BatchNormalization it cannot fold", () => {
    const bn = ["s", "b", "m", "v"].map((n) => floatTensor(n, [1], [1]));
    const message = importError(
      model({
        nodes: [
          { op: "Add", name: "add_0", inputs: ["input", "input"], outputs: ["sum"] },
          { op: "BatchNormalization", name: "bn_0", inputs: ["sum", "s", "b", "m", "v"], outputs: ["y"] },
        ],
        initializers: bn,
      }),
    );
    expect(message).toMatch(/^BatchNormalization \(node "bn_0"\): BatchNormalization is supported only folded into a directly preceding Conv/);
    expect(message).toContain('its input "sum" comes from add node "add_0"');
  });

  it("requires the com.addernet opset for adder ops", () => {
    const message = importError(
      model({
        nodes: [{ ...conv("adder_0", "w"), op: "AdderConv", domain: "com.addernet" }],
        adderOpset: null,
      }),
    );
    expect(message).toBe('AdderConv (node "adder_0"): needs opset com.addernet version 1; the model does not import it');
  });

  it("rejects groups that do not fit, grouped adder convolutions other than depthwise, non-flatten reshapes and dynamic weights", () => {
    expect(importError(model({ nodes: [{ ...conv("g", "w"), attrs: { group: 2 } }] }))).toBe(
      'Conv (node "g"): group = 2 does not divide the 1 input and 2 output channels',
    );
    const grouped = (name: string, group: number, dims: number[]) =>
      importError(model({ nodes: [{ ...conv(name, "wg"), attrs: { group, kernel_shape: [1, 1] } }], inputDims: [1, 4, 4, 4], initializers: [floatTensor("wg", dims, new Array(dims.reduce((a, b) => a * b)).fill(0.5))] }));
    // Other groups, channel multipliers included, import as convolutions (test/onnx/import_1d_and_reshapes.test.ts); not for AdderConv.
    const adder = (group: number, dims: number[]) =>
      importError(model({ nodes: [{ ...conv("a", "wg"), op: "AdderConv", domain: "com.addernet", attrs: { group, kernel_shape: [1, 1] } }], inputDims: [1, 4, 4, 4], initializers: [floatTensor("wg", dims, new Array(dims.reduce((a, b) => a * b)).fill(0.5))] }));
    expect(adder(4, [8, 1, 1, 1])).toBe(
      'AdderConv (node "a"): group = 4 is not supported for AdderConv: only 1 (a convolution) or the input\'s channel count 4 with as many outputs (a depthwise convolution)',
    );
    expect(grouped("per_group", 4, [4, 2, 1, 1])).toBe('Conv (node "per_group"): weights have 2 input channels per group; 1 expected with group = 4');
    expect(
      importError(
        model({
          nodes: [{ op: "Reshape", name: "r", inputs: ["input", "shape"], outputs: ["y"] }],
          initializers: [int64Tensor("shape", [2], [2, -1])],
        }),
      ),
    ).toBe('Reshape (node "r"): reshape of [1, 1, 4, 4] to [2, 8] mixes samples of the batch; only reshapes of each sample ([1, …]) are supported');
    expect(
      importError(
        model({
          nodes: [{ op: "Reshape", name: "r", inputs: ["input", "shape"], outputs: ["y"] }],
          initializers: [int64Tensor("shape", [3], [1, 4, 4])],
        }),
      ),
    ).toBe(
      'Reshape (node "r"): [1, 1, 4, 4] to [1, 4, 4] would move values across channels; supported: flattening, and reshapes that keep the channels and the order of positions (e.g. [1, C, L] and [1, C, 1, L] or [1, C, L, 1])',
    );
    expect(importError(model({ nodes: [{ op: "Conv", name: "dyn", inputs: ["input", "input"], outputs: ["y"] }] }))).toBe(
      'Conv (node "dyn"): input 1 "input" (weights) is computed by the graph; it must be an initializer',
    );
  });

  it("rejects AveragePool that counts padding", () => {
    const message = importError(
      model({
        nodes: [{ op: "AveragePool", name: "avg", inputs: ["input"], outputs: ["y"], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 } }],
      }),
    );
    expect(message).toContain('AveragePool (node "avg"): count_include_pad = 1 with padding is not supported');
  });
});
