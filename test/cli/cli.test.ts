// The addernet CLI as a user runs it: a real process, its exit code, its stdout/stderr and the
// files it leaves behind.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readModel } from "../../src/format/reader.js";
import { runReference } from "../../src/reference/interpreter.js";
import { quantizeInput } from "../../src/quantize/io.js";
import { readNpy, npyToFloat32, writeNpy } from "../../src/io/npy.js";
import { fromNhwc, toNhwc } from "../../src/io/layout.js";
import { runFloat } from "../../src/graph/float_reference.js";
import { importOnnx } from "../../src/onnx/index.js";
import { buildModel, floatTensor } from "../onnx/onnx_builder.js";
import { cli, DIGITS, ROOT, type Result } from "./helpers.js";

let dir: string;
let model: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "addernet-cli-"));
  model = join(dir, "digits.addn");
  const r = await cli(["pack", join(DIGITS, "digits_adder.onnx"), "--calib", join(DIGITS, "calib_x.npy"), "-o", model, "--module", "simd", "--quiet"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("addernet CLI", () => {
  it("pack writes a valid model and a right-sized module", async () => {
    const m = readModel(new Uint8Array(readFileSync(model)));
    expect(m.ops.map((op) => op.kind)).toContain("adder_conv2d");
    const wasm = readFileSync(join(dir, "digits.simd.wasm"));
    expect((await cli(["pack", "--help"])).stdout).toContain("-o digits.addn → digits.simd.wasm"); // the help says what it wrote
    expect(WebAssembly.Module.imports(new WebAssembly.Module(wasm))).toEqual([]);
  });

  it("run prints the same int8 output as the reference interpreter", async () => {
    const r = await cli(["run", model, join(DIGITS, "test_x.npy"), "--index", "3", "--json"]);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as { int8: number[]; argmax: number };
    const m = readModel(new Uint8Array(readFileSync(model)));
    const x = npyToFloat32(readNpy(new Uint8Array(readFileSync(join(DIGITS, "test_x.npy"))))).subarray(3 * 64, 4 * 64);
    expect(printed.int8).toEqual(Array.from(runReference(m, quantizeInput(m, Float32Array.from(x)))));
  });

  it("run writes raw int8 output bytes with --out, for every sample of the batch", async () => {
    const out = join(dir, "out.bin");
    const r = await cli(["run", model, join(DIGITS, "test_x.npy"), "--runtime", "node-scalar", "-o", out]);
    expect(r.code).toBe(0);
    expect(readFileSync(out).length).toBe(450 * 10);
    expect(r.stdout.match(/^sample \d+:$/gm)).toHaveLength(450);
  });

  it("a model exported with a batch of 2: pack says so once, run feeds each sample and writes the outputs in the model's layout", async () => {
    const [C, H, W, M] = [3, 5, 4, 4];
    const onnx = join(dir, "batch2.onnx");
    writeFileSync(
      onnx,
      buildModel({
        inputDims: [2, C, H, W],
        outputName: "y",
        nodes: [{ op: "Conv", name: "conv", inputs: ["input", "w"], outputs: ["y"], attrs: { kernel_shape: [3, 3] } }],
        initializers: [floatTensor("w", [M, C, 3, 3], Array.from({ length: M * C * 9 }, (_, i) => ((i * 7) % 13) / 13 - 0.5))],
      }),
    );
    const x = Float32Array.from({ length: 2 * C * H * W }, (_, i) => ((i * 5) % 17) / 8 - 1);
    const input = join(dir, "batch2_x.npy");
    writeFileSync(input, writeNpy([2, C, H, W], x));
    const packed = join(dir, "batch2.addn");
    const pack = await cli(["pack", onnx, "--calib", input, "-o", packed, "--quiet"]);
    expect(pack.code).toBe(0);
    expect(pack.stderr).toBe('warning: graph input "input" has a fixed batch of 2: imported as a model of one sample (run it on each sample)\n');

    const out = join(dir, "batch2_y.npy");
    const r = await cli(["run", packed, input, "-o", out, "--json"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { sample: number; dims: number[]; values: number[] });
    expect(lines.map((l) => [l.sample, l.dims])).toEqual([[0, [1, M, 3, 2]], [1, [1, M, 3, 2]]]);
    const written = readNpy(new Uint8Array(readFileSync(out)));
    expect(written.shape).toEqual([2, M, 3, 2]);
    // The float model's outputs, in NCHW order, per sample.
    const graph = importOnnx(new Uint8Array(readFileSync(onnx)));
    const shape = { height: H, width: W, channels: C };
    const expected = [0, 1].flatMap((n) => Array.from(fromNhwc(runFloat(graph, toNhwc(x.subarray(n * 60, n * 60 + 60), shape, "nchw")), { height: 3, width: 2, channels: M }, "nchw")));
    const range = Math.max(...expected) - Math.min(...expected);
    const got = npyToFloat32(written);
    expected.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(0.02 * range));
    expect(lines.flatMap((l) => l.values)).toEqual(Array.from(got));

    // --layout nhwc: an NHWC input, NHWC outputs; --index picks one sample.
    const nhwcInput = join(dir, "batch2_x_nhwc.npy");
    writeFileSync(nhwcInput, writeNpy([2, H, W, C], Float32Array.from([0, 1].flatMap((n) => Array.from(toNhwc(x.subarray(n * 60, n * 60 + 60), shape, "nchw"))))));
    const nhwcOut = join(dir, "batch2_y_nhwc.npy");
    expect((await cli(["run", packed, nhwcInput, "--layout", "nhwc", "--index", "1", "-o", nhwcOut])).code).toBe(0);
    const one = readNpy(new Uint8Array(readFileSync(nhwcOut)));
    expect(one.shape).toEqual([1, 3, 2, M]);
    expect(Array.from(fromNhwc(npyToFloat32(one), { height: 3, width: 2, channels: M }, "nchw"))).toEqual(Array.from(got.subarray(24)));
  });

  it("eval reports float and int8 accuracy", async () => {
    const r = await cli(["eval", model, "--x", join(DIGITS, "test_x.npy"), "--y", join(DIGITS, "test_y.npy"), "--onnx", join(DIGITS, "digits_adder.onnx"), "--limit", "100", "--json"]);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as { count: number; int8Accuracy: number; floatAccuracy: number };
    expect(e.count).toBe(100);
    expect(e.floatAccuracy).toBeGreaterThan(0.95);
    expect(e.int8Accuracy).toBeGreaterThan(0.95);
  });

  it("inspect shows layers, arena and byte budget", async () => {
    const r = await cli(["inspect", model]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/adder_conv2d/);
    expect(r.stdout).toMatch(/lower bound \d+ bytes/);
    expect(r.stdout).toMatch(/linear memory on WAMR/);
  });

  it("--help works for the tool and each command", async () => {
    for (const args of [["--help"], ["pack", "--help"], ["run", "--help"], ["eval", "--help"], ["bench", "--help"], ["inspect", "--help"], ["demo", "--help"]]) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/Usage: addernet/);
    }
  });

  it("usage errors exit 2 and name the problem", async () => {
    expect((await cli([])).code).toBe(2);
    const unknown = await cli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    const missing = await cli(["pack", join(DIGITS, "digits_adder.onnx")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing --calib/);
    const badOption = await cli(["run", model, "x.bin", "--runtime", "nope"]);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/unknown runtime "nope"/);
  });

  it("a corrupt model is an error naming the field and offset, without a stack trace", async () => {
    const bytes = new Uint8Array(readFileSync(model));
    bytes[20] ^= 0xff; // inside the CRC-covered header
    const bad = join(dir, "bad.addn");
    writeFileSync(bad, bytes);
    const r = await cli(["run", bad, join(DIGITS, "test_x.npy")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BAD_CRC at byte 12/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const verbose = await cli(["run", bad, join(DIGITS, "test_x.npy"), "--verbose"]);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it("an input of the wrong size is an error naming expected and found", async () => {
    const input = join(dir, "short.bin");
    writeFileSync(input, new Uint8Array(63));
    const r = await cli(["run", model, input]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/expected 64 int8 bytes .* found 63/);
  });

  it("an unsupported ONNX op fails with its name and leaves no output file", async () => {
    const onnx = join(dir, "sqrt.onnx");
    writeFileSync(
      onnx,
      buildModel({
        inputDims: [1, 1, 8, 8],
        outputName: "y",
        nodes: [{ op: "Sqrt", name: "sqrt_0", inputs: ["input"], outputs: ["y"] }],
        initializers: [floatTensor("unused", [1], [0])],
      }),
    );
    const before = readdirSync(dir).length;
    const r = await cli(["pack", onnx, "--calib", join(DIGITS, "calib_x.npy"), "-o", join(dir, "sqrt.addn")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unsupported op "Sqrt" \(node "sqrt_0"\)/);
    expect(existsSync(join(dir, "sqrt.addn"))).toBe(false);
    expect(readdirSync(dir).length).toBe(before);
  });
});

describe("examples", () => {
  it("the README's quickstart runs against the built package and matches the reference", async () => {
    const dist = join(ROOT, "dist/index.js");
    expect(existsSync(dist), "dist/ missing: npm test builds it first (npm run build)").toBe(true);
    const out = await new Promise<Result>((resolve) =>
      execFile(process.execPath, [join(ROOT, "examples/node/quickstart.mjs")], { cwd: ROOT }, (error, stdout, stderr) =>
        resolve({ code: error ? 1 : 0, stdout, stderr }),
      ),
    );
    expect(out.stderr).toBe("");
    expect(out.stdout).toMatch(/kernel output equals the reference interpreter: true/);
  });
});
