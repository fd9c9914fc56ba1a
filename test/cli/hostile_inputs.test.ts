// Hostile ONNX files as `addernet pack` meets them: a clear error naming the tensor or node, exit
// 1, no file left behind; or, for what should work, exit 0 without a warning.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { batchNormChannelOff, dimsDisagree, nonFiniteWeight, reluOnInput } from "../onnx/hostile_models.js";
import { cli, DIGITS } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "addernet-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pack(name: string, onnx: Uint8Array) {
  writeFileSync(join(dir, `${name}.onnx`), onnx);
  const out = join(dir, `${name}.addn`);
  const result = await cli(["pack", join(dir, `${name}.onnx`), "--calib", join(DIGITS, "calib_x.npy"), "-o", out, "--quiet"]);
  return { ...result, wrote: existsSync(out) };
}

describe("addernet pack on hostile inputs", () => {
  it.each([
    ["dims", dimsDisagree(), 'addernet pack: initializer "conv1.weight": dims [1000000, 1000, 3, 3] need 9000000000 values; the tensor holds 3\n'],
    ["nan", nonFiniteWeight(NaN), 'addernet pack: Conv (node "conv1"): weights "conv1.weight" holds NaN at index 5; only finite values can be quantized\n'],
    ["inf", nonFiniteWeight(-Infinity), 'addernet pack: Conv (node "conv1"): weights "conv1.weight" holds -Infinity at index 5; only finite values can be quantized\n'],
  ])("%s: names the tensor, exits 1, writes nothing", async (name, onnx, message) => {
    const before = readdirSync(dir).length;
    const r = await pack(name, onnx);
    expect(r.stderr).toBe(message);
    expect(r.code).toBe(1);
    expect(r.wrote).toBe(false);
    expect(readdirSync(dir).length).toBe(before + 1); // the .onnx only
  });

  it.each([
    ["relu_on_input", reluOnInput()],
    ["batchnorm_channel_off", batchNormChannelOff()],
  ])("%s: packs without a warning", async (name, onnx) => {
    const r = await pack(name, onnx);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.wrote).toBe(true);
  });
});
