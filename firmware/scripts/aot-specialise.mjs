#!/usr/bin/env node
// Specialises wasm2c's output (wabt 1.0.32) to the kernel's fixed linear memory, in place:
//
//   node firmware/scripts/aot-specialise.mjs <kernel_w2c.c>
//
// The kernel's memory never grows (initial = maximum) and the aot backend gives it exactly
// __heap_base bytes at a fixed address (an_aot_linear_memory, backend_aot.c). wasm2c's generic
// accessors re-read the memory's base and size from the instance at every access (a store
// through the memory may alias them) and compare in 64 bits; with the base and the bound as
// link-time constants the checks stay, and get cheaper. Every access is still bounds-checked:
// an address past __heap_base traps (OOB), as before.
//
// Each replacement must match exactly once, or the script fails naming it.
import { readFileSync, writeFileSync } from "node:fs";

const EDITS = [
  ["#define MEMCHECK(mem, a, t) RANGE_CHECK(mem, a, sizeof(t))", "#define MEMCHECK(mem, a, t) AN_AOT_MEMCHECK(a, sizeof(t))"],
  ["wasm_rt_memcpy(&result, &mem->data[addr], sizeof(t1));", "wasm_rt_memcpy(&result, &AN_AOT_MEMORY[addr], sizeof(t1));"],
  ["wasm_rt_memcpy(&mem->data[addr], &wrapped, sizeof(t1));", "wasm_rt_memcpy(&AN_AOT_MEMORY[addr], &wrapped, sizeof(t1));"],
];
const HEADER = `#include "aot_memory.h" /* added by firmware/scripts/aot-specialise.mjs */\n`;

const path = process.argv[2];
try {
  if (!path) throw new Error("usage: aot-specialise.mjs <kernel_w2c.c>");
  let text = readFileSync(path, "utf8");
  if (text.startsWith(HEADER)) throw new Error(`${path} is already specialised`);
  for (const [from, to] of EDITS) {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`${path}: expected "${from}" once (wasm2c 1.0.32's output), found it ${count} times`);
    text = text.replace(from, to);
  }
  writeFileSync(path, HEADER + text);
} catch (e) {
  console.error(`aot-specialise: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
