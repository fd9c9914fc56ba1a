// PAD and CONCAT on both kernel builds and flavours, each path of the kernels on purpose: every
// pad mode with pads past the map; a concat input copied, copied in place (nothing done),
// rescaled apart or in place, written by a strided conv, a one-pixel map in place (the model
// input among them), an input listed twice.
import { beforeAll, describe, expect, it } from "vitest";
import type { QModel, QOp } from "../../src/format/model.js";
import { PAD_MODES } from "../../src/format/model.js";
import { packModel } from "../../src/format/writer.js";
import { Rng } from "../../src/models/random.js";
import { runReference } from "../../src/reference/interpreter.js";
import { runInArena } from "../../src/reference/arena.js";
import { compileKernel, KERNEL_BUILDS, KERNEL_FLAVOURS, KernelInstance } from "../../src/runtime/kernel.js";
import { assignOffsets, randomInt8, tensor, UNIT } from "./models.js";

const rng = new Rng(2024);

/** A one-op pad model: H×W×C, pads [top, left, bottom, right]. */
function padModel(h: number, w: number, c: number, pads: number[], padMode: QOp["padMode"]): QModel {
  const [padTop, padLeft, padBottom, padRight] = pads as [number, number, number, number];
  const z = rng.int(-128, 127);
  const tensors = [tensor({ height: h, width: w, channels: c }, z), tensor({ height: h + padTop + padBottom, width: w + padLeft + padRight, channels: c }, z)];
  const op: QOp = { kind: "pad", ...UNIT, padTop, padLeft, padBottom, padRight, input0: 0, output: 1, actMin: -128, actMax: 127, shift: 0, padValue: rng.int(-128, 127), padMode };
  return assignOffsets({ tensors, ops: [op], input: 0, output: 1, activationBytes: 0 });
}

/**
 * Input H×W×3 → conv 1×1 to 4 channels (tensor 1) → concat(`list`) (tensor 2 = [1, 0, 1]-style
 * lists of tensors 0 and 1); `layout` places tensors: "apart" each in its own slot, or "in place"
 * with the conv writing its slice (stride when H·W > 1) and, for a one-pixel map, the model input
 * in its slice too. `copied` puts tensor 1 on the output's grid with mult 2^shift.
 */
function concatModel(h: number, w: number, list: number[], layout: "apart" | "in place", copied: boolean): QModel {
  const shape = { height: h, width: w, channels: 3 };
  const tensors = [tensor(shape, rng.int(-100, 100)), tensor({ ...shape, channels: 4 }, rng.int(-100, 100))];
  const channels = list.reduce((sum, t) => sum + tensors[t]!.channels, 0);
  tensors.push(tensor({ ...shape, channels }, copied ? tensors[1]!.zeroPoint : rng.int(-100, 100)));
  const shift = 20;
  const conv: QOp = {
    kind: "conv2d", ...UNIT, input0: 0, output: 1, actMin: -128, actMax: 127, shift: 24,
    weights: randomInt8(rng, 12), bias: Int32Array.from({ length: 4 }, () => rng.int(-500, 500)), mult: Int32Array.from({ length: 4 }, () => rng.int(1, 3) << 16),
  };
  const mults = list.map((t) => (t === 1 && copied ? 2 ** shift : Math.round(rng.uniform(-1.2, 1.2) * 2 ** shift)));
  const concat: QOp = { kind: "concat", ...UNIT, input0: list[0]!, inputs: list, output: 2, actMin: -128, actMax: 127, shift, mults };
  const model = assignOffsets({ tensors, ops: [conv, concat], input: 0, output: 2, activationBytes: 0 });
  if (layout === "in place") {
    const out = model.tensors[2]!;
    let channel = 0;
    for (const t of list) {
      const once = list.indexOf(t) === list.lastIndexOf(t);
      if (once && (t === 1 || h * w === 1)) model.tensors[t]!.offset = out.offset + channel;
      channel += model.tensors[t]!.channels;
    }
    if (h * w > 1 && list.indexOf(1) === list.lastIndexOf(1) && model.tensors[1]!.offset !== 0) conv.outputStride = out.channels;
  }
  return model;
}

const CONCATS: [string, QModel][] = [
  ["copied, apart", concatModel(3, 5, [1, 0], "apart", true)],
  ["copied in place by a strided conv", concatModel(3, 5, [0, 1], "in place", true)],
  ["rescaled in place", concatModel(4, 2, [1, 0], "in place", false)],
  ["rescaled apart", concatModel(2, 3, [0, 1], "apart", false)],
  ["one pixel, every input in place (the model input too)", concatModel(1, 1, [1, 0], "in place", false)],
  ["one pixel, copied in place", concatModel(1, 1, [0, 1], "in place", true)],
  ["an input listed twice", concatModel(3, 3, [1, 0, 1], "in place", true)],
];

describe.each(KERNEL_BUILDS.flatMap((b) => KERNEL_FLAVOURS.map((f) => [b, f] as const)))("%s %s kernel", (build, flavour) => {
  let k: KernelInstance;
  beforeAll(async () => {
    k = await KernelInstance.create(build, await compileKernel(build, undefined, flavour));
  });

  it.each(PAD_MODES)("pad, mode %s, pads past the map and a one-pixel map: the reference's bytes", (mode) => {
    for (const [h, w, c, pads] of [[3, 4, 5, [2, 7, 5, 1]], [1, 1, 3, [2, 3, 0, 1]], [6, 2, 16, [0, 0, 9, 4]], [2, 9, 1, [1, 0, 0, 0]]] as const) {
      const model = padModel(h, w, c, [...pads], mode);
      k.load(packModel(model));
      for (let trial = 0; trial < 2; trial++) {
        const input = randomInt8(rng, k.inputSize);
        expect(k.run(input), `${h}×${w}×${c} pads ${pads}`).toEqual(runReference(model, input));
      }
    }
  });

  it.each(CONCATS)("concat, %s: the reference's bytes", (_, model) => {
    const blob = packModel(model);
    k.load(blob);
    for (let trial = 0; trial < 3; trial++) {
      const input = randomInt8(rng, k.inputSize, 0.3);
      const want = runReference(model, input);
      expect(runInArena(model, input).output).toEqual(want);
      expect(k.run(input)).toEqual(want);
    }
  });
});

describe("the concat layouts above", () => {
  it("are in place where they say so", () => {
    const inPlace = CONCATS.map(([name, m]) => [name, m.ops[1]!.inputs!.map((t) => m.tensors[t]!.offset >= m.tensors[2]!.offset)]);
    expect(inPlace).toEqual([
      ["copied, apart", [false, false]],
      ["copied in place by a strided conv", [false, true]],
      ["rescaled in place", [true, false]],
      ["rescaled apart", [false, false]],
      ["one pixel, every input in place (the model input too)", [true, true]],
      ["one pixel, copied in place", [true, true]],
      ["an input listed twice", [false, false, false]],
    ]);
    expect(CONCATS.map(([, m]) => m.ops[0]!.outputStride)).toEqual([undefined, 7, 7, undefined, undefined, undefined, undefined]);
  });
});
