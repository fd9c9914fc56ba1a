// Building and running the firmware (firmware/Makefile) from tests: the host app and the
// QEMU boards print key=value lines, which these helpers parse.
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readModel } from "../../src/format/reader.js";
import { runReference } from "../../src/reference/interpreter.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const OUT = join(ROOT, "build/firmware");
export const IN_CI = process.env.CI === "true";
export const BOARDS = ["netduinoplus2", "mps2-an500"] as const;
/**
 * wamr: WAMR's fast interpreter; wamr-classic: its classic interpreter (less RAM, slower);
 * aot: the kernel through wasm2c; aot-unchecked: the same without bounds checks.
 */
export const BACKENDS = ["wamr", "wasm3", "aot", "wamr-classic", "aot-unchecked"] as const;
export type Board = (typeof BOARDS)[number];
/** wamr-simd: WAMR with SIMD128 (SIMDe), running the SIMD kernel. */
export type Backend = (typeof BACKENDS)[number] | "wamr-simd";
/** The backends that compile the kernel into the firmware (no .wasm at run time). */
export const isAot = (backend: Backend): boolean => backend === "aot" || backend === "aot-unchecked";

function onPath(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
}

/** Why the firmware cannot be built here (undefined when it can). */
export function firmwareUnavailable(boards: boolean): string | undefined {
  if (!existsSync(join(OUT, "third_party/simde-include/simde/wasm/simd128.h"))) {
    return "SIMDe headers not linked under build/firmware/third_party: run bash scripts/install-firmware.sh";
  }
  const tools = ["make", "gcc", "wasm2c", "wat2wasm", ...(boards ? ["arm-none-eabi-gcc", "qemu-system-arm"] : [])];
  const missing = tools.filter((t) => !onPath(t));
  if (missing.length) return `missing ${missing.join(", ")}: run bash scripts/install-firmware.sh`;
  if (!existsSync(join(OUT, "third_party/wamr/core")) || !existsSync(join(OUT, "third_party/wasm3/wasm3.h"))) {
    return "WAMR/wasm3 sources not linked under build/firmware/third_party: run bash scripts/install-firmware.sh";
  }
  return undefined;
}

/**
 * Test files run in parallel and build into the same tree: every make (and every command
 * that runs one) holds this lock, so no two write the same object at once.
 */
export function lockedArgv(argv: string[]): [string, string[]] {
  mkdirSync(OUT, { recursive: true });
  return ["flock", [join(OUT, ".make.lock"), ...argv]];
}

/**
 * make -C firmware <args> (quiet, two jobs); rejects with make's output on failure. Asynchronous,
 * so a long build does not block the test worker.
 */
export function make(args: string[]): Promise<string> {
  const [file, argv] = lockedArgv(["make", "-s", "-j2", "-C", join(ROOT, "firmware"), ...args]);
  return new Promise((resolve, reject) => {
    execFile(file, argv, { encoding: "utf8", maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`make ${args.join(" ")} failed:\n${stdout}${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

export interface Run {
  status: number;
  kv: Map<string, string>;
  stdout: string;
  stderr: string;
}

export function parseKv(text: string): Map<string, string> {
  const kv = new Map<string, string>();
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return kv;
}

export function run(file: string, args: string[]): Run {
  const r = spawnSync(file, args, { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, kv: parseKv(r.stdout), stdout: r.stdout, stderr: r.stderr };
}

/** The host app of a backend (aot: the one built for `assetId`). */
export function hostApp(backend: Backend, assetId: string): string {
  return join(OUT, "host", backend, ...(isAot(backend) ? [assetId] : []), "fw");
}

/** Run a firmware image in QEMU through firmware/scripts/run-qemu.sh. */
export function runQemu(board: Board, elf: string, timeoutSeconds = 300): Run {
  return run(join(ROOT, "firmware/scripts/run-qemu.sh"), ["--machine", board, "--timeout", String(timeoutSeconds), elf]);
}

export interface Assets {
  dir: string;
  model: Uint8Array;
  inputs: Int8Array[];
  kernel: string;
}

/** The files make-assets.mjs wrote for an asset id, with the inputs split by the model's input size. */
export function readAssets(assetId: string): Assets {
  const dir = join(OUT, "assets", assetId);
  const model = new Uint8Array(readFileSync(join(dir, "model.addn")));
  const q = readModel(model);
  const t = q.tensors[q.input]!;
  const size = t.height * t.width * t.channels;
  const all = new Int8Array(readFileSync(join(dir, "inputs.bin")));
  const inputs = Array.from({ length: all.length / size }, (_, i) => all.slice(i * size, (i + 1) * size));
  return { dir, model, inputs, kernel: join(dir, "kernel.wasm") };
}

/** The TypeScript reference's output for each input, in the app's hex. */
export function referenceHex(model: Uint8Array, inputs: Int8Array[]): string[] {
  const q = readModel(model);
  return inputs.map((x) => Buffer.from(runReference(q, x).buffer).toString("hex"));
}

/** output.<i>.hex of a run, for i = 0 .. count-1. */
export function outputsHex(r: Run, count: number): (string | undefined)[] {
  return Array.from({ length: count }, (_, i) => r.kv.get(`output.${i}.hex`));
}

/** Describe a failed run for an assertion message. */
export function describeRun(what: string, r: Run): string {
  return `${what}: exit ${r.status}\n${r.stdout}${r.stderr}`;
}
