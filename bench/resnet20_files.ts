// Writes the seeded ResNet-20 (CIFAR shapes) as files the CLI reads, to time `addernet pack` and
// `addernet eval --onnx` on a model of real size:
//
//   npx tsx bench/resnet20_files.ts DIR [N]   → DIR/resnet20.onnx, DIR/resnet20_x.npy (N samples,
//                                               NCHW, default 1000), DIR/resnet20_y.npy (labels)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeNpy } from "../src/io/npy.js";
import { buildResNet20, calibrationSamples } from "../src/models/index.js";
import { exportOnnx } from "../src/onnx/export.js";

const [dir, count = "1000"] = process.argv.slice(2);
if (!dir) {
  console.error("usage: npx tsx bench/resnet20_files.ts DIR [N]");
  process.exit(2);
}
const n = Number(count);
const graph = buildResNet20(1);
const { height: H, width: W, channels: C } = graph.inputShape;
const x = new Float32Array(n * C * H * W);
calibrationSamples(graph.inputShape, n, 2024).forEach((sample, i) => {
  for (let c = 0; c < C; c++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++) x[((i * C + c) * H + h) * W + w] = sample[(h * W + w) * C + c]!;
});
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "resnet20.onnx"), exportOnnx(graph));
writeFileSync(join(dir, "resnet20_x.npy"), writeNpy([n, C, H, W], x));
writeFileSync(join(dir, "resnet20_y.npy"), writeNpy([n], Int32Array.from({ length: n }, (_, i) => i % 10)));
console.log(`wrote ${dir}/resnet20.onnx, resnet20_x.npy (${n} samples) and resnet20_y.npy`);
