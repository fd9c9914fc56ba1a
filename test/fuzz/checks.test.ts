// The fuzz checks can fail: a kernel compiled from a doctored engine (every load() bumps a byte
// of static memory outside the arena; a blob of odd length traps) is caught on every runtime —
// V8, the harness's WAMR, wasmi and wasm3, and the WASI command under wasmtime, which checks
// its memory itself. And the judge's verdicts on made-up outcomes.
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../src/format/constants.js";
import { packModel } from "../../src/format/writer.js";
import { caseOf, expectedOutput, type FuzzCase } from "../../src/fuzz/cases.js";
import { HarnessColumn } from "../../src/fuzz/columns/harness.js";
import { NodeColumn } from "../../src/fuzz/columns/node.js";
import type { Column } from "../../src/fuzz/columns/types.js";
import { WasmtimeColumn } from "../../src/fuzz/columns/wasmtime.js";
import { judge } from "../../src/fuzz/judge.js";
import { fieldsOf } from "../../src/fuzz/mutate.js";
import { randomOpModel } from "../../src/models/op_models.js";
import { Rng } from "../../src/models/random.js";

const IN_CI = process.env.CI === "true";
const ROOT = new URL("../../", import.meta.url).pathname;
const ENGINE = "assembly/engine/engine.ts";
const LOAD = "export function engineLoad(ptr: usize, len: usize): i32 {";
const DOCTORED = `const DOCTORED_CELL: usize = memory.data(16, 16);
${LOAD}
  store<u8>(DOCTORED_CELL, load<u8>(DOCTORED_CELL) + 1); // a write outside the arena
  if (len & 1) unreachable(); // a trap`;

/** asc's readFile hook: the sources from disk, engine.ts doctored. */
function doctoredSources(name: string, baseDir: string): string | null {
  try {
    const text = readFileSync(join(baseDir, name), "utf8");
    if (!name.replace(/\\/g, "/").endsWith(ENGINE)) return text;
    if (!text.includes(LOAD)) throw new Error(`${ENGINE} no longer declares "${LOAD}": update this test`);
    return text.replace(LOAD, DOCTORED);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

const rng = new Rng(7);
const valid = packModel(randomOpModel(rng, "adder_conv2d"));
const base = { name: "adder_conv2d", blob: valid, fields: fieldsOf(valid) };
const meta = { seed: 0, base: "test", kind: "raw" as const, detail: "" };
const evenCase = caseOf({ ...meta, index: 0, blob: valid }, rng); // valid, a multiple of 16 bytes
const oddCase = caseOf({ ...meta, index: 1, blob: valid.subarray(0, 101) }, rng);

let dir = "";
let kernel = new Uint8Array(0);
beforeAll(async () => {
  // @ts-expect-error: the build script is plain JavaScript
  const { compile } = await import("../../scripts/build-wasm.mjs");
  dir = await mkdtemp(join(tmpdir(), "addernet-doctored-"));
  kernel = await compile("scalar", [], "asconfig.json", doctoredSources);
  await writeFile(join(dir, "kernel.wasm"), kernel);
  await writeFile(join(dir, "wasi.wasm"), await compile("scalar", [], "assembly/wasi/asconfig.json", doctoredSources));
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const columns: [string, () => Column][] = [
  ["node-scalar", () => new NodeColumn("scalar", "arena", kernel)],
  ["wamr-scalar", () => new HarnessColumn("wamr", "scalar", "arena", join(dir, "kernel.wasm"))],
  ["wasmi-scalar", () => new HarnessColumn("wasmi", "scalar", "arena", join(dir, "kernel.wasm"))],
  ["wasm3-scalar", () => new HarnessColumn("wasm3", "scalar", "arena", join(dir, "kernel.wasm"))],
  ["wasmtime-scalar", () => new WasmtimeColumn("scalar", "arena", join(dir, "wasi.wasm"))],
];

describe.each(columns)("a doctored kernel on %s", (_name, make) => {
  it("is caught: a write outside the arena on a valid model, a trap on an odd-length blob", async () => {
    const column = make();
    const reason = await column.unavailableReason();
    if (reason !== undefined && !IN_CI) return; // the conformance suite says what is missing
    expect(reason).toBeUndefined();
    await column.prepare(base);
    try {
      const [even, odd] = await column.run([evenCase, oddCase]);
      expect(even!.outsideChanged).toBe(true);
      expect(judge(evenCase, even!, "arena", column.arenaSize).problems.map((p) => p.kind)).toContain("outside");
      expect(odd!.failure, JSON.stringify(odd)).toMatch(/unreachable/);
      expect(judge(oddCase, odd!, "arena", column.arenaSize).problems.map((p) => p.kind)).toContain("trap");
    } finally {
      await column.dispose();
    }
  });
});

describe("judge", () => {
  const out = (c: FuzzCase) => expectedOutput(c);
  const kinds = (c: FuzzCase, o: Parameters<typeof judge>[1], arena = 4 << 20) => judge(c, o, "arena", arena).problems.map((p) => p.kind);

  it("accepts the reader's verdict and the reference's bytes", () => {
    expect(kinds(evenCase, { status: 0, errorOffset: -1, invokeStatus: 0, output: out(evenCase), outsideChanged: false })).toEqual([]);
    expect(kinds(oddCase, { status: oddCase.reader.status, errorOffset: oddCase.reader.offset, outsideChanged: false })).toEqual([]);
    expect(judge(evenCase, { status: 0, errorOffset: -1, invokeStatus: 0, output: out(evenCase) }, "arena", 4 << 20).outputChecked).toBe(true);
  });

  it("finds another status or offset, another byte, a failed invoke, another input size", () => {
    expect(kinds(oddCase, { status: oddCase.reader.status, errorOffset: oddCase.reader.offset + 1 })).toEqual(["disagreement"]);
    expect(kinds(evenCase, { status: C.STATUS_BAD_OP, errorOffset: 60 })).toEqual(["disagreement"]);
    const wrong = out(evenCase).slice();
    wrong[wrong.length - 1] ^= 1;
    expect(kinds(evenCase, { status: 0, errorOffset: -1, invokeStatus: 0, output: wrong })).toEqual(["mismatch"]);
    expect(kinds(evenCase, { status: 0, errorOffset: -1, invokeStatus: C.STATUS_READ_FAILED })).toEqual(["mismatch"]);
    expect(kinds(evenCase, { status: 0, errorOffset: -1, inputRefused: "input has 3 bytes" })).toEqual(["mismatch"]);
  });

  it("wants ARENA_TOO_SMALL exactly when the model needs more than the kernel's arena", () => {
    const need = evenCase.need!.arena;
    const tooSmall = { status: C.STATUS_ARENA_TOO_SMALL, errorOffset: C.H_ACTIVATION_BYTES };
    expect(kinds(evenCase, tooSmall, need - 1)).toEqual([]);
    expect(kinds(evenCase, tooSmall, need)).toEqual(["disagreement"]);
    expect(kinds(evenCase, { status: 0, errorOffset: -1, invokeStatus: 0, output: out(evenCase) }, need - 1)).toEqual(["disagreement"]);
  });

  it("counts a trap and a write outside the arena", () => {
    expect(kinds(evenCase, { failure: "trap: unreachable", outsideChanged: true })).toEqual(["trap", "outside"]);
  });
});
