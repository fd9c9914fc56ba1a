#!/usr/bin/env node
// Flash and RAM of a firmware image by component, from the linker's map file:
//
//   node firmware/scripts/sizes.mjs build/firmware/<board>/<backend>/<assets>/fw.map
//
// Prints key=value lines:
//   flash_runtime_bytes   the runtime: WAMR or wasm3 (libwamr*.a, libwasm3.a), or the aot
//                         backend's wasm2c runtime, and the backend glue (backend_*.o)
//   flash_library_bytes   the embedding library (libaddernet.a)
//   flash_kernel_bytes    the kernel: its .wasm bytes (interpreters) or its native code (aot)
//   flash_model_bytes     the .addn model
//   flash_inputs_bytes    the test inputs
//   flash_rest_bytes      the app, startup, C library, libgcc and alignment
//   flash_total_bytes     all of the above (what is programmed into flash)
//   sram_data_bytes, sram_bss_bytes, sram_stack_bytes   static RAM
//   sram_pool_bytes       what is left of SRAM for the library's pool
//   flash_region_bytes, sram_region_bytes               the part's memory, from the .ld
import { readFileSync } from "node:fs";

function category(section, file) {
  if (section.startsWith(".rodata.addernet_kernel") || /kernel_w2c\.o$/.test(file)) return "kernel";
  if (section.startsWith(".rodata.addernet_model")) return "model";
  if (section.startsWith(".rodata.addernet_inputs")) return "inputs";
  if (/lib(wamr[-a-z]*|wasm3)\.a\(/.test(file) || /backend_(wamr|wasm3|aot)\.o$/.test(file)) return "runtime";
  if (/libaddernet\.a\(/.test(file)) return "library";
  return "rest";
}

export function mapSizes(text) {
  const lines = text.split("\n");
  const regions = new Map();
  let i = lines.findIndex((l) => l.startsWith("Memory Configuration"));
  for (i += 3; i < lines.length && lines[i].trim() !== ""; i++) {
    const m = /^(\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)/.exec(lines[i]);
    if (m && m[1] !== "*default*") regions.set(m[1], { origin: parseInt(m[2], 16), length: parseInt(m[3], 16) });
  }
  for (const name of ["FLASH", "SRAM"]) if (!regions.has(name)) throw new Error(`the map file has no ${name} memory region`);
  const inRegion = (name, addr) => addr >= regions.get(name).origin && addr < regions.get(name).origin + regions.get(name).length;

  // Sections that are not loaded (debug info, notes, attributes) have address 0, which lies in
  // FLASH on boards whose flash starts at 0 (mps2-an500): they are left out by name.
  const notLoaded = (name) => /^\.(debug|comment|ARM\.attributes|stab|note|gnu)/.test(name);
  const flash = { runtime: 0, library: 0, kernel: 0, model: 0, inputs: 0, rest: 0 };
  const out = new Map(); // output section -> { addr, size, load }
  let current = null;
  let pendingName = null;
  const start = lines.findIndex((l) => l.startsWith("Linker script and memory map"));
  for (let k = start + 1; k < lines.length; k++) {
    const line = lines[k];
    const outSec = /^(\.[^\s]+)(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)(?:\s+load address 0x([0-9a-f]+))?)?/.exec(line);
    if (outSec) {
      let [, name, addr, size, load] = outSec;
      if (addr === undefined) {
        const next = /^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)(?:\s+load address 0x([0-9a-f]+))?/.exec(lines[k + 1] ?? "");
        if (!next) continue;
        [, addr, size, load] = next;
        k++;
      }
      // Only .data has a copy in flash; .bss, .stack and .pool are NOLOAD (cortex-m.ld).
      if (name !== ".data") load = undefined;
      if (notLoaded(name)) {
        current = null;
        continue;
      }
      current = { name, addr: parseInt(addr, 16), size: parseInt(size, 16), load: load === undefined ? undefined : parseInt(load, 16) };
      out.set(name, current);
      continue;
    }
    if (!current) continue;
    // an input section: " .name addr size file", or " .name" with the rest on the next line
    let m = /^ (\.\S+|COMMON)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    if (!m) {
      const only = /^ (\.\S+|COMMON)$/.exec(line);
      if (only) pendingName = only[1];
      const rest = pendingName && /^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
      if (rest) {
        m = [line, pendingName, rest[1], rest[2], rest[3]];
        pendingName = null;
      }
    }
    if (!m) continue;
    const size = parseInt(m[3], 16);
    const inFlash = inRegion("FLASH", current.addr) || (current.load !== undefined && inRegion("FLASH", current.load));
    if (size > 0 && inFlash && current.size > 0) flash[category(m[1], m[4])] += size;
  }

  const flashTotal = [...out.values()]
    .filter((s) => inRegion("FLASH", s.addr) || (s.load !== undefined && inRegion("FLASH", s.load) && s.size > 0))
    .reduce((n, s) => n + s.size, 0);
  // alignment fill and anything unattributed belongs to the rest
  const named = Object.values(flash).reduce((a, b) => a + b, 0);
  flash.rest += flashTotal - named;
  const size = (name) => out.get(name)?.size ?? 0;
  const sram = regions.get("SRAM");
  const pool = out.get(".pool");
  return {
    flash_runtime_bytes: flash.runtime,
    flash_library_bytes: flash.library,
    flash_kernel_bytes: flash.kernel,
    flash_model_bytes: flash.model,
    flash_inputs_bytes: flash.inputs,
    flash_rest_bytes: flash.rest,
    flash_total_bytes: flashTotal,
    flash_region_bytes: regions.get("FLASH").length,
    sram_data_bytes: size(".data"),
    sram_bss_bytes: size(".bss"),
    sram_stack_bytes: size(".stack"),
    sram_pool_bytes: pool ? sram.origin + sram.length - pool.addr : 0,
    sram_region_bytes: sram.length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2];
  if (!path) {
    console.error("usage: sizes.mjs <fw.map>");
    process.exit(2);
  }
  try {
    for (const [k, v] of Object.entries(mapSizes(readFileSync(path, "utf8")))) console.log(`${k}=${v}`);
  } catch (e) {
    console.error(`sizes: ${path}: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
