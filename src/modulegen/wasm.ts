// Just enough of the WebAssembly binary format to rewrite a compiled kernel module:
// LEB128, the section list, and the constant expressions of globals and data segments.

export const SECTION = { custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, start: 8, element: 9, code: 10, data: 11, dataCount: 12 } as const;

export const OP_I32_CONST = 0x41;
export const OP_I64_CONST = 0x42;
const OP_F32_CONST = 0x43;
const OP_F64_CONST = 0x44;
const OP_GLOBAL_GET = 0x23;
const OP_END = 0x0b;
const OP_SIMD_PREFIX = 0xfd;
const SIMD_V128_CONST = 0x0c;

export class ByteReader {
  pos: number;
  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length) {
    this.pos = start;
  }
  byte(): number {
    if (this.pos >= this.end) throw new Error(`wasm: unexpected end of data at byte ${this.pos}`);
    return this.bytes[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new Error(`wasm: LEB128 u32 too long at byte ${this.pos}`);
  }
  /** Signed LEB128 of up to 64 bits. */
  s64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) {
        if (b & 0x40) result -= 1n << shift;
        return result;
      }
      if (shift > 70n) throw new Error(`wasm: LEB128 s64 too long at byte ${this.pos}`);
    }
  }
  take(n: number): Uint8Array {
    if (this.pos + n > this.end) throw new Error(`wasm: ${n} bytes at ${this.pos} run past the end (${this.end})`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

export function encodeU32(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`wasm: ${value} is not a u32`);
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
  return out;
}

/** Minimal signed LEB128 (what compilers emit for i32.const / i64.const). */
export function encodeS64(value: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(value & 0x7fn);
    value >>= 7n;
    const done = (value === 0n && (b & 0x40) === 0) || (value === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

export interface Section {
  id: number;
  /** The section's payload (without id and size). */
  body: Uint8Array;
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function readSections(module: Uint8Array): Section[] {
  if (module.length < 8 || HEADER.some((b, i) => module[i] !== b)) throw new Error("wasm: not a WebAssembly version 1 module");
  const r = new ByteReader(module, 8);
  const sections: Section[] = [];
  while (r.pos < module.length) {
    const id = r.byte();
    const size = r.u32();
    sections.push({ id, body: r.take(size) });
  }
  return sections;
}

export function writeSections(sections: readonly Section[]): Uint8Array {
  return concat([HEADER, ...sections.flatMap(({ id, body }) => [[id, ...encodeU32(body.length)], body])]);
}

/** A constant expression as found (its raw bytes, end included) and its integer value if it is iNN.const. */
export interface ConstExpr {
  bytes: Uint8Array;
  value?: bigint;
}

export function readConstExpr(r: ByteReader): ConstExpr {
  const start = r.pos;
  let value: bigint | undefined;
  const op = r.byte();
  if (op === OP_I32_CONST || op === OP_I64_CONST) value = r.s64();
  else if (op === OP_F32_CONST) r.take(4);
  else if (op === OP_F64_CONST) r.take(8);
  else if (op === OP_GLOBAL_GET) r.u32();
  else if (op === OP_SIMD_PREFIX && r.u32() === SIMD_V128_CONST) r.take(16);
  else throw new Error(`wasm: unsupported constant expression opcode 0x${op.toString(16)} at byte ${start}`);
  if (r.byte() !== OP_END) throw new Error(`wasm: constant expression at byte ${start} is not a single instruction`);
  return { bytes: r.bytes.subarray(start, r.pos), value };
}

/** Concatenate byte arrays and number lists. */
export function concat(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Export name → (kind, index). */
export function readExports(sections: readonly Section[]): Map<string, { kind: number; index: number }> {
  const exports = new Map<string, { kind: number; index: number }>();
  const section = sections.find((s) => s.id === SECTION.export);
  if (!section) return exports;
  const r = new ByteReader(section.body);
  for (let n = r.u32(); n > 0; n--) {
    const name = new TextDecoder().decode(r.take(r.u32()));
    const kind = r.byte();
    exports.set(name, { kind, index: r.u32() });
  }
  return exports;
}
