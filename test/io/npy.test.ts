import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NpyError, npyToFloat32, npyToInt32, readNpy, writeNpy, type NpyData } from "../../src/io/npy.js";

const digitsDir = new URL("../../models/digits/", import.meta.url);

function header(dict: string, major = 1): Uint8Array {
  const preamble = major === 1 ? 10 : 12;
  let text = dict;
  while ((preamble + text.length + 1) % 64 !== 0) text += " ";
  text += "\n";
  const out = new Uint8Array(preamble + text.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[preamble + i] = text.charCodeAt(i);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

describe("npy", () => {
  const cases: [string, NpyData][] = [
    ["<f4", Float32Array.of(1.5, -2, 3.25, 0, 1e-8, -7)],
    ["<f8", Float64Array.of(Math.PI, -1e300, 0, 1, 2, 3)],
    ["<i8", BigInt64Array.of(1n, -2n, 9007199254740993n, 0n, 5n, -6n)],
    ["<i4", Int32Array.of(1, -2, 2147483647, -2147483648, 0, 7)],
    ["|u1", Uint8Array.of(0, 1, 2, 253, 254, 255)],
    ["|i1", Int8Array.of(-128, -1, 0, 1, 126, 127)],
  ];
  for (const [dtype, data] of cases) {
    it(`round-trips ${dtype}`, () => {
      const bytes = writeNpy([2, 3], data);
      expect((bytes.length - data.byteLength) % 64).toBe(0); // data starts 64-byte aligned, as NumPy writes
      const back = readNpy(bytes);
      expect(back.dtype).toBe(dtype);
      expect(back.shape).toEqual([2, 3]);
      expect(back.data.constructor).toBe(data.constructor);
      expect(Array.from(back.data as ArrayLike<number | bigint>)).toEqual(Array.from(data as ArrayLike<number | bigint>));
    });
  }

  it("writes scalars and 1-D shapes with NumPy's tuple syntax", () => {
    expect(readNpy(writeNpy([], Float32Array.of(4))).shape).toEqual([]);
    const oneD = writeNpy([3], Int32Array.of(1, 2, 3));
    expect(new TextDecoder().decode(oneD.subarray(10, 80))).toContain("'shape': (3,)");
    expect(readNpy(oneD).shape).toEqual([3]);
  });

  it("writes byte for byte what NumPy wrote for the committed test set", () => {
    const file = readFileSync(new URL("test_x.npy", digitsDir));
    const array = readNpy(file);
    expect(array.shape).toEqual([450, 1, 8, 8]);
    expect(array.dtype).toBe("<f4");
    expect(Buffer.from(writeNpy(array.shape, array.data)).equals(file)).toBe(true);
    const labels = readNpy(readFileSync(new URL("test_y.npy", digitsDir)));
    expect(labels.dtype).toBe("<i8");
    const ints = npyToInt32(labels);
    expect(Math.min(...ints)).toBe(0);
    expect(Math.max(...ints)).toBe(9);
  });

  it("reads version 2 headers and data at an unaligned offset", () => {
    const data = Float32Array.of(1, 2, 3);
    const file = concat(header("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 2), new Uint8Array(data.buffer));
    const unaligned = new Uint8Array(file.length + 1).subarray(1);
    unaligned.set(file);
    expect(Array.from(npyToFloat32(readNpy(unaligned)))).toEqual([1, 2, 3]);
  });

  it("accepts '<u1' as a 1-byte descriptor", () => {
    const file = concat(header("{'descr': '<u1', 'fortran_order': False, 'shape': (2,), }"), Uint8Array.of(7, 8));
    expect(readNpy(file).dtype).toBe("|u1");
  });

  const errors: [string, Uint8Array, RegExp][] = [
    ["bad magic", Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), /missing the "\\x93NUMPY" magic/],
    ["fortran order", header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }"), /Fortran \(column-major\) order/],
    ["big-endian dtype", header("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }"), /unsupported npy dtype '>f4'/],
    ["truncated data", header("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }"), /shape \(4,\) of <f8 needs 32 bytes at offset 128, found 0/],
    ["missing shape", header("{'descr': '<f8', 'fortran_order': False, }"), /missing 'shape'/],
    ["version 9", Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 9, 0, 0, 0), /unsupported npy format version 9\.0/],
  ];
  for (const [what, bytes, message] of errors) {
    it(`rejects ${what}`, () => {
      expect(() => readNpy(bytes)).toThrow(NpyError);
      expect(() => readNpy(bytes)).toThrow(message);
    });
  }

  it("rejects a shape that does not match the data", () => {
    expect(() => writeNpy([2, 2], Float32Array.of(1, 2, 3))).toThrow(/holds 4 elements but data has 3/);
  });

  it("converts only exact int32 values", () => {
    expect(() => npyToInt32({ shape: [1], dtype: "<f4", data: Float32Array.of(1.5) })).toThrow(/element 0 \(1\.5\) is not an int32/);
  });
});
