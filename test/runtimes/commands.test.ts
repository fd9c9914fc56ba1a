// The command-line faces: the WASI command under wasmtime and the harness CLI fail with a
// message and a distinct exit code, never a trap, on bad input.
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packModel } from "../../src/format/writer.js";
import { buildDigitsNet, calibrationSamples } from "../../src/models/index.js";
import { quantizeInput } from "../../src/quantize/io.js";
import { quantize } from "../../src/pipeline.js";
import { runReference } from "../../src/reference/interpreter.js";
import { findHarness } from "../../src/runtime/harness.js";
import { kernelWasmPath } from "../../src/runtime/kernel.js";
import { findTool } from "../../src/runtime/tools.js";
import { wasiModulePath } from "../../src/runtime/wasmtime.js";
import { EXIT_FAILURE, EXIT_INPUT, EXIT_LOAD, EXIT_OK, EXIT_USAGE } from "../../src/format/constants.js";

const IN_CI = process.env.CI === "true";
const ARENA_BYTES = 4 << 20; // scripts/build-wasm.mjs's default
const wasmtime = await findTool("wasmtime", "ADDERNET_WASMTIME");
const harness = await findHarness();

const graph = buildDigitsNet(5);
const qmodel = quantize(graph, calibrationSamples(graph.inputShape, 8, 51));
const model = packModel(qmodel);
const input = quantizeInput(qmodel, calibrationSamples(graph.inputShape, 1, 52)[0]!);
const expected = runReference(qmodel, input);

function run(file: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

function inTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "addernet-cmd-"));
  writeFileSync(join(dir, "model.addn"), model);
  writeFileSync(join(dir, "in.bin"), input);
  const bad = model.slice();
  bad[bad.length - 1] ^= 1; // CRC mismatch
  writeFileSync(join(dir, "bad.addn"), bad);
  writeFileSync(join(dir, "short.bin"), input.subarray(1));
  writeFileSync(join(dir, "big.addn"), new Uint8Array(ARENA_BYTES + 16)); // past the generic kernels' arena
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

describe.skipIf(!wasmtime && !IN_CI)("WASI command (wasmtime run)", () => {
  const wasi = (dir: string, ...args: string[]) => run(wasmtime!, ["run", "--dir=.", wasiModulePath("simd"), ...args], dir);

  it("runs a model from files: output equals the reference; absolute paths under a preopen work too", () =>
    inTempDir(async (dir) => {
      expect(wasmtime, "wasmtime must be installed in CI").toBeDefined();
      expect((await wasi(dir, "model.addn", "in.bin", "out.bin")).code).toBe(0);
      expect(new Int8Array(readFileSync(join(dir, "out.bin")))).toEqual(expected);
      const abs = await run(wasmtime!, ["run", `--dir=${dir}`, wasiModulePath("scalar"), join(dir, "model.addn"), join(dir, "in.bin"), join(dir, "out2.bin")], dir);
      expect(abs.code, abs.stderr).toBe(0);
      expect(new Int8Array(readFileSync(join(dir, "out2.bin")))).toEqual(expected);
    }));

  it("with a repeat count, times the extra inferences and prints repeat= and mean_ns=; the output is unchanged", () =>
    inTempDir(async (dir) => {
      const result = await wasi(dir, "model.addn", "in.bin", "out.bin", "5");
      expect(result.code, result.stderr).toBe(EXIT_OK);
      expect(result.stdout).toMatch(/^repeat=5\nmean_ns=[1-9]\d*\nstatus=0\noutput_size=10\n$/);
      expect(new Int8Array(readFileSync(join(dir, "out.bin")))).toEqual(expected);
    }));

  it.each([
    ["a corrupt model", ["bad.addn", "in.bin", "out.bin"], EXIT_LOAD, "status=-5\nerror_offset=12\n", /load failed: bad.addn: status -5 at byte offset 12/],
    ["an input of the wrong size", ["model.addn", "short.bin", "out.bin"], EXIT_INPUT, "", /must hold exactly 64 bytes/],
    ["a model larger than the arena", ["big.addn", "in.bin", "out.bin"], EXIT_LOAD, "status=-14\nerror_offset=-1\n", /big.addn is larger than the arena/],
    ["a missing file", ["nope.addn", "in.bin", "out.bin"], EXIT_FAILURE, "", /cannot open nope.addn/],
    ["missing arguments", ["model.addn"], EXIT_USAGE, "", /usage: addernet-wasi/],
  ])("%s: the shared exit code, key=value results on stdout, a message on stderr", (_name, args, code, stdout, message) =>
    inTempDir(async (dir) => {
      const result = await wasi(dir, ...(args as string[]));
      expect(result.code).toBe(code);
      expect(result.stdout).toBe(stdout);
      expect(result.stderr).toMatch(message as RegExp);
    }));
});

describe.skipIf(!harness && !IN_CI)("addernet-harness", () => {
  const harnessRun = (dir: string, runtime: string, modelFile: string, inputFile: string) =>
    run(harness!, ["run", "--runtime", runtime, "--module", kernelWasmPath("scalar"), "--model", modelFile, "--input", inputFile, "--output", "out.bin"], dir);

  it.each(["wamr", "wasmi", "wasm3"])("%s: a corrupt model exits EXIT_LOAD with status and error_offset", (runtime) =>
    inTempDir(async (dir) => {
      expect(harness, "addernet-harness must be installed in CI").toBeDefined();
      const result = await harnessRun(dir, runtime, "bad.addn", "in.bin");
      expect(result.code).toBe(EXIT_LOAD);
      expect(result.stdout).toContain("status=-5\nerror_offset=12");
    }));

  it("a good run prints key=value results; a wrong-sized input, an unknown runtime and a missing file get the shared exit codes", () =>
    inTempDir(async (dir) => {
      const ok = await harnessRun(dir, "wasm3", "model.addn", "in.bin");
      expect(ok.code).toBe(EXIT_OK);
      expect(ok.stdout).toMatch(/^status=0\noutput_size=10\nmemory_bytes=\d+\npeak_rss_kib=\d+\n$/);
      const short = await harnessRun(dir, "wamr", "model.addn", "short.bin");
      expect(short.code).toBe(EXIT_INPUT);
      expect(short.stderr).toMatch(/input has 63 bytes, the model expects input_size\(\)=64/);
      const unknown = await harnessRun(dir, "v8", "model.addn", "in.bin");
      expect(unknown.code).toBe(EXIT_USAGE);
      expect(unknown.stderr).toMatch(/runtime `v8` is not compiled in/);
      const missing = await harnessRun(dir, "wamr", "nope.addn", "in.bin");
      expect(missing.code).toBe(EXIT_FAILURE);
      expect(missing.stderr).toMatch(/cannot read --model nope.addn/);
    }));
});
