// The C embedding library (firmware/) on every backend: built for the host (fast) and for the
// QEMU boards, it must give the TypeScript reference's bytes, the reader's verdict on malformed
// models, and a status (never a crash) for everything a kernel can do wrong.
//
// The toolchain comes from scripts/install-firmware.sh. With CI=true a missing tool FAILS the
// suite; locally the tests are skipped with a message saying how to install it.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT_FAILURE, EXIT_INPUT, EXIT_LOAD, EXIT_OK, EXIT_RUNTIME } from "../../src/format/constants.js";
import { statusName } from "../../src/format/errors.js";
import { malformedCases, type ValidCase } from "../runtimes/corpus.js";
import {
  BACKENDS, BOARDS, describeRun, firmwareUnavailable, hostApp, IN_CI, isAot, make, OUT, outputsHex, readAssets, referenceHex,
  run, runQemu, type Backend, type Board,
} from "./helpers.js";

const hostReason = firmwareUnavailable(false);
const boardReason = firmwareUnavailable(true);
if (!IN_CI && (hostReason || boardReason)) console.warn(`firmware tests: SKIPPING: ${hostReason ?? boardReason}`);

const FLAVOURS = ["arena", "stream"] as const;
const assetId = (flavour: string) => `digits-${flavour}-scalar`;
const PROBE = "build/firmware/test/stream-probe.wasm";
const MISBEHAVING = "build/firmware/test/misbehaving.wasm";
const ABI_V2 = "build/firmware/test/abi-v2.wasm";
const tmp = mkdtempSync(join(tmpdir(), "addernet-fw-"));

function tempFile(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

/** Run the host app of `backend` on a kernel (aot: its own build for `aotAsset`), a model and inputs. */
function runHost(backend: Backend, aotAsset: string, kernel: string, model: string, inputs: string) {
  return run(hostApp(backend, aotAsset), [isAot(backend) ? "-" : kernel, model, inputs]);
}

describe("firmware library on the host", () => {
  it("the toolchain is installed (required in CI)", () => {
    if (IN_CI) expect(hostReason).toBeUndefined();
  });

  describe.skipIf(hostReason !== undefined && !IN_CI)("backends", () => {
    beforeAll(async () => {
      await make([...BACKENDS.map((k) => `host-${k}`), "host-wamr-simd", "test-modules"]);
      await make(["host-aot", "host-aot-unchecked", "FLAVOUR=stream"]);
      for (const flavour of FLAVOURS) await make(["assets", "KERNEL_BUILD=simd", `FLAVOUR=${flavour}`]);
      for (const k of [PROBE, MISBEHAVING, ABI_V2]) await make(["host-aot", "host-aot-unchecked", `KERNEL=${k}`]);
    });

    describe.each(FLAVOURS)("digits model, %s flavour", (flavour) => {
      it.each(BACKENDS)("%s: outputs equal the TypeScript reference byte for byte", (backend) => {
        const a = readAssets(assetId(flavour));
        const r = runHost(backend, assetId(flavour), a.kernel, join(a.dir, "model.addn"), join(a.dir, "inputs.bin"));
        expect(r.status, describeRun(backend, r)).toBe(EXIT_OK);
        expect(r.kv.get("kernel_flavour")).toBe(flavour);
        expect(r.kv.get("runtime")).toBe(backend);
        expect(a.inputs.length).toBeGreaterThanOrEqual(4);
        expect(outputsHex(r, a.inputs.length)).toEqual(referenceHex(a.model, a.inputs));
        expect(r.kv.get("kernel_unchanged")).toBe("1");
      });

      it(`wamr-simd: the SIMD kernel's outputs equal the TypeScript reference byte for byte`, () => {
        const a = readAssets(`digits-${flavour}-simd`);
        const r = runHost("wamr-simd", "", a.kernel, join(a.dir, "model.addn"), join(a.dir, "inputs.bin"));
        expect(r.status, describeRun("wamr-simd", r)).toBe(EXIT_OK);
        expect(r.kv.get("runtime")).toBe("wamr-simd");
        expect(r.kv.get("kernel_flavour")).toBe(flavour);
        expect(outputsHex(r, a.inputs.length)).toEqual(referenceHex(a.model, a.inputs));
      });

      it.each(BACKENDS)("%s: malformed models get the host reader's status and error offset", (backend) => {
        const a = readAssets(assetId(flavour));
        const base: ValidCase = { name: "digits", model: a.model, input: a.inputs[0]!, expected: new Int8Array(0) };
        const inputs = tempFile("one-input.bin", new Uint8Array(a.inputs[0]!.buffer));
        const wrong: string[] = [];
        for (const c of malformedCases(base)) {
          const r = runHost(backend, assetId(flavour), a.kernel, tempFile("bad.addn", c.model), inputs);
          const got = `exit ${r.status}, ${r.kv.get("load_status_name")} (${r.kv.get("load_status")}) at ${r.kv.get("error_offset")}`;
          const want = `exit ${EXIT_LOAD}, ${statusName(c.status)} (${c.status}) at ${c.offset}`;
          if (got !== want) wrong.push(`${c.name}: expected ${want}, got ${got}\n${r.stdout}${r.stderr}`);
        }
        expect(wrong, wrong.join("\n")).toEqual([]);
      });
    });

    // The stream probe (firmware/test/stream-probe.wat) performs the reads its input asks
    // for; the expected memory is simulated here with the rule read_model must follow.
    const MEMORY = 0x400;
    type Request = [dst: number, len: number, offset: number];
    function probeInputs(modelLength: number): Request[][] {
      const n = modelLength;
      return [
        [[0x210, 16, 0], [0x220, 8, n - 8], [0x230, 8, n - 7], [0x3f8, 16, 0]],
        [[0x240, 0, n], [0x250, 4, 0xffffffff], [0x260, 0xffffffff, 0], [0x3fc, 4, 4]],
        [[MEMORY, 0, 0], [MEMORY + 1, 0, 0], [0xffffffff, 1, 0], [0x270, 16, n - 16]],
      ];
    }
    function simulateProbe(model: Uint8Array, sets: Request[][]): string[] {
      const mem = new Uint8Array(MEMORY);
      mem.set(model.subarray(0, 16), 0x300); // load()
      return sets.map((set) => {
        set.forEach(([dst, len, offset], i) => {
          const ok = offset <= model.length && len <= model.length - offset && dst <= MEMORY && len <= MEMORY - dst;
          if (ok) mem.set(model.subarray(offset, offset + len), dst);
          new DataView(mem.buffer).setInt32(0x200 + 4 * i, ok ? 0 : 1, true);
        });
        return Buffer.from(mem.subarray(0x200, 0x400)).toString("hex");
      });
    }

    it.each(BACKENDS)("%s: read_model copies exactly the valid slices and refuses the rest", (backend) => {
      const a = readAssets(assetId("arena"));
      const sets = probeInputs(a.model.length);
      const bytes = new Uint8Array(sets.flat().flatMap((req) => [...new Uint8Array(new Uint32Array(req).buffer)]));
      const r = runHost(backend, "digits-stream-probe", join(OUT, "test/stream-probe.wasm"), join(a.dir, "model.addn"), tempFile("probe.bin", bytes));
      expect(r.status, describeRun(backend, r)).toBe(EXIT_OK);
      expect(r.kv.get("kernel_flavour")).toBe("stream");
      expect(r.kv.get("linear_memory_bytes")).toBe(String(MEMORY));
      expect(outputsHex(r, sets.length)).toEqual(simulateProbe(a.model, sets));
    });

    it.each(BACKENDS)("%s: a read the embedder refuses during load is READ_FAILED", (backend) => {
      const a = readAssets(assetId("arena"));
      const r = runHost(backend, "digits-stream-probe", join(OUT, "test/stream-probe.wasm"), tempFile("short.addn", a.model.subarray(0, 8)), tempFile("x.bin", new Uint8Array(48)));
      expect(r.status, describeRun(backend, r)).toBe(EXIT_LOAD);
      expect(r.kv.get("load_status_name")).toBe("READ_FAILED");
      expect(r.kv.get("load_status")).toBe("-16");
    });

    it.each(BACKENDS)("%s: a trap, a pointer outside memory and another ABI version are reported, not crashed on", (backend) => {
      const a = readAssets(assetId("arena"));
      const model = join(a.dir, "model.addn");
      const kernel = join(OUT, "test/misbehaving.wasm");
      const mode = (m: number) => tempFile(`mode${m}.bin`, Uint8Array.of(m));
      const good = runHost(backend, "digits-misbehaving", kernel, model, mode(1));
      expect(good.status, describeRun("good", good)).toBe(EXIT_OK);
      // the arena holds 256 bytes: the library copied that much of the model to arena_ptr()
      expect(good.kv.get("output.0.hex")).toBe(Buffer.from(a.model.subarray(0, 16)).toString("hex"));
      const trap = runHost(backend, "digits-misbehaving", kernel, model, mode(0));
      expect(trap.status, describeRun("trap", trap)).toBe(EXIT_RUNTIME);
      expect(trap.kv.get("invoke_status_name")).toBe("E_RUNTIME");
      expect(trap.kv.get("error")).toMatch(/unreachable/);
      const bounds = runHost(backend, "digits-misbehaving", kernel, model, mode(2));
      expect(bounds.status, describeRun("bounds", bounds)).toBe(EXIT_RUNTIME);
      expect(bounds.kv.get("invoke_status_name")).toBe("E_BOUNDS");
      expect(bounds.kv.get("error")).toMatch(/output_ptr\(\) = 4294967040 with 16 bytes lies outside the kernel's linear memory of 1024 bytes/);
      const v2 = runHost(backend, "digits-abi-v2", join(OUT, "test/abi-v2.wasm"), model, mode(1));
      expect(v2.status, describeRun("abi-v2", v2)).toBe(EXIT_RUNTIME);
      expect(v2.kv.get("load_status_name")).toBe("E_ABI");
      expect(v2.kv.get("error")).toMatch(/abi_version\(\) is 2/);
    });

    it.each(BACKENDS)("%s: inputs that are not a whole number of model inputs exit EXIT_INPUT", (backend) => {
      const a = readAssets(assetId("arena"));
      const r = runHost(backend, assetId("arena"), a.kernel, join(a.dir, "model.addn"), tempFile("odd.bin", new Uint8Array(a.inputs[0]!.length + 1)));
      expect(r.status, describeRun(backend, r)).toBe(EXIT_INPUT);
      expect(r.kv.get("status")).toBe("0");
    });

    it("interpreters refuse bytes that are not a module; aot refuses a module other than the one compiled in", () => {
      const a = readAssets(assetId("arena"));
      const model = join(a.dir, "model.addn");
      const inputs = join(a.dir, "inputs.bin");
      for (const backend of ["wamr", "wasm3"] as const) {
        const r = run(hostApp(backend, ""), [model, model, inputs]);
        expect(r.status, describeRun(backend, r)).toBe(EXIT_RUNTIME);
        expect(r.kv.get("load_status_name")).toBe("E_RUNTIME");
      }
      const same = run(hostApp("aot", assetId("arena")), [a.kernel, model, inputs]);
      expect(same.status, describeRun("aot, its own kernel", same)).toBe(EXIT_OK);
      const other = run(hostApp("aot", assetId("arena")), [readAssets(assetId("stream")).kernel, model, inputs]);
      expect(other.status, describeRun("aot, another kernel", other)).toBe(EXIT_RUNTIME);
      expect(other.kv.get("load_status_name")).toBe("E_ABI");
    });
  });
});

describe("firmware on the QEMU boards", () => {
  it("the toolchain and QEMU are installed (required in CI)", () => {
    if (IN_CI) expect(boardReason).toBeUndefined();
  });

  describe.skipIf(boardReason !== undefined && !IN_CI)("boards", () => {
    // WAMR's SIMD build (the SIMD kernel) on one board: SIMDe emulates SIMD128 on the M4
    const images = [
      ...BOARDS.flatMap((board) => BACKENDS.flatMap((backend) => FLAVOURS.map((flavour) => ({ board, backend: backend as Backend, flavour, build: "scalar" })))),
      ...FLAVOURS.map((flavour) => ({ board: "netduinoplus2" as Board, backend: "wamr-simd" as Backend, flavour, build: "simd" })),
    ];
    const elf = (board: Board, backend: Backend, asset: string) => join(OUT, board, backend, asset, "fw.elf");

    beforeAll(async () => {
      for (const flavour of FLAVOURS) {
        await make([...BOARDS.flatMap((b) => BACKENDS.map((k) => `${b}-${k}`)), `FLAVOUR=${flavour}`]);
        await make(["netduinoplus2-wamr-simd", "KERNEL_BUILD=simd", `FLAVOUR=${flavour}`]);
      }
    });

    it.each(images)("$board $backend $flavour: the reference's bytes, counted instructions, no heap, stack and pool within bounds", ({ board, backend, flavour, build }) => {
      const asset = `digits-${flavour}-${build}`;
      const a = readAssets(asset);
      const r = runQemu(board, elf(board, backend, asset));
      expect(r.status, describeRun(`${board} ${backend}`, r)).toBe(EXIT_OK);
      expect(r.kv.get("board")).toBe(board);
      expect(r.kv.get("runtime")).toBe(backend);
      expect(r.kv.get("kernel_flavour")).toBe(flavour);
      expect(outputsHex(r, a.inputs.length)).toEqual(referenceHex(a.model, a.inputs));
      // the SysTick clock is right: a loop of known length counts within 0.1 %
      const measured = Number(r.kv.get("count_check_instructions"));
      const expected = Number(r.kv.get("count_check_expected"));
      expect(Math.abs(measured - expected) / expected).toBeLessThan(1e-3);
      for (let i = 0; i < a.inputs.length; i++) expect(Number(r.kv.get(`instructions.${i}`))).toBeGreaterThan(100_000);
      expect(r.kv.get("sbrk_calls")).toBe("0");
      expect(r.kv.get("kernel_unchanged")).toBe("1");
      expect(Number(r.kv.get("stack_high_water_bytes"))).toBeLessThan(Number(r.kv.get("stack_bytes")));
      expect(Number(r.kv.get("pool_high_water_bytes"))).toBeLessThanOrEqual(Number(r.kv.get("pool_bytes")));
      expect(Number(r.kv.get("linear_memory_bytes"))).toBeLessThan(flavour === "stream" ? 16 * 1024 : 32 * 1024);
    });

    it.each(FLAVOURS)("netduinoplus2, %s flavour: a malformed model in flash is reported with the reader's status and offset", async (flavour) => {
      const a = readAssets(assetId(flavour));
      const base: ValidCase = { name: "digits", model: a.model, input: a.inputs[0]!, expected: new Int8Array(0) };
      const cases = malformedCases(base).filter((c) => /flipped-weight-byte|unknown-opcode/.test(c.name));
      expect(cases.length).toBe(2);
      const wrong: string[] = [];
      for (const [i, c] of cases.entries()) {
        const file = tempFile(`malformed-${i}.addn`, c.model);
        await make(BACKENDS.map((k) => `netduinoplus2-${k}`).concat(`FLAVOUR=${flavour}`, `MODEL_FILE=${file}`));
        for (const backend of BACKENDS) {
          const r = runQemu("netduinoplus2", join(OUT, "netduinoplus2", backend, `${assetId(flavour)}-malformed-${i}`, "fw.elf"));
          const got = `exit ${r.status}, ${r.kv.get("load_status_name")} at ${r.kv.get("error_offset")}`;
          const want = `exit ${EXIT_LOAD}, ${statusName(c.status)} at ${c.offset}`;
          if (got !== want) wrong.push(`${backend} ${c.name}: expected ${want}, got ${got}\n${r.stdout}${r.stderr}`);
        }
      }
      expect(wrong, wrong.join("\n")).toEqual([]);
    });

    it.each(BOARDS.flatMap((board) => BACKENDS.map((backend) => ({ board, backend }))))(
      "$board $backend: the flash breakdown adds up and counts the model and kernel where they are",
      async ({ board, backend }) => {
        const a = readAssets(assetId("stream"));
        const sizes = new Map(
          (await make([`sizes-${board}-${backend}`, "FLAVOUR=stream"])).trim().split("\n").map((l) => l.split("=") as [string, string]),
        );
        const n = (k: string) => Number(sizes.get(k));
        const parts = ["runtime", "library", "kernel", "model", "inputs", "rest"].map((p) => n(`flash_${p}_bytes`));
        expect(parts.reduce((x, y) => x + y, 0)).toBe(n("flash_total_bytes"));
        expect(n("flash_total_bytes")).toBeLessThanOrEqual(n("flash_region_bytes"));
        // what is programmed: the loadable sections, text + data as arm-none-eabi-size counts them
        const [text, data] = run("arm-none-eabi-size", [elf(board, backend, assetId("stream"))]).stdout.split("\n")[1]!.trim().split(/\s+/).map(Number);
        expect(n("flash_total_bytes")).toBe(text! + data!);
        expect(n("flash_model_bytes")).toBe(a.model.length);
        expect(n("flash_inputs_bytes")).toBe(readFileSync(join(a.dir, "inputs.bin")).length);
        if (isAot(backend)) expect(n("flash_kernel_bytes")).toBeGreaterThan(4096); // native code
        else expect(n("flash_kernel_bytes")).toBe(readFileSync(a.kernel).length); // the .wasm bytes
        expect(n("flash_runtime_bytes")).toBeGreaterThan(isAot(backend) ? 500 : 20_000);
      },
    );

    it.each(BOARDS)("%s: a CPU fault is reported and exits 1 (EXIT_FAILURE); a firmware that never ends is stopped", async (board) => {
      await make([`${board}-aot`, `${OUT}/${board}/fault-udf/fw.elf`, "FAULT=udf"]);
      const fault = runQemu(board, join(OUT, board, "fault-udf/fw.elf"));
      expect(fault.status, describeRun("udf", fault)).toBe(EXIT_FAILURE);
      expect(fault.kv.get("fault")).toBe("cpu");
      expect(fault.kv.get("fault_cfsr")).toBe("0x00010000"); // UNDEFINSTR
      await make([`${OUT}/${board}/fault-hang/fw.elf`, "FAULT=hang"]);
      const hang = runQemu(board, join(OUT, board, "fault-hang/fw.elf"), 2);
      expect(hang.status).toBe(124);
      expect(hang.stderr).toMatch(/did not finish within 2 s/);
    });
  });
});
