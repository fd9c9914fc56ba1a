// ONNX models that a new user ran into (issue 7): an initializer whose dims disagree with its data,
// non-finite weights, a ReLU on the graph input, a BatchNorm channel that training switched off.
// Input [1, 1, 8, 8], like the bundled digits, so models/digits/calib_x.npy calibrates them.
import { buildModel, floatTensor, type NodeSpec } from "./onnx_builder.js";

const ramp = (n: number, scale = 0.1, offset = 0.5): number[] => Array.from({ length: n }, (_, i) => ((i * 7) % 11) * scale - offset);
const conv = (x: string, y: string): NodeSpec => ({ op: "Conv", name: "conv1", inputs: [x, "conv1.weight"], outputs: [y], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } });
const head: NodeSpec[] = [
  { op: "GlobalAveragePool", name: "gap", inputs: ["c"], outputs: ["g"] },
  { op: "Flatten", name: "flat", inputs: ["g"], outputs: ["f"] },
  { op: "Gemm", name: "fc", inputs: ["f", "fc.weight"], outputs: ["y"], attrs: { transB: 1 } },
];
const fc = floatTensor("fc.weight", [3, 4], ramp(12));
const model = (nodes: NodeSpec[], weights: number[] | ReturnType<typeof floatTensor>, extra: ReturnType<typeof floatTensor>[] = []) =>
  buildModel({
    inputDims: [1, 1, 8, 8],
    outputName: "y",
    nodes: [...nodes, ...head],
    initializers: [Array.isArray(weights) ? floatTensor("conv1.weight", [4, 1, 3, 3], weights) : weights, fc, ...extra],
  });

/** conv1.weight claims dims [1000000, 1000, 3, 3] and holds 3 floats. */
export const dimsDisagree = (): Uint8Array =>
  model([conv("input", "c")], { ...floatTensor("conv1.weight", [3], [0.1, 0.2, 0.3], false), dims: [1000000, 1000, 3, 3] });

/** conv1.weight holds `value` at index 5. */
export function nonFiniteWeight(value: number): Uint8Array {
  const weights = ramp(36);
  weights[5] = value;
  return model([conv("input", "c")], weights);
}

/** Relu → Conv → GlobalAveragePool → Flatten → Gemm: the Relu reads the graph input. */
export const reluOnInput = (): Uint8Array => model([{ op: "Relu", name: "relu0", inputs: ["input"], outputs: ["r"] }, conv("r", "c")], ramp(36));

/** Conv → BatchNormalization → Relu with channel 1 switched off by training (γ 1e-8, σ² 1e-15). */
export const batchNormChannelOff = (): Uint8Array =>
  model(
    [
      conv("input", "c0"),
      { op: "BatchNormalization", name: "bn1", inputs: ["c0", "bn.gamma", "bn.beta", "bn.mean", "bn.var"], outputs: ["c1"] },
      { op: "Relu", name: "relu1", inputs: ["c1"], outputs: ["c"] },
    ],
    ramp(36),
    [
      floatTensor("bn.gamma", [4], [1, 1e-8, 0.5, 2]),
      floatTensor("bn.beta", [4], [0.1, 0.3, -0.2, 0]),
      floatTensor("bn.mean", [4], [0.1, 0.05, 0, -0.1]),
      floatTensor("bn.var", [4], [1, 1e-15, 0.5, 2]),
    ],
  );
