// addernet zoo: the MLPerf Tiny architectures packed into a folder, and what `run` makes of them.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readModel } from "../../src/format/reader.js";
import { TINY_MODELS, tinyInputs } from "../../src/models/index.js";
import { quantizeInput } from "../../src/quantize/io.js";
import { runReference } from "../../src/reference/interpreter.js";
import { cli, type Result } from "./helpers.js";

let dir: string;
let packed: Result;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "addernet-zoo-"));
  packed = await cli(["zoo", "--out-dir", join(dir, "zoo"), "--models", "ds-cnn,fc-ae", "--json"]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("addernet zoo", () => {
  it("writes each model's multiply and adder files and an input, and prints their figures", () => {
    expect(packed.stderr).toBe("");
    expect(packed.code).toBe(0);
    expect(readdirSync(join(dir, "zoo")).sort()).toEqual([
      "ds-cnn-adder.addn", "ds-cnn-input.npy", "ds-cnn-multiply.addn", "fc-ae-adder.addn", "fc-ae-input.npy", "fc-ae-multiply.addn",
    ]);
    const rows = JSON.parse(packed.stdout) as { model: string; variant: string; fileBytes: number; referenceBytes: number; multiplications: number; additions: number }[];
    expect(rows.map((r) => `${r.model}-${r.variant}`)).toEqual(["ds-cnn-multiply", "ds-cnn-adder", "fc-ae-multiply", "fc-ae-adder"]);
    for (const r of rows) {
      expect(r.fileBytes).toBe(statSync(join(dir, "zoo", `${r.model}-${r.variant}.addn`)).size);
      expect(r.referenceBytes).toBe(TINY_MODELS.find((m) => m.name === r.model)!.referenceBytes);
    }
    // the adder variant multiplies once per output value (its requantization), not once per tap
    const [dsMultiply, dsAdder] = rows;
    expect(dsAdder!.multiplications * 20).toBeLessThan(dsMultiply!.multiplications);
    expect(dsAdder!.additions).toBeGreaterThan(dsMultiply!.additions);
  });

  it("run takes a written model and its input, and gives the reference's output", async () => {
    const model = join(dir, "zoo", "ds-cnn-adder.addn");
    const r = await cli(["run", model, join(dir, "zoo", "ds-cnn-input.npy"), "--layout", "nhwc", "--runtime", "node-scalar", "--json"]);
    expect(r.code).toBe(0);
    const q = readModel(new Uint8Array(readFileSync(model)));
    const input = tinyInputs(TINY_MODELS.find((m) => m.name === "ds-cnn")!.inputShape, 1)[0]!;
    expect((JSON.parse(r.stdout) as { int8: number[] }).int8).toEqual(Array.from(runReference(q, quantizeInput(q, input))));
  });

  it("usage errors exit 2, name the problem and write nothing", async () => {
    const unknown = await cli(["zoo", "--out-dir", join(dir, "none"), "--models", "ds-cnn,lenet"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown model "lenet"; the zoo has ds-cnn, mobilenet-v1, resnet8, fc-ae/);
    expect(existsSync(join(dir, "none"))).toBe(false);
    const missing = await cli(["zoo"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--out-dir DIR is required/);
    const help = await cli(["zoo", "--help"]);
    expect(help.stdout).toMatch(/Usage: addernet zoo/);
  });
});
