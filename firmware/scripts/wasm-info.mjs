// What the firmware build needs to know about a kernel module: its function imports and
// exports with their types, and the value of its __heap_base export. Parsed from the
// bytes with the host's own wasm reader (dist/modulegen/wasm.js).
import { ByteReader, readConstExpr, readExports, readSections, SECTION } from "../../dist/modulegen/wasm.js";
import { crc32 } from "../../dist/format/crc32.js";

const VALTYPES = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref" };
const KIND = { function: 0, table: 1, memory: 2, global: 3 };

function valtype(r) {
  const b = r.byte();
  const t = VALTYPES[b];
  if (!t) throw new Error(`wasm: unknown value type 0x${b.toString(16)}`);
  return t;
}

function skipLimits(r) {
  const flags = r.byte();
  r.u32();
  if (flags & 1) r.u32();
}

/**
 * @param {Uint8Array} bytes
 * @returns {{ imports: {module: string, name: string, params: string[], results: string[]}[],
 *             exports: {name: string, params: string[], results: string[]}[],
 *             heapBase: number | undefined, memoryBytes: number, crc32: number, bytes: number }}
 * memoryBytes: the initial size of its memory (pages × 64 KiB; 0 without a memory)
 */
export function kernelInfo(bytes) {
  const sections = readSections(bytes);
  const body = (id) => sections.find((s) => s.id === id)?.body;
  const text = new TextDecoder();
  const types = [];
  if (body(SECTION.type)) {
    const r = new ByteReader(body(SECTION.type));
    for (let n = r.u32(); n > 0; n--) {
      if (r.byte() !== 0x60) throw new Error("wasm: a type is not a function type");
      const params = Array.from({ length: r.u32() }, () => valtype(r));
      const results = Array.from({ length: r.u32() }, () => valtype(r));
      types.push({ params, results });
    }
  }
  const funcTypes = []; // function index space → type
  const imports = [];
  let importedGlobals = 0;
  if (body(SECTION.import)) {
    const r = new ByteReader(body(SECTION.import));
    for (let n = r.u32(); n > 0; n--) {
      const module = text.decode(r.take(r.u32()));
      const name = text.decode(r.take(r.u32()));
      const kind = r.byte();
      if (kind === KIND.function) {
        const type = types[r.u32()];
        funcTypes.push(type);
        imports.push({ module, name, ...type });
      } else {
        if (kind === KIND.table) (r.byte(), skipLimits(r));
        else if (kind === KIND.memory) skipLimits(r);
        else if (kind === KIND.global) (r.byte(), r.byte(), importedGlobals++);
        imports.push({ module, name, kind });
      }
    }
  }
  if (body(SECTION.function)) {
    const r = new ByteReader(body(SECTION.function));
    for (let n = r.u32(); n > 0; n--) funcTypes.push(types[r.u32()]);
  }
  const exported = readExports(sections);
  const exports = [...exported]
    .filter(([, e]) => e.kind === KIND.function)
    .map(([name, e]) => ({ name, ...funcTypes[e.index] }));
  let heapBase;
  const hb = exported.get("__heap_base");
  if (hb && hb.kind === KIND.global && hb.index >= importedGlobals && body(SECTION.global)) {
    const r = new ByteReader(body(SECTION.global));
    const count = r.u32();
    for (let i = 0; i < count; i++) {
      const type = valtype(r);
      r.byte(); // mutability
      const init = readConstExpr(r);
      if (i === hb.index - importedGlobals) {
        if (type !== "i32" || init.value === undefined) throw new Error("wasm: __heap_base is not an i32 constant");
        heapBase = Number(init.value) >>> 0;
      }
    }
  }
  let memoryBytes = 0;
  if (body(SECTION.memory)) {
    const r = new ByteReader(body(SECTION.memory));
    if (r.u32() > 0) {
      r.byte();
      memoryBytes = r.u32() * 65536;
    }
  }
  return { imports, exports, heapBase, memoryBytes, crc32: crc32(bytes, 0) >>> 0, bytes: bytes.length };
}
