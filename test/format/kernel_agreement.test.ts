// The kernel's load() and the host reader report the same first failure (status and byte
// offset) for every corrupt file of ./corruptions.ts and for seeded random byte edits.
import { beforeAll, describe, expect, it } from "vitest";
import * as C from "../../src/format/constants.js";
import { ModelFormatError } from "../../src/format/errors.js";
import { readModel } from "../../src/format/reader.js";
import { packModel } from "../../src/format/writer.js";
import { KERNEL_BUILDS, KernelInstance, KernelStatusError } from "../../src/runtime/kernel.js";
import { cases } from "./corruptions.js";
import { patch } from "./helpers.js";
import { randomModel, rng } from "./models.js";

interface Outcome {
  status: string;
  offset: number;
}

function hostOutcome(bytes: Uint8Array): Outcome {
  try {
    readModel(bytes);
    return { status: "OK", offset: -1 };
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    return { status: e.statusName, offset: e.offset };
  }
}

function kernelOutcome(kernel: KernelInstance, bytes: Uint8Array): Outcome {
  try {
    kernel.load(bytes);
    return { status: "OK", offset: -1 };
  } catch (e) {
    if (!(e instanceof KernelStatusError)) throw e;
    return { status: e.statusName, offset: e.errorOffset };
  }
}

for (const build of KERNEL_BUILDS) {
  describe(`${build} kernel and host reader agree`, () => {
    let kernel: KernelInstance;
    beforeAll(async () => {
      kernel = await KernelInstance.create(build);
    });

    it("on the output-layout flags: the host reads them, the kernel accepts them", () => {
      for (const flags of [C.FLAG_OUTPUT_FLATTENED, C.FLAG_OUTPUT_1D, C.FLAG_OUTPUT_FLATTENED | C.FLAG_OUTPUT_1D]) {
        const bytes = packModel({ ...randomModel(3, 4), flags });
        expect(readModel(bytes).flags).toBe(flags);
        expect(kernelOutcome(kernel, bytes)).toEqual({ status: "OK", offset: -1 });
      }
    });

    it("on every corruption case", () => {
      for (const c of cases) expect(kernelOutcome(kernel, c.bytes), c.what).toEqual(hostOutcome(c.bytes));
    });

    it("on seeded random edits of record fields (CRC kept valid)", () => {
      const r = rng(4242);
      let rejected = 0;
      for (let k = 0; k < 1500; k++) {
        const good = packModel(randomModel(k % 50, 1 + (k % 9)));
        const opsEnd = new DataView(good.buffer).getUint32(C.H_PARAMS_OFFSET, true);
        const bytes = patch(good, (v, b) => {
          for (let e = r.int(1, 3); e > 0; e--) {
            const at = r.int(C.CRC_START, opsEnd - 1); // header fields after the CRC, tensor and op records
            b[at] = r.pick([0, 1, 2, 0xff, 0x80, 0x7f, b[at] ^ (1 << r.int(0, 7)), r.int(0, 255)]);
          }
        });
        const host = hostOutcome(bytes);
        if (host.status !== "OK") rejected++;
        const found = kernelOutcome(kernel, bytes);
        if (found.status === "ARENA_TOO_SMALL" && host.status === "OK") {
          // the arena check is the kernel's alone: only a file the host accepts may fail it
          const activationBytes = new DataView(bytes.buffer).getUint32(C.H_ACTIVATION_BYTES, true);
          expect(Math.ceil(bytes.length / 16) * 16 + activationBytes + C.READ_SLACK, `edit ${k}`).toBeGreaterThan(kernel.arenaSize);
          continue;
        }
        expect(found, `edit ${k}`).toEqual(host);
      }
      expect(rejected).toBeGreaterThan(500); // the edits do reach the checks
    });
  });
}
