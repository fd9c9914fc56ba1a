#!/usr/bin/env node
// Builds, runs in QEMU and measures firmware images: flash by component (from the map file),
// static and dynamic RAM, instructions per inference. One key=value block per image, then
// (with --table) a Markdown table of the same figures, or (with --json) one JSON array.
//
//   node firmware/scripts/measure.mjs --model MODEL[,MODEL…] --flavour arena|stream
//        [--boards netduinoplus2,mps2-an500] [--backends wamr,wamr-classic,wasm3,aot,aot-unchecked]
//        [--kernel-build scalar|simd] [--inputs N] [--scratch-bytes N] [--sram-bytes 96K]
//        [--stack-bytes 4K] [--table | --json]
//
// MODEL: digits, digits-cnn, resnet20, resnet20-cnn, conv-adder, conv-multiply, random-N, the
// zoo's NAME-adder and NAME-multiply (firmware/scripts/make-assets.mjs). Every figure comes from the run or the map file:
//   instructions_first, instructions_steady  the first inference and the last one (the first
//                                            includes wasm3's lazy compilation)
//   sram_total_bytes = .data + .bss + pool high-water + stack high-water: the RAM the image
//                      used (aot: the kernel's linear memory is a static buffer in .bss)
//   model_taps         |x − w| (adder) and x·w (multiply) terms of one inference: output
//                      pixels × weights of every conv-like op; instructions_per_tap divides by it
//   estimate_ms_at_part_clock  instructions_steady at one instruction per cycle of the part's
//                      clock (PART_CLOCK_HZ): an estimate, and a low one (loads, taken branches
//                      and flash wait states cost more than a cycle on real parts)
// and every run is checked against the TypeScript reference (expected.bin); a mismatch fails.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { readModel } = await import(join(root, "dist/format/reader.js"));

/** Terms of one inference: for each conv-like op, output pixels × its weights. */
function modelTaps(model) {
  const q = readModel(model);
  return q.ops.filter((op) => op.weights).reduce((n, op) => {
    const out = q.tensors[op.output];
    return n + out.height * out.width * op.weights.length;
  }, 0);
}

/**
 * The clock of the part each board stands for: netduinoplus2 is an STM32F405 (168 MHz);
 * mps2-an500 is a Cortex-M7 board whose memory we budget as an STM32F746's (216 MHz).
 */
const PART_CLOCK_HZ = { netduinoplus2: 168e6, "mps2-an500": 216e6 };

function parseKv(text) {
  const kv = new Map();
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return kv;
}

function make(args) {
  return execFileSync("make", ["-s", "-j2", "-C", join(root, "firmware"), ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
}

/** What stopped a run: the library's message, or run-qemu.sh's (a fault, a lockup, a time-out). */
function runError(kv, stderr) {
  if (kv.has("error")) {
    // the status of the step that failed: the first that is not OK
    const failed = ["init_status_name", "load_status_name", "invoke_status_name"].map((k) => kv.get(k)).find((name) => name && name !== "OK");
    return { error: `${failed ?? ""}: ${kv.get("error")}` };
  }
  const qemu = stderr.split("\n").filter((l) => l.startsWith("run-qemu:")).join("; ");
  return qemu ? { error: qemu } : {};
}

/** Build, run and measure one image; `vars` are the make variables of its assets. */
function measureImage(board, backend, model, values) {
  const vars = [`MODEL=${model}`, `FLAVOUR=${values.flavour}`, `KERNEL_BUILD=${values["kernel-build"]}`, `INPUTS=${values.inputs}`];
  if (values["sram-bytes"]) vars.push(`SRAM_BYTES=${values["sram-bytes"]}`);
  if (values["stack-bytes"]) vars.push(`STACK_BYTES=${values["stack-bytes"]}`);
  if (values["scratch-bytes"]) vars.push(`SCRATCH_BYTES=${values["scratch-bytes"]}`);
  const assetId = `${model}-${values.flavour}-${values["kernel-build"]}${values["scratch-bytes"] ? `-scratch${values["scratch-bytes"]}` : ""}`;
  const config = `${board}/${backend}/${assetId}${values["sram-bytes"] ? `/sram${values["sram-bytes"]}` : ""}${values["stack-bytes"] ? `/stack${values["stack-bytes"]}` : ""}`;
  try {
    make([`${board}-${backend}`, ...vars]);
  } catch (e) {
    // e.g. an image that does not fit the part's memory fails to link
    const error = `${e.stdout ?? ""}${e.stderr ?? ""}`.trim().split("\n").filter((l) => /error|overflow|will not fit/i.test(l)).join("; ");
    console.error(`measure: ${config}: the build failed: ${error || e.message}`);
    process.exitCode = 1;
    return { config, model, flavour: values.flavour, kernel_build: values["kernel-build"], board, backend, exit: "build failed", error, reference_bytes_identical: 0 };
  }
  const expected = readFileSync(join(root, "build/firmware/assets", assetId, "expected.bin"));
  const taps = modelTaps(new Uint8Array(readFileSync(join(root, "build/firmware/assets", assetId, "model.addn"))));
  const run = spawnSync("make", ["-s", "-C", join(root, "firmware"), `run-${board}-${backend}`, ...vars], { encoding: "utf8", maxBuffer: 64 << 20 });
  const kv = parseKv(run.stdout);
  const n = Number(kv.get("inputs"));
  const out = Buffer.from(Array.from({ length: n }, (_, i) => kv.get(`output.${i}.hex`) ?? "").join(""), "hex");
  const same = kv.get("exit") === "0" && out.equals(expected);
  const sizes = parseKv(make([`sizes-${board}-${backend}`, ...vars]));
  const num = (m, k) => Number(m.get(k) ?? NaN);
  const steady = num(kv, `instructions.${n - 1}`);
  const row = {
    config, model, flavour: values.flavour, kernel_build: values["kernel-build"], board, backend,
    exit: kv.get("exit") ?? String(run.status), reference_bytes_identical: same ? 1 : 0,
    ...runError(kv, run.stderr),
    instructions_first: num(kv, "instructions.0"), instructions_steady: steady,
    open_instructions: num(kv, "open_instructions"),
    model_taps: taps, instructions_per_tap: Number((steady / taps).toFixed(2)),
    part_clock_hz: PART_CLOCK_HZ[board], estimate_ms_at_part_clock: Number(((1e3 * steady) / PART_CLOCK_HZ[board]).toFixed(3)),
    ...Object.fromEntries([...sizes].map(([k, v]) => [k, Number(v)])),
    linear_memory_bytes: num(kv, "linear_memory_bytes"), pool_high_water_bytes: num(kv, "pool_high_water_bytes"),
    stack_high_water_bytes: num(kv, "stack_high_water_bytes"),
  };
  row.sram_total_bytes = row.sram_data_bytes + row.sram_bss_bytes + row.pool_high_water_bytes + row.stack_high_water_bytes;
  if (!same) {
    console.error(`measure: ${row.config}: exit ${row.exit}, outputs differ from the reference\n${run.stdout}${run.stderr}`);
    process.exitCode = 1;
  }
  return row;
}

function main() {
  const { values } = parseArgs({
    options: {
      model: { type: "string", default: "digits" },
      flavour: { type: "string", default: "arena" },
      boards: { type: "string", default: "netduinoplus2,mps2-an500" },
      backends: { type: "string", default: "wamr,wamr-classic,wasm3,aot,aot-unchecked" },
      "kernel-build": { type: "string", default: "scalar" },
      inputs: { type: "string", default: "4" }, // as the Makefile: the same assets as the tests' images
      "sram-bytes": { type: "string" },
      "stack-bytes": { type: "string" },
      "scratch-bytes": { type: "string" },
      table: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const rows = [];
  for (const model of values.model.split(",")) {
    for (const board of values.boards.split(",")) {
      if (!(board in PART_CLOCK_HZ)) throw new Error(`unknown board ${board}: expected one of ${Object.keys(PART_CLOCK_HZ).join(", ")}`);
      for (const backend of values.backends.split(",")) {
        if (values.json) console.error(`measure: ${board} ${backend} ${model}…`);
        const row = measureImage(board, backend, model, values);
        rows.push(row);
        if (!values.json) {
          for (const [k, v] of Object.entries(row)) console.log(`${k}=${v}`);
          console.log("");
        }
      }
    }
  }
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  if (values.table) {
    // sizes in KiB; "rest" is the app, startup, C library and the test inputs
    const kib = (b) => (b / 1024).toFixed(1);
    console.log("| board | backend | model | flash: runtime | library | kernel | model | rest | total | RAM: .data+.bss | pool high-water | stack high-water | total | linear memory | instructions/inference |");
    console.log("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const r of rows) {
      if (!r.reference_bytes_identical) {
        console.log(`| ${r.board} | ${r.backend} | ${r.model} | ${r.exit === "build failed" ? "does not build" : `exit ${r.exit}`}: ${r.error ?? "outputs differ"} |||||||||||||`);
        continue;
      }
      console.log(`| ${r.board} | ${r.backend} | ${r.model} | ${kib(r.flash_runtime_bytes)} | ${kib(r.flash_library_bytes)} | ${kib(r.flash_kernel_bytes)} | ${kib(r.flash_model_bytes)} | ` +
        `${kib(r.flash_inputs_bytes + r.flash_rest_bytes)} | ${kib(r.flash_total_bytes)} | ` +
        `${kib(r.sram_data_bytes + r.sram_bss_bytes)} | ${kib(r.pool_high_water_bytes)} | ${kib(r.stack_high_water_bytes)} | ` +
        `${kib(r.sram_total_bytes)} | ${kib(r.linear_memory_bytes)} | ${r.instructions_steady.toLocaleString("en-US")} |`);
    }
  }
}

try {
  main();
} catch (e) {
  console.error(`measure: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
