// The module itself: zero imports, fixed memory, the ABI's exports in both builds.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ABI_FLAG_STREAMED_MODEL, ABI_VERSION, H_ACTIVATION_BYTES, STATUS_ARENA_TOO_SMALL, STATUS_NOT_LOADED } from "../../src/format/constants.js";
import { packModel } from "../../src/format/writer.js";
import { Rng } from "../../src/models/random.js";
import { runReference } from "../../src/reference/interpreter.js";
import { ByteReader, readSections, SECTION } from "../../src/modulegen/wasm.js";
import { KERNEL_BUILDS, KERNEL_FLAVOURS, compileKernel, kernelWasmPath, KernelInstance } from "../../src/runtime/kernel.js";
import { convLayerModel, randomInt8 } from "./models.js";

const ABI_EXPORTS = [
  "__arena_size_cell", "__data_end", "__heap_base", "abi_flags", "abi_version", "arena_ptr", "arena_size", "error_offset", "input_ptr",
  "input_size", "invoke", "load", "memory", "output_ptr", "output_size",
];
const STREAM_IMPORT = { module: "addernet", name: "read_model", kind: "function" };

/** The memory section's limits, read from the binary: [initial, maximum | undefined]. */
function memoryLimits(wasm: Uint8Array): [number, number | undefined] {
  let p = 8;
  const leb = (): number => {
    let v = 0, shift = 0, b: number;
    do { b = wasm[p++]; v |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    return v >>> 0;
  };
  while (p < wasm.length) {
    const id = wasm[p++];
    const size = leb();
    if (id === 5) {
      leb(); // count
      const flags = leb();
      const initial = leb();
      return [initial, flags & 1 ? leb() : undefined];
    }
    p += size;
  }
  throw new Error("no memory section");
}

/**
 * The most parameters + results of the module's function types. The firmware's ahead-of-time
 * backend registers each type in a fixed slot of 16 values (MAX_TYPE_VALUES,
 * firmware/src/backend_aot.c) and stops at start-up on a wider one.
 */
function widestFunctionType(wasm: Uint8Array): number {
  const r = new ByteReader(readSections(wasm).find((s) => s.id === SECTION.type)!.body);
  let widest = 0;
  for (let n = r.u32(); n > 0; n--) {
    r.byte(); // 0x60: a function type
    const params = r.take(r.u32()).length;
    widest = Math.max(widest, params + r.take(r.u32()).length);
  }
  return widest;
}

describe("kernel module", () => {

  it.each(KERNEL_BUILDS.flatMap((b) => KERNEL_FLAVOURS.map((f) => [b, f] as const)))("%s build, %s flavour: its imports, fixed memory, the ABI exports, arena ending at __heap_base", async (build, flavour) => {
    const wasm = readFileSync(kernelWasmPath(build, flavour));
    const module = await compileKernel(build, wasm);
    expect(WebAssembly.Module.imports(module)).toEqual(flavour === "stream" ? [STREAM_IMPORT] : []);
    expect(WebAssembly.Module.exports(module).map((e) => e.name).sort()).toEqual(ABI_EXPORTS);
    const [initial, maximum] = memoryLimits(wasm);
    expect(maximum).toBe(initial);

    const k = await KernelInstance.create(build, module);
    const e = k.exports;
    expect(e.abi_version()).toBe(ABI_VERSION);
    expect(e.abi_flags()).toBe(flavour === "stream" ? ABI_FLAG_STREAMED_MODEL : 0);
    expect(k.arenaPtr % 16).toBe(0);
    expect(k.arenaPtr + k.arenaSize).toBe(e.__heap_base.value);
    expect(e.__data_end.value).toBe(e.__heap_base.value);
    // fewest pages that hold everything
    expect(k.memory.buffer.byteLength).toBe(Math.ceil(e.__heap_base.value / 65536) * 65536);
    expect(k.memory.buffer.byteLength).toBe(initial * 65536);
    expect(e.invoke()).toBe(STATUS_NOT_LOADED);
    expect([e.input_size(), e.output_size()]).toEqual([0, 0]);
    // goal: ≤ 16 KiB per module
    expect(wasm.length).toBeLessThanOrEqual(16 * 1024);
    expect(widestFunctionType(wasm), "params + results of a function type (firmware aot: at most 16)").toBeLessThanOrEqual(16);
  });

  it("both builds and both flavours export the same functions with the same signatures", async () => {
    const modules = await Promise.all(KERNEL_BUILDS.flatMap((b) => KERNEL_FLAVOURS.map((f) => compileKernel(b, undefined, f))));
    const arity = async (m: WebAssembly.Module) => {
      const { exports } = await WebAssembly.instantiate(m, { addernet: { read_model: () => 1 } });
      return Object.fromEntries(Object.entries(exports).map(([n, v]) => [n, typeof v === "function" ? v.length : typeof v]));
    };
    for (const m of modules.slice(1)) {
      expect(WebAssembly.Module.exports(m)).toEqual(WebAssembly.Module.exports(modules[0]!));
      expect(await arity(m)).toEqual(await arity(modules[0]!));
    }
  });
});

describe("scalar build for cores without an FPU", () => {
  // wabt's wasm2wat comes with the firmware toolchain (scripts/install-firmware.sh)
  const wasm2wat = ["/usr/bin/wasm2wat", "/usr/local/bin/wasm2wat"].find((p) => existsSync(p));
  it.skipIf(!wasm2wat && process.env.CI !== "true")("has no float instruction in either flavour (interpreters can leave float support out)", () => {
    expect(wasm2wat, "wasm2wat (Debian wabt) must be installed in CI").toBeDefined();
    for (const flavour of KERNEL_FLAVOURS) {
      const text = execFileSync(wasm2wat!, [kernelWasmPath("scalar", flavour)], { encoding: "utf8", maxBuffer: 64 << 20 });
      expect(text.match(/\b[fv](32|64|128)[x.][\w.]*/g) ?? [], flavour).toEqual([]);
    }
  });
});

describe("right-sized build (scripts/build-wasm.mjs --arena-bytes)", () => {
  it("a 64 KiB arena holds a small model and rejects one that needs more", async () => {
    // @ts-expect-error: the build script is plain JavaScript
    const { buildKernel } = await import("../../scripts/build-wasm.mjs");
    const { binary, pages } = await buildKernel("simd", 65536);
    expect(pages).toBe(2); // 64 KiB arena + ~10 KiB of static data
    const k = await KernelInstance.create("simd", await compileKernel("simd", binary));
    expect(k.arenaSize).toBe(65536);
    const rng = new Rng(5);
    const small = convLayerModel(rng, "adder_conv2d", 8, 8, 8, 8);
    k.load(packModel(small));
    const input = randomInt8(rng, k.inputSize);
    expect(k.run(input)).toEqual(runReference(small, input));
    const big = convLayerModel(rng, "adder_conv2d", 64, 64, 8, 8); // 32 KiB in + 32 KiB out
    expect(() => k.load(packModel(big))).toThrow(expect.objectContaining({ status: STATUS_ARENA_TOO_SMALL, errorOffset: H_ACTIVATION_BYTES }));
  });
});
