// The committed PyTorch-trained digits models: structure after import, and float logits of the
// float reference against the logits PyTorch computed (models/digits/test_logits*_ref.npy).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ConvNode, DenseNode } from "../../src/graph/ir.js";
import { runFloat } from "../../src/graph/float_reference.js";
import { npyToFloat32, npyToInt32, readNpy } from "../../src/io/npy.js";
import { importOnnx } from "../../src/onnx/index.js";

const dir = new URL("../../models/digits/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir));
const accuracy = JSON.parse(read("float_accuracy.json").toString("utf8")) as Record<string, { test_accuracy: number }>;

const testX = readNpy(read("test_x.npy"));
const testY = npyToInt32(readNpy(read("test_y.npy")));
const [count, channels, height, width] = testX.shape;
const pixels = npyToFloat32(testX);

/** Test image i as NHWC (the files are NCHW; with one channel the bytes are the same, but convert anyway). */
function imageNhwc(i: number): Float32Array {
  const out = new Float32Array(channels * height * width);
  const base = i * out.length;
  for (let c = 0; c < channels; c++)
    for (let h = 0; h < height; h++) for (let w = 0; w < width; w++) out[(h * width + w) * channels + c] = pixels[base + (c * height + h) * width + w];
  return out;
}

const cases = [
  { net: "adder", file: "digits_adder.onnx", logits: "test_logits_ref.npy", middle: "adder_conv2d" },
  { net: "cnn", file: "digits_cnn.onnx", logits: "test_logits_cnn_ref.npy", middle: "conv2d" },
] as const;

describe.each(cases)("$file", ({ net, file, logits, middle }) => {
  const graph = importOnnx(read(file));

  it("imports as conv + 2 middle layers (BN and ReLU folded) + global pool + dense (the Flatten of the pooled 1×1 map is another name for it)", () => {
    expect(testX.shape).toEqual([450, 1, 8, 8]);
    expect(graph.inputShape).toEqual({ height: 8, width: 8, channels: 1 });
    expect(graph.inputName).toBe("input");
    expect(graph.outputName).toBe("logits");
    expect(graph.nodes.map((n) => [n.op, n.activation])).toEqual([
      ["conv2d", "relu"],
      [middle, "relu"],
      [middle, "relu"],
      ["global_avg_pool", "none"],
      ["dense", "none"],
    ]);
    const convs = graph.nodes.slice(0, 3) as ConvNode[];
    expect(convs.map((n) => [n.outChannels, n.weights.length, n.stride[0], n.pads[0], n.batchNorm !== undefined, n.bias])).toEqual([
      [16, 16 * 1 * 9, 1, 1, true, undefined],
      [32, 32 * 16 * 9, 2, 1, true, undefined],
      [32, 32 * 32 * 9, 1, 1, true, undefined],
    ]);
    const dense = graph.nodes[4] as DenseNode;
    expect([dense.outFeatures, dense.weights.length, dense.bias?.length]).toEqual([10, 320, 10]);
  });

  it("reproduces PyTorch's float logits and accuracy", () => {
    const reference = npyToFloat32(readNpy(read(logits)));
    let correct = 0;
    let worst = 0;
    for (let i = 0; i < count; i++) {
      const out = runFloat(graph, imageNhwc(i));
      const ref = reference.subarray(i * 10, i * 10 + 10);
      const scale = Math.max(1, ...Array.from(ref, Math.abs));
      for (let k = 0; k < 10; k++) worst = Math.max(worst, Math.abs(out[k] - ref[k]) / scale);
      const predicted = out.indexOf(Math.max(...out));
      if (predicted === testY[i]) correct++;
    }
    console.log(`digits_${net}: float reference accuracy ${correct}/${count}, worst logit error ${worst.toExponential(2)} of the row's largest |logit|`);
    expect(worst).toBeLessThan(1e-4);
    expect(correct / count).toBe(accuracy[net].test_accuracy);
  });
});
