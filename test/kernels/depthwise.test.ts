// The depthwise ops against the reference, byte for byte, on both kernel builds and flavours, one
// test per edge of their channel-parallel loops (16 channels a v128, 4 an i32 in the scalar
// build): channel counts below, at and past those widths, strides, dilation, pads, windows that
// are mostly or only padding, windows that fill the adder's 16-bit lanes, and stream blocks of
// every size (a block's weights are one slice per kernel tap).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OP_RECORD_SIZE, TENSOR_RECORD_SIZE } from "../../src/format/constants.js";
import type { Geometry, OpKind, QModel } from "../../src/format/model.js";
import { packModel } from "../../src/format/writer.js";
import { Rng } from "../../src/models/random.js";
import { resizeKernel } from "../../src/modulegen/index.js";
import { blockBytes, streamArena } from "../../src/plan/stream.js";
import { runReference } from "../../src/reference/interpreter.js";
import { compileKernel, KERNEL_BUILDS, KERNEL_FLAVOURS, KernelInstance, kernelWasmPath } from "../../src/runtime/kernel.js";
import { convLayerModel, randomInt8, SAME_3X3, UNIT } from "./models.js";

const KINDS: readonly OpKind[] = ["depthwise_conv2d", "adder_depthwise_conv2d"];
const BUILD_FLAVOURS = KERNEL_BUILDS.flatMap((build) => KERNEL_FLAVOURS.map((flavour) => [build, flavour] as const));

const window = (k: [number, number], pads: [number, number, number, number], more: Partial<Geometry> = {}): Geometry => ({
  ...UNIT, kernelH: k[0], kernelW: k[1], padTop: pads[0], padLeft: pads[1], padBottom: pads[2], padRight: pads[3], ...more,
});

/** [name, H, W, C, geometry]: each an edge of the loops. */
const EDGES: [string, number, number, number, Geometry][] = [
  ["channels_1", 6, 7, 1, SAME_3X3],
  ["channels_lt_4", 6, 5, 3, SAME_3X3],
  ["channels_eq_4", 5, 5, 4, SAME_3X3],
  ["channels_lt_16", 6, 6, 13, SAME_3X3],
  ["channels_eq_16", 5, 6, 16, SAME_3X3],
  ["channels_gt_16", 6, 5, 17, SAME_3X3],
  ["channels_div_16", 5, 5, 64, SAME_3X3],
  ["channels_gt_32", 4, 6, 33, SAME_3X3],
  ["stride_2", 9, 8, 17, window([3, 3], [1, 1, 1, 1], { strideH: 2, strideW: 2 })],
  ["dilation_2", 8, 9, 13, window([3, 3], [2, 2, 2, 2], { dilationH: 2, dilationW: 2 })],
  ["dilation_w_only", 7, 9, 5, window([3, 3], [1, 2, 1, 2], { dilationW: 2 })],
  ["asymmetric_pads", 7, 6, 19, window([3, 3], [0, 2, 1, 0])],
  ["kernel_5x5", 8, 8, 21, window([5, 5], [2, 2, 2, 2])],
  ["kernel_3x1", 6, 5, 18, window([3, 1], [1, 0, 1, 0])],
  ["kernel_1x1", 4, 4, 35, UNIT],
  ["border_only", 2, 2, 17, window([5, 5], [2, 2, 2, 2])],
  ["window_all_padding", 2, 3, 6, window([1, 1], [1, 1, 1, 1])],
  ["window_gt_256_taps", 17, 18, 7, window([17, 17], [1, 0, 0, 1])],
];

/** One kernel instance per build and flavour (arena flavour: the default 4 MiB kernel). */
const kernels = new Map<string, Promise<KernelInstance>>();
const kernel = (build: (typeof KERNEL_BUILDS)[number], flavour: (typeof KERNEL_FLAVOURS)[number]) => {
  const key = `${build}/${flavour}`;
  if (!kernels.has(key)) kernels.set(key, compileKernel(build, undefined, flavour).then((m) => KernelInstance.create(build, m)));
  return kernels.get(key)!;
};

function expectReferenceBytes(k: KernelInstance, model: QModel, input: Int8Array, what: string): void {
  k.load(packModel(model));
  expect(Array.from(k.run(input)), what).toEqual(Array.from(runReference(model, input)));
}

describe.each(BUILD_FLAVOURS)("%s %s kernel, depthwise edges", (build, flavour) => {
  it.each(EDGES)("%s", async (name, H, W, C, g) => {
    const k = await kernel(build, flavour);
    const rng = new Rng(EDGES.findIndex((e) => e[0] === name) * 31 + 5);
    for (const kind of KINDS) {
      for (let trial = 0; trial < 3; trial++) {
        const model = convLayerModel(rng, kind, H, W, C, C, g);
        model.tensors[0]!.zeroPoint = rng.pick([-128, 127, rng.int(-128, 127)]);
        expectReferenceBytes(k, model, randomInt8(rng, H * W * C, trial === 2 ? 0.5 : 0.05), `${kind} trial ${trial}`);
      }
    }
  });

  // Every tap |x − w| = 255 (adder) or (x − z_x)·w = 255·(−128) (multiply): a bias cancelling the
  // exact sum gives z_out, and a lane that wrapped gives a clamped byte instead.
  it.each([
    ["u16_lanes_full_16x16", 16, 16],
    ["u16_lanes_past_full_17x16", 17, 16],
    ["row_of_255_taps_2x255", 2, 255],
  ] as const)("%s", async (_name, kh, kw) => {
    const k = await kernel(build, flavour);
    for (const kind of KINDS) {
      const C = 19;
      const model = convLayerModel(new Rng(kh * kw), kind, kh, kw, C, C, window([kh, kw], [0, 0, 0, 0]));
      const op = model.ops[0]!;
      const adder = kind.startsWith("adder");
      model.tensors[0]!.zeroPoint = -128;
      model.tensors[1]!.zeroPoint = 3;
      op.weights!.fill(adder ? 127 : -128);
      const sum = kh * kw * (adder ? -255 : 255 * -128);
      Object.assign(op, { shift: 1, actMin: -128, actMax: 127, bias: new Int32Array(C).fill(-sum), mult: new Int32Array(C).fill(1) });
      const input = new Int8Array(kh * kw * C).fill(127);
      if (adder) input.fill(-128);
      expectReferenceBytes(k, model, input, kind);
      expect(Array.from(runReference(model, input))).toEqual(Array(C).fill(3));
    }
  });
});

/** What invoke() reads of a one-op model besides the parameters: the op's record, then its input's and output's. */
const RECORDS = { reads: 3, bytes: OP_RECORD_SIZE + 2 * TENSOR_RECORD_SIZE };

describe.each(KERNEL_BUILDS)("%s stream kernel, depthwise blocks of F channels", (build) => {
  it.each([1, 2, 3, 4, 8, 16, 20, 36, 37])("F = %i of 37 channels: the reference's bytes, one slice per tap and block", async (F) => {
    const C = 37;
    for (const kind of KINDS) {
      const rng = new Rng(F * 7 + kind.length);
      const model = convLayerModel(rng, kind, 5, 6, C, C, window([3, 2], [1, 0, 1, 1], { strideW: 2 }));
      const taps = 3 * 2;
      const arena = streamArena(model, blockBytes(F, taps)).arenaBytes;
      const k = await KernelInstance.create(build, await compileKernel(build, resizeKernel(readFileSync(kernelWasmPath(build, "stream")), arena)));
      const input = randomInt8(rng, 5 * 6 * C);
      k.load(packModel(model));
      k.streamed.reads = k.streamed.bytes = 0;
      expect(Array.from(k.run(input)), kind).toEqual(Array.from(runReference(model, input)));
      // besides the op's record and its two tensors' records (docs/ABI.md), every parameter byte
      // once: per block bias, multipliers and one slice per tap (one slice in all for a single
      // block), at most as many blocks as F a block gives
      expect(k.streamed.bytes - RECORDS.bytes).toBe(C * taps + 8 * C);
      const reads = k.streamed.reads - RECORDS.reads;
      const blocks = reads / (taps + 2);
      if (F === 37) expect(reads).toBe(3);
      else if (F === 36) expect(reads).toBe(2 * (taps + 2));
      else expect(Number.isInteger(blocks) && blocks > 1 && blocks <= Math.ceil(C / F), `${reads} parameter reads`).toBe(true);
    }
  });
});
