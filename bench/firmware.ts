// The firmware figures of `npm run bench`: every board × runtime × model built, run in QEMU and
// measured by firmware/scripts/measure.mjs (flash and SRAM from the map file and the run,
// instructions counted under -icount), in the stream flavour (weights stay in flash).
//
//   1. digits and ResNet-20 on every board × runtime: flash, SRAM, instructions per inference
//      and the time they imply at the part's clock (an estimate); the MLPerf Tiny DS-CNN keyword
//      spotter, adder and multiply, on the Cortex-M4's interpreters
//   2. the SRAM goals: ResNet-20 linked into a 96 KiB SRAM region with a 4 KiB stack, digits into
//      32 KiB, on every runtime (does it run, and give the reference's bytes?)
//   3. on the Cortex-M4 (netduinoplus2), ahead of time: one 3×3 adder conv against the same
//      multiply conv, and the adder nets (DS-CNN too) against the CNNs of the same shapes

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const KIB = 1024;

/** One image's figures, as measure.mjs reports them (the fields the bench reads). */
export interface FirmwareRow {
  config: string;
  model: string;
  board: string;
  backend: string;
  /** The app's exit status, or "build failed" (e.g. it does not fit the part's memory). */
  exit: string;
  /** Why it failed: the linker's or the library's message. */
  error?: string;
  reference_bytes_identical: number;
  instructions_steady: number;
  instructions_per_tap: number;
  model_taps: number;
  estimate_ms_at_part_clock: number;
  part_clock_hz: number;
  flash_runtime_bytes: number;
  flash_library_bytes: number;
  flash_kernel_bytes: number;
  flash_model_bytes: number;
  flash_total_bytes: number;
  sram_total_bytes: number;
  sram_region_bytes: number;
  pool_high_water_bytes: number;
  stack_high_water_bytes: number;
  linear_memory_bytes: number;
}

/** Whether an image runs, and gives the reference's bytes, with less SRAM than the part has. */
export interface BudgetProbe {
  budget: string;
  rows: FirmwareRow[];
}

export interface FirmwareBench {
  /** Why nothing was measured (the toolchain is missing), or undefined. */
  unavailable?: string;
  rows: FirmwareRow[];
  budgets: BudgetProbe[];
  /** Instructions of the adder model over its multiply twin, per backend on the Cortex-M4. */
  adderOverMultiply: { adder: string; multiply: string; backend: string; ratio: number }[];
}

const BOARDS = ["netduinoplus2", "mps2-an500"];
const INTERPRETERS = ["wamr", "wamr-classic", "wasm3"];
const AOT = ["aot", "aot-unchecked"];
/** Adder models and their multiply twins (firmware/scripts/make-assets.mjs). */
const TWINS = [["conv-adder", "conv-multiply"], ["digits", "digits-cnn"], ["resnet20", "resnet20-cnn"], ["ds-cnn-adder", "ds-cnn-multiply"]] as const;
/** The MLPerf Tiny keyword spotter (`addernet zoo`) on the Cortex-M4's interpreters. */
const DS_CNN = ["ds-cnn-adder", "ds-cnn-multiply"];

function missingTool(): string | undefined {
  for (const tool of ["arm-none-eabi-gcc", "qemu-system-arm", "wasm2c"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) return `${tool} not found: run bash scripts/install-firmware.sh`;
  }
  return undefined;
}

interface MeasureArgs {
  models: readonly string[];
  boards: readonly string[];
  backends: readonly string[];
  build?: string;
  extra?: string[];
  /** Budget probes: an image that does not fit is a result, not an error. */
  failuresAreResults?: boolean;
}

/** measure.mjs over models × boards × backends; its progress lines go to stderr. */
function measure(args: MeasureArgs, progress: (line: string) => void): FirmwareRow[] {
  const argv = ["firmware/scripts/measure.mjs", "--model", args.models.join(","), "--flavour", "stream", "--boards", args.boards.join(","),
    "--backends", args.backends.join(","), "--kernel-build", args.build ?? "scalar", "--inputs", "1", "--json", ...(args.extra ?? [])];
  progress(`firmware: ${args.models.join(", ")} on ${args.boards.join(", ")} × ${args.backends.join(", ")} ${(args.extra ?? []).join(" ")}…`);
  const run = spawnSync("node", argv, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  const failed = run.status !== 0 && !(args.failuresAreResults && run.status === 1 && run.stdout.trim().startsWith("["));
  if (failed) throw new Error(`node ${argv.join(" ")} failed (exit ${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as FirmwareRow[];
}

/** The issue's SRAM goals: ResNet-20 in 96 KiB with an interpreter, digits in 32 KiB. */
const BUDGETS = [
  { budget: "ResNet-20 in a 96 KiB SRAM region, 4 KiB stack", model: "resnet20", sram: "96K", stack: "4K", backends: [...INTERPRETERS, ...AOT] },
  { budget: "digits in a 32 KiB SRAM region, 4 KiB stack", model: "digits", sram: "32K", stack: "4K", backends: [...INTERPRETERS, ...AOT] },
];

export function benchFirmware(quick: boolean, progress: (line: string) => void): FirmwareBench {
  const unavailable = missingTool();
  if (unavailable) return { unavailable, rows: [], budgets: [], adderOverMultiply: [] };
  const models = quick ? ["digits"] : ["digits", "resnet20"];
  const rows = [
    ...measure({ models, boards: BOARDS, backends: [...INTERPRETERS, ...AOT] }, progress),
    ...measure({ models, boards: ["netduinoplus2"], backends: ["wamr-simd"], build: "simd" }, progress),
    ...(quick ? [] : measure({ models: DS_CNN, boards: ["netduinoplus2"], backends: INTERPRETERS }, progress)),
  ];
  const budgets = (quick ? BUDGETS.slice(1) : BUDGETS).map((b) => ({
    budget: b.budget,
    rows: measure({ models: [b.model], boards: ["netduinoplus2"], backends: b.backends, extra: ["--sram-bytes", b.sram, "--stack-bytes", b.stack], failuresAreResults: true }, progress),
  }));
  const twins = quick ? TWINS.slice(0, 2) : TWINS;
  const twinRows = measure({ models: twins.flatMap(([a, m]) => [a, m]), boards: ["netduinoplus2"], backends: AOT }, progress);
  const adderOverMultiply = twins.flatMap(([adder, multiply]) => AOT.map((backend) => {
    const find = (model: string) => twinRows.find((r) => r.model === model && r.backend === backend)!;
    return { adder, multiply, backend, ratio: find(adder).instructions_steady / find(multiply).instructions_steady };
  }));
  return { rows: [...rows, ...twinRows.filter((r) => !rows.some((o) => o.config === r.config))], budgets, adderOverMultiply };
}

const kib = (bytes: number) => (bytes / KIB).toFixed(1);
const millions = (n: number) => (n / 1e6).toFixed(2);

export function formatFirmwareBench(bench: FirmwareBench): string {
  if (bench.unavailable) return `firmware not measured: ${bench.unavailable}`;
  const lines = [
    "board          runtime        model            flash KiB (runtime+library+kernel+model = total)   SRAM KiB used (region)   " +
      "M instr/inference  instr/tap  est. ms at part clock  bytes",
  ];
  for (const r of bench.rows) {
    const flash = `${kib(r.flash_runtime_bytes)}+${kib(r.flash_library_bytes)}+${kib(r.flash_kernel_bytes)}+${kib(r.flash_model_bytes)} = ${kib(r.flash_total_bytes)}`;
    lines.push(`${r.board.padEnd(14)} ${r.backend.padEnd(14)} ${r.model.padEnd(16)} ${flash.padEnd(50)} ` +
      `${`${kib(r.sram_total_bytes)} (${kib(r.sram_region_bytes)})`.padEnd(24)} ${millions(r.instructions_steady).padStart(17)}  ` +
      `${r.instructions_per_tap.toFixed(2).padStart(9)}  ${r.estimate_ms_at_part_clock.toFixed(1).padStart(21)}  ` +
      `${r.reference_bytes_identical ? "identical" : "DIFFER"}`);
  }
  const get = (model: string, backend: string) => bench.rows.find((r) => r.board === "netduinoplus2" && r.model === model && r.backend === backend);
  const wamr = get("resnet20", "wamr"), aot = get("resnet20", "aot"), unchecked = get("resnet20", "aot-unchecked");
  if (wamr && aot && unchecked) {
    lines.push("", `ResNet-20 on netduinoplus2: WAMR fast interpreter / aot = ${(wamr.instructions_steady / aot.instructions_steady).toFixed(1)}x ` +
      `(aot-unchecked ${(wamr.instructions_steady / unchecked.instructions_steady).toFixed(1)}x; goal ≥ 10x); instructions per tap: ` +
      `aot ${aot.instructions_per_tap.toFixed(2)}, aot-unchecked ${unchecked.instructions_per_tap.toFixed(2)} (goal ≤ 6)`);
  }
  for (const probe of bench.budgets) {
    lines.push("", `${probe.budget} (netduinoplus2):`);
    for (const r of probe.rows) {
      lines.push(`  ${r.backend.padEnd(14)} ${r.reference_bytes_identical ? `runs, ${kib(r.sram_total_bytes)} KiB used, output identical to the reference` : `does not run: ${r.error ?? `exit ${r.exit}`}`}`);
    }
  }
  lines.push("", "adder / multiply instructions on the Cortex-M4 (netduinoplus2), same shapes (goal ≤ 1.0x):");
  for (const t of bench.adderOverMultiply) lines.push(`  ${`${t.adder} / ${t.multiply}`.padEnd(28)} ${t.backend.padEnd(14)} ${t.ratio.toFixed(2)}x`);
  return lines.join("\n");
}
