// Right-sized modules: what the compiler would emit for the model's arena (same code, globals,
// limits and initial memory); the embedded model runs without being copied; a stream kernel
// runs with each scratch choice and refuses a scratch too small; WAMR allocates exactly the budget.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelFormatError } from "../../src/format/errors.js";
import { packModel } from "../../src/format/writer.js";
import { buildDigitsNet, calibrationSamples } from "../../src/models/index.js";
import { buildModelModule, moduleBudget, resizeKernel } from "../../src/modulegen/index.js";
import { encodeS64, encodeU32, ByteReader, readSections, SECTION, writeSections } from "../../src/modulegen/wasm.js";
import { quantizeInput } from "../../src/quantize/io.js";
import { quantize } from "../../src/quantize/quantize.js";
import { runReference } from "../../src/reference/interpreter.js";
import { findHarness, harnessMemory } from "../../src/runtime/harness.js";
import { compileKernel, KERNEL_BUILDS, KERNEL_FLAVOURS, KernelInstance, kernelWasmPath } from "../../src/runtime/kernel.js";
import { streamArena } from "../../src/plan/stream.js";
import { readModel } from "../../src/format/reader.js";
import { STATUS_ARENA_TOO_SMALL, H_ACTIVATION_BYTES } from "../../src/format/constants.js";

const graph = buildDigitsNet(3);
const qmodel = quantize(graph, calibrationSamples(graph.inputShape, 8, 31));
const model = packModel(qmodel);
const input = quantizeInput(qmodel, calibrationSamples(graph.inputShape, 1, 32)[0]!);
const expected = runReference(qmodel, input);
const harness = await findHarness();
const IN_CI = process.env.CI === "true";

describe("wasm helpers", () => {
  it("LEB128 round-trips at the edges", () => {
    for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 31, 2 ** 32 - 1]) expect(new ByteReader(Uint8Array.from(encodeU32(v))).u32()).toBe(v);
    for (const v of [0n, -1n, 63n, 64n, -64n, -65n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 63n - 1n, -(2n ** 63n)]) {
      expect(new ByteReader(Uint8Array.from(encodeS64(v))).s64()).toBe(v);
    }
    expect(encodeS64(64n)).toEqual([0xc0, 0x00]); // minimal, sign bit respected
  });

  it("re-writing the sections of a kernel gives back the same bytes", () => {
    const kernel = readFileSync(kernelWasmPath("simd"));
    expect(Buffer.from(writeSections(readSections(kernel))).equals(kernel)).toBe(true);
  });
});

const INERT = { addernet: { read_model: () => 1 } };

/** The module's initial linear memory, as instantiation leaves it. */
function initialMemory(module: Uint8Array): Uint8Array {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(module as Uint8Array<ArrayBuffer>), INERT);
  return new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer).slice();
}

describe.each(KERNEL_BUILDS.flatMap((build) => KERNEL_FLAVOURS.map((flavour) => [build, flavour] as const)))("right-sized %s %s module", (build, flavour) => {
  it("is the compiler's output for the same arena size: same sections but data, same initial memory", async () => {
    const budget = moduleBudget(model, { build, flavour });
    // @ts-expect-error: the build script is plain JavaScript
    const { buildKernel } = await import("../../scripts/build-wasm.mjs");
    const { binary } = await buildKernel(build, budget.arenaBytes, flavour);
    const sized = buildModelModule(model, { build, flavour });
    const withoutData = (m: Uint8Array) => readSections(m).filter((sec) => sec.id !== SECTION.data && sec.id !== SECTION.dataCount).map((sec) => Buffer.from(sec.body).toString("hex"));
    expect(withoutData(sized)).toEqual(withoutData(binary));
    expect(Buffer.from(initialMemory(sized)).equals(Buffer.from(initialMemory(binary)))).toBe(true);
  });

  it("budget adds up: static data + model + padding + activations + scratch + slack = __heap_base", () => {
    const b = moduleBudget(model, flavour === "arena" ? { build, flavour, embed: true } : { build, flavour });
    expect(b.arenaBytes).toBe(b.modelBytes + b.modelPaddingBytes + b.activationBytes + b.scratchBytes + b.slackBytes);
    expect(b.linearMemoryBytes).toBe(b.staticDataBytes + b.arenaBytes);
    expect(b.pages).toBe(Math.ceil(b.linearMemoryBytes / 65536));
    if (flavour === "arena") expect([b.modelBytes, b.scratchBytes, b.externalModelBytes]).toEqual([model.length, 0, 0]);
    else expect([b.modelBytes + b.modelPaddingBytes, b.externalModelBytes]).toEqual([streamArena(readModel(model)).headBytes, model.length]);
  });

  it.skipIf(!harness && !IN_CI)("on WAMR: linear memory is __heap_base to the byte", async () => {
    expect(harness, "addernet-harness must be installed in CI (scripts/install-runtimes.sh)").toBeDefined();
    const budget = moduleBudget(model, { build, flavour });
    const sized = await harnessMemory("wamr", buildModelModule(model, { build, flavour }), model);
    expect(sized.memoryBytes).toBe(budget.linearMemoryBytes);
  });
});

describe.each(KERNEL_BUILDS)("right-sized %s stream module", (build) => {
  it("runs the model with the least, the default and whole-layer scratch; refuses 16 bytes less than the least", async () => {
    for (const scratch of ["min", "default", "layer"] as const) {
      const k = await KernelInstance.create(build, await compileKernel(build, buildModelModule(model, { build, flavour: "stream", scratch })));
      k.load(model);
      expect(k.run(input), scratch).toEqual(expected);
    }
    const short = resizeKernel(readFileSync(kernelWasmPath(build, "stream")), moduleBudget(model, { build, flavour: "stream", scratch: "min" }).arenaBytes - 16);
    const k = await KernelInstance.create(build, await compileKernel(build, short));
    expect(() => k.load(model)).toThrow(expect.objectContaining({ status: STATUS_ARENA_TOO_SMALL, errorOffset: H_ACTIVATION_BYTES }));
  });

  it("refuses to embed the model (it stays outside linear memory)", () => {
    expect(() => buildModelModule(model, { build, flavour: "stream", embed: true })).toThrow(/cannot embed/);
  });
});

describe.each(KERNEL_BUILDS)("right-sized %s module with the model embedded", (build) => {
  it("with the model embedded, load(arena_ptr, len) runs it without a copy (Node)", async () => {
    const module = buildModelModule(model, { build, embed: true });
    const { instance } = await WebAssembly.instantiate(module as Uint8Array<ArrayBuffer>, {});
    const e = instance.exports as Record<string, CallableFunction> & { memory: WebAssembly.Memory };
    expect(e.load!(e.arena_ptr!(), model.length)).toBe(0);
    new Int8Array(e.memory.buffer, e.input_ptr!(), input.length).set(input);
    expect(e.invoke!()).toBe(0);
    expect(new Int8Array(e.memory.buffer, e.output_ptr!(), e.output_size!()).slice()).toEqual(expected);
  });

  it.skipIf(!harness && !IN_CI)("on WAMR: the embedded model runs the same, in __heap_base bytes of memory", async () => {
    expect(harness, "addernet-harness must be installed in CI (scripts/install-runtimes.sh)").toBeDefined();
    const budget = moduleBudget(model, { build, embed: true });
    const dir = mkdtempSync(join(tmpdir(), "addernet-modulegen-"));
    try {
      writeFileSync(join(dir, "m.wasm"), buildModelModule(model, { build, embed: true }));
      writeFileSync(join(dir, "in.bin"), input);
      const out = execFileSync(harness!, ["run", "--runtime", "wamr", "--module", join(dir, "m.wasm"),
        "--embedded-model-len", String(model.length), "--input", join(dir, "in.bin"), "--output", join(dir, "out.bin")], { encoding: "utf8" });
      expect(out).toContain(`memory_bytes=${budget.linearMemoryBytes}`);
      expect(new Int8Array(readFileSync(join(dir, "out.bin")))).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("right-sizing errors", () => {
  it("a malformed model is refused with the reader's error", () => {
    const bad = model.slice();
    bad[0] ^= 1;
    expect(() => buildModelModule(bad, { build: "simd" })).toThrow(ModelFormatError);
  });

  it("an arena that is not a multiple of 16 is refused", () => {
    expect(() => resizeKernel(readFileSync(kernelWasmPath("simd")), 1000)).toThrow(/multiple of 16/);
  });
});
