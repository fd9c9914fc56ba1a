// addernet eval --onnx runs the float model on a worker thread from the built package and on the
// main thread from the sources: the same figures, and the same error when the float model fails.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildModel, floatTensor } from "../onnx/onnx_builder.js";
import { BUILT_MAIN, builtCli, cli, DIGITS } from "./helpers.js";

let dir: string;
let model: string;

beforeAll(async () => {
  expect(existsSync(BUILT_MAIN), "dist/ missing: npm test builds it first (npm run build)").toBe(true);
  dir = mkdtempSync(join(tmpdir(), "addernet-eval-"));
  model = join(dir, "digits.addn");
  const r = await cli(["pack", join(DIGITS, "digits_adder.onnx"), "--calib", join(DIGITS, "calib_x.npy"), "-o", model, "--quiet"]);
  expect(r.code).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const evalArgs = (onnx: string) => ["eval", model, "--x", join(DIGITS, "test_x.npy"), "--y", join(DIGITS, "test_y.npy"), "--onnx", onnx, "--limit", "150", "--json"];

describe("addernet eval --onnx", () => {
  it("prints the same figures from the built package (worker thread) and the sources", async () => {
    const [built, source] = await Promise.all([builtCli(evalArgs(join(DIGITS, "digits_adder.onnx"))), cli(evalArgs(join(DIGITS, "digits_adder.onnx")))]);
    expect([built.code, source.code]).toEqual([0, 0]);
    const figures = JSON.parse(built.stdout) as { count: number; floatAccuracy: number; meanAbsLogitDelta: number };
    expect(figures.count).toBe(150);
    expect(figures.floatAccuracy).toBeGreaterThan(0.95);
    expect(JSON.parse(source.stdout)).toEqual(figures);
  });

  it("a float model the samples do not fit fails with its message, exit 1, on both", async () => {
    const small = join(dir, "small.onnx");
    writeFileSync(
      small,
      buildModel({
        inputDims: [1, 1, 4, 4],
        outputName: "y",
        nodes: [{ op: "Conv", name: "c", inputs: ["input", "w"], outputs: ["y"], attrs: { kernel_shape: [1, 1] } }],
        initializers: [floatTensor("w", [2, 1, 1, 1], [1, -1])],
      }),
    );
    for (const r of await Promise.all([builtCli(evalArgs(small)), cli(evalArgs(small))])) {
      expect(r.stderr).toBe('addernet eval: graph input "input": expected 16 values (HWC), found 64\n');
      expect(r.code).toBe(1);
    }
  });
});
