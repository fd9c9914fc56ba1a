// Every op of the kernel module against the reference interpreter, byte for byte, in both builds.
import { beforeAll, describe, expect, it } from "vitest";
import type { OpKind } from "../../src/format/model.js";
import { packModel } from "../../src/format/writer.js";
import { Rng } from "../../src/models/random.js";
import { OP_KINDS } from "../../src/ops/table.js";
import { runReference } from "../../src/reference/interpreter.js";
import { KERNEL_BUILDS, KernelInstance, type KernelBuild } from "../../src/runtime/kernel.js";
import { randomInt8, randomOpModel } from "./models.js";

const KINDS: readonly OpKind[] = OP_KINDS;
const CASES_PER_KIND = 60;

const firstDifference = (a: Int8Array, b: Int8Array): number => {
  for (let k = 0; k < Math.max(a.length, b.length); k++) if (a[k] !== b[k]) return k;
  return -1;
};

describe.each(KERNEL_BUILDS)("%s kernel matches the reference", (build: KernelBuild) => {
  let kernel: KernelInstance;
  beforeAll(async () => {
    kernel = await KernelInstance.create(build);
  });

  it.each(KINDS)("%s", (kind) => {
    const rng = new Rng(KINDS.indexOf(kind) * 1000 + 7);
    for (let c = 0; c < CASES_PER_KIND; c++) {
      const model = randomOpModel(rng, kind);
      kernel.load(packModel(model));
      for (let trial = 0; trial < 2; trial++) {
        const input = randomInt8(rng, kernel.inputSize, trial === 0 ? 0.05 : 0.5);
        const got = kernel.run(input);
        const want = runReference(model, input);
        const at = firstDifference(got, want);
        if (at >= 0) {
          const { ops, tensors } = model;
          expect.fail(`case ${c} trial ${trial}: output byte ${at} is ${got[at]}, reference ${want[at]}; ` +
            `ops ${JSON.stringify(ops.map(({ weights, bias, mult, ...o }) => o))}, tensors ${JSON.stringify(tensors)}`);
        }
        expect(got.length).toBe(want.length);
      }
    }
  });
});
