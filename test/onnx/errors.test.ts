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
      model({ nodes: [conv("conv_0", "w", "input", "c"), { op: "Sqrt", name: "sqrt_0", inputs: ["c"], outputs: ["y"] }] }),
    );
    expect(message).toMatch(/^unsupported op "Sqrt" \(node "sqrt_0"\); supported: Conv, Gemm, MatMul, BatchNormalization, /);
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

  it("rejects an empty Clip range", () => {
    const message = importError(
      model({
        nodes: [conv("c", "w", "input", "c_out"), { op: "Clip", name: "clip_empty", inputs: ["c_out", "lo", "hi"], outputs: ["y"] }],
        initializers: [weights1x1, floatTensor("lo", [], [5]), floatTensor("hi", [], [0])],
      }),
    );
    expect(message).toBe('Clip (node "clip_empty"): Clip range [5, 0] is empty');
  });

  it("rejects a Softmax over another axis than the channels, naming the axis and the shape", () => {
    const softmax = (attrs: Record<string, number>, opset = 13) =>
      importError(model({ nodes: [{ op: "Softmax", name: "sm", inputs: ["input"], outputs: ["y"], attrs }], opset }));
    expect(softmax({})).toBe('Softmax (node "sm"): a Softmax over axis -1 of [1, 1, 4, 4] is not supported; only over the channels (axis 1)');
    expect(softmax({ axis: 3 }, 11)).toContain("a Softmax over axis 3 of [1, 1, 4, 4] is not supported");
    // before opset 13, axis 1 of a map takes C·H·W values at once
    expect(softmax({ axis: 1 }, 11)).toBe(
      'Softmax (node "sm"): a Softmax over all 16 values of [1, 1, 4, 4] at once (opset 11: axis 1 and every axis after it) ' +
        "is not supported; only over the channels, which before opset 13 means a [1, C] or [1, C, 1, 1] input",
    );
  });

  it("rejects a PRelu slope that varies along another axis than the channels", () => {
    const message = importError(
      model({ nodes: [{ op: "PRelu", name: "pr", inputs: ["input", "slope"], outputs: ["y"] }], initializers: [floatTensor("slope", [4], [0.1, 0.2, 0.3, 0.4])] }),
    );
    expect(message).toBe('PRelu (node "pr"): slope of shape [4] against input [1, 1, 4, 4]: only one slope, or one per channel (axis 1), is supported');
  });

  it("rejects bytes that are not a ModelProto", () => {
    expect(importError(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f))).toMatch(/^not a valid ONNX ModelProto: /);
    expect(importError(new TextEncoder().encode("hello, this is not protobuf"))).toMatch(/^not a valid ONNX ModelProto: /);
    expect(importError(new Uint8Array(0))).toBe("not a valid ONNX ModelProto: the model has no graph");
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

  it("rejects the Pad and Concat forms it does not support, naming what is at fault", () => {
    const pad = (pads: number[], attrs: Record<string, string | number | number[]> = {}) =>
      importError(model({
        nodes: [{ op: "Pad", name: "p", inputs: ["input", "pads"], outputs: ["y"], attrs }],
        initializers: [int64Tensor("pads", [pads.length], pads)],
      }));
    expect(pad([0, 0, -1, 0, 0, 0, 0, 0])).toBe('Pad (node "p"): negative pads (cropping) are not supported: [N 0, 0; C 0, 0; H -1, 0; W 0, 0]');
    expect(pad([0, 1, 0, 0, 0, 0, 0, 0])).toBe('Pad (node "p"): pads on the C axis are not supported (only on H and W), found [1,0]');
    expect(pad([0, 0, 1, 1, 0, 0, 1, 1], { mode: "mirror" })).toBe('Pad (node "p"): mode "mirror" is not supported; supported: constant, edge, reflect, wrap');
    expect(pad([0, 0, 1, 1])).toBe('Pad (node "p"): pads has 4 values; 8 expected (begin and end of 4 axes)');
    expect(pad([0, 0, 256, 0, 0, 0, 0, 0])).toBe('Pad (node "p"): pads [256, 0, 0, 0]: at most 255 rows or columns on a side fit the format');
    const concat = (axis: number) => importError(model({ nodes: [conv("c", "w", "input", "a"), { op: "Concat", name: "cat", inputs: ["a", "input"], outputs: ["y"], attrs: { axis } }] }));
    expect(concat(2)).toBe('Concat (node "cat"): axis 2 is not supported; only channels (axis 1) of [1, C, H, W] maps or [1, F] vectors');
    expect(
      importError(model({
        nodes: [conv("c", "w", "input", "a"), { op: "Flatten", name: "f", inputs: ["a"], outputs: ["v"], attrs: { axis: 1 } }, { op: "Concat", name: "cat", inputs: ["v", "v"], outputs: ["y"], attrs: { axis: 1 } }],
      })),
    ).toBe('Concat (node "cat"): input "v" is a flattened feature map (NHWC order in the engine); concatenating it is not supported');
  });
});
