// Just enough of a WebAssembly assembler to write the float reference's two SIMD loops
// (src/graph/float_kernel.ts) in this file's instruction names: a module that exports its memory
// and a few functions of i32 parameters. Code is a flat list of instructions in stack order.

export type Code = number[];

const uleb = (value: number): number[] => {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
};

const sleb = (value: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
};

const simd = (op: number): Code => [0xfd, ...uleb(op)];
const memarg = (align: number, offset: number): Code => [align, ...uleb(offset)];

/** Instructions (names as in the text format). */
export const op = {
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  brIf: (depth: number): Code => [0x0d, ...uleb(depth)],
  get: (local: number): Code => [0x20, ...uleb(local)],
  set: (local: number): Code => [0x21, ...uleb(local)],
  tee: (local: number): Code => [0x22, ...uleb(local)],
  i32: (value: number): Code => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32LtU: [0x49],
  i32And: [0x71],
  select: [0x1b],
  f64Lt: [0x63],
  f64Gt: [0x64],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f32DemoteF64: [0xb6],
  f32Store: (offset = 0): Code => [0x38, ...memarg(2, offset)],
  f64Load: (offset = 0): Code => [0x2b, ...memarg(3, offset)],
  f64Store: (offset = 0): Code => [0x39, ...memarg(3, offset)],
  memoryCopy: [0xfc, ...uleb(10), 0x00, 0x00],
  memoryFill: [0xfc, ...uleb(11), 0x00],
  v128Load: (offset = 0): Code => [...simd(0x00), ...memarg(4, offset)],
  v128Zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  /** Lanes 2 and 3 of an f32x4 moved to lanes 0 and 1. */
  highHalf: [...simd(0x0d), 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7],
  f64x2ExtractLane: (lane: number): Code => [...simd(0x21), lane],
  f64x2PromoteLowF32x4: simd(0x5f),
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
  /** b < a ? b : a, lane by lane (one instruction on x86, unlike f32x4.min). */
  f32x4Pmin: simd(0xea),
  f64x2Add: simd(0xf0),
} as const;

export interface WasmFunction {
  name: string;
  params: number;
  /** Locals beyond the parameters, numbered on from them: the i32s, then the f64s, then the v128s. */
  locals: { i32: number; f64: number; v128: number };
  body: Code;
}

const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (text: string): number[] => {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
};

/** A module exporting "memory" (`pages` of 64 KiB, growable) and `functions` (i32 params, no results). */
export function assembleModule(functions: WasmFunction[], pages: number): Uint8Array<ArrayBuffer> {
  const I32 = 0x7f;
  const F64 = 0x7c;
  const V128 = 0x7b;
  const types = functions.map((f) => [0x60, ...uleb(f.params), ...new Array<number>(f.params).fill(I32), 0]);
  const bodies = functions.map((f) => {
    const { i32, f64, v128 } = f.locals;
    const locals = vector([[...uleb(i32), I32], [...uleb(f64), F64], [...uleb(v128), V128]]);
    const code = [...locals, ...f.body, ...op.end];
    return [...uleb(code.length), ...code];
  });
  const exports = [[...name("memory"), 0x02, 0], ...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(5, vector([[0x00, ...uleb(pages)]])),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}
