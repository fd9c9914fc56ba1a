// The PyTorch-trained digits models (models/digits/): int8 accuracy of the quantized AdderNet and
// CNN on the 450 test images against the float accuracy, with and without folding.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { npyToFloat32, npyToInt32, readNpy } from "../../src/io/npy.js";
import { importOnnx } from "../../src/onnx/index.js";
import { runFloat } from "../../src/graph/float_reference.js";
import type { Graph } from "../../src/graph/ir.js";
import type { QModel } from "../../src/format/model.js";
import { runReference } from "../../src/reference/interpreter.js";
import { type CalibrationMethod } from "../../src/quantize/calibrate.js";
import { dequantizeOutput, quantizeInput } from "../../src/quantize/io.js";
import { formatQuantizationReport, quantizeGraph } from "../../src/quantize/quantize.js";

const dir = new URL("../../models/digits/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir));

/** NCHW [n,1,8,8] images; with one channel NCHW and NHWC bytes coincide. */
function images(name: string): Float32Array[] {
  const array = readNpy(read(name));
  const [count, channels, height, width] = array.shape as [number, number, number, number];
  expect(channels).toBe(1);
  const data = npyToFloat32(array);
  const size = height * width;
  return Array.from({ length: count }, (_, i) => data.slice(i * size, (i + 1) * size));
}

const argmax = (v: ArrayLike<number>): number => {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k]! > v[best]!) best = k;
  return best;
};

const testX = images("test_x.npy");
const testY = npyToInt32(readNpy(read("test_y.npy")));
const calibX = images("calib_x.npy");

function accuracy(classify: (x: Float32Array) => ArrayLike<number>): number {
  let correct = 0;
  testX.forEach((x, i) => {
    if (argmax(classify(x)) === testY[i]) correct++;
  });
  return correct / testX.length;
}

const int8Accuracy = (model: QModel) => accuracy((x) => dequantizeOutput(model, runReference(model, quantizeInput(model, x))));

describe.each(["digits_adder.onnx", "digits_cnn.onnx"])("%s on the 450 test digits", (file) => {
  const graph: Graph = importOnnx(read(file));
  const floatAccuracy = accuracy((x) => runFloat(graph, x));

  it("int8 accuracy stays within 1 point of float (min/max and percentile calibration); clamping without folding fails", () => {
    const lines = [`${file}: float ${(100 * floatAccuracy).toFixed(2)}%`];
    const methods: CalibrationMethod[] = ["minmax", { percentile: 99.99 }];
    for (const method of methods) {
      const { model, report } = quantizeGraph(graph, calibX, { method });
      const acc = int8Accuracy(model);
      lines.push(`  int8 (${typeof method === "string" ? method : `percentile ${method.percentile}`}): ${(100 * acc).toFixed(2)}%`);
      if (method === "minmax") lines.push(formatQuantizationReport(report));
      expect(acc).toBeGreaterThanOrEqual(floatAccuracy - 0.01);
    }
    if (file.includes("adder")) {
      const dropped = int8Accuracy(quantizeGraph(graph, calibX, { foldClampedWeights: false }).model);
      lines.push(`  int8 without folding (clamp only): ${(100 * dropped).toFixed(2)}%`);
      expect(dropped).toBeLessThan(floatAccuracy - 0.3);
    }
    console.log(lines.join("\n"));
  });
});
