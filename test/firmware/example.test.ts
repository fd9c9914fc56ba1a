// examples/firmware/classify.c, the minimal app the README shows: it builds warning-free for
// the host and the boards, and prints the class the TypeScript reference's scores pick; a
// file that is not a model gets the reader's status in words and EXIT_LOAD.
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { readModel } from "../../src/format/reader.js";
import { runReference } from "../../src/reference/interpreter.js";
import { EXIT_LOAD, EXIT_OK } from "../../src/format/constants.js";
import { describeRun, firmwareUnavailable, IN_CI, make, OUT, readAssets, run, runQemu } from "./helpers.js";

const reason = firmwareUnavailable(true);

/** "input i: class k (score s)" for each input, from the reference's int8 scores (first maximum). */
function expectedLines(assetId: string): string {
  const a = readAssets(assetId);
  const q = readModel(a.model);
  return a.inputs.map((x, i) => {
    const scores = runReference(q, x);
    let best = 0;
    for (let k = 1; k < scores.length; k++) if (scores[k]! > scores[best]!) best = k;
    return `input ${i}: class ${best} (score ${scores[best]})\n`;
  }).join("");
}

describe("examples/firmware/classify.c", () => {
  it("the toolchain is installed (required in CI)", () => {
    if (IN_CI) expect(reason).toBeUndefined();
  });

  describe.skipIf(reason !== undefined && !IN_CI)("built and run", () => {
    beforeAll(async () => {
      await make(["host-aot", "host-wamr", "APP=classify"]);
      await make(["netduinoplus2-wamr", "netduinoplus2-aot", "APP=classify", "FLAVOUR=stream"]);
      await make(["netduinoplus2-aot", "APP=classify", "MODEL_FILE=README.md"]);
    }, 300_000);

    it("on the host (aot, wamr): one line per input, the reference's class", () => {
      const a = readAssets("digits-arena-scalar");
      for (const backend of ["aot", "wamr"]) {
        const app = join(OUT, "host", backend, ...(backend === "aot" ? ["digits-arena-scalar"] : []), "fw-classify");
        const r = run(app, [backend === "aot" ? "-" : a.kernel, join(a.dir, "model.addn"), join(a.dir, "inputs.bin")]);
        expect(r.status, describeRun(backend, r)).toBe(EXIT_OK);
        expect(r.stdout).toBe(expectedLines("digits-arena-scalar"));
      }
    });

    it("on netduinoplus2 with the weights in flash (wamr, aot)", () => {
      for (const backend of ["wamr", "aot"] as const) {
        const r = runQemu("netduinoplus2", join(OUT, "netduinoplus2", backend, "digits-stream-scalar-classify", "fw.elf"));
        expect(r.status, describeRun(backend, r)).toBe(EXIT_OK);
        expect(r.stdout + r.stderr).toContain(expectedLines("digits-stream-scalar"));
      }
    });

    it("a file that is not a model: its status in words, EXIT_LOAD", () => {
      const r = runQemu("netduinoplus2", join(OUT, "netduinoplus2", "aot", "digits-arena-scalar-README-classify", "fw.elf"));
      expect(r.status, describeRun("README.md as the model", r)).toBe(EXIT_LOAD);
      expect(r.stdout + r.stderr).toContain("addernet_open: BAD_MAGIC (not a .addn model (bad magic))");
    });
  });
});
