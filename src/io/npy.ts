// NumPy .npy files (format versions 1.0, 2.0 and 3.0), little-endian, C order.
// Layout: "\x93NUMPY", major, minor, header length (u16 LE for v1, u32 LE for v2/v3), then an
// ASCII (v3: UTF-8) Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (450, 1, 8, 8), }
// padded with spaces and a final '\n', then the raw array data.

export type NpyDtype = "<f4" | "<f8" | "<i8" | "<i4" | "|u1" | "|i1";

export type NpyData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array;

export interface NpyArray {
  shape: number[];
  dtype: NpyDtype;
  data: NpyData;
}

export class NpyError extends Error {
  override name = "NpyError";
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const PREAMBLE_V1 = 10; // magic(6) + version(2) + u16 length
const PREAMBLE_V2 = 12; // magic(6) + version(2) + u32 length
const HEADER_ALIGN = 64;

interface DtypeInfo {
  bytes: number;
  make: (buffer: ArrayBuffer, count: number) => NpyData;
}

const DTYPES: Record<NpyDtype, DtypeInfo> = {
  "<f4": { bytes: 4, make: (b, n) => new Float32Array(b, 0, n) },
  "<f8": { bytes: 8, make: (b, n) => new Float64Array(b, 0, n) },
  "<i8": { bytes: 8, make: (b, n) => new BigInt64Array(b, 0, n) },
  "<i4": { bytes: 4, make: (b, n) => new Int32Array(b, 0, n) },
  "|u1": { bytes: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  "|i1": { bytes: 1, make: (b, n) => new Int8Array(b, 0, n) },
};

/** NumPy also writes '<u1'/'<i1' style descriptors for 1-byte types in some versions. */
function normaliseDescr(descr: string): string {
  if (descr === "<u1" || descr === "=u1" || descr === "B") return "|u1";
  if (descr === "<i1" || descr === "=i1" || descr === "b") return "|i1";
  return descr;
}

function isSupportedDtype(descr: string): descr is NpyDtype {
  return Object.prototype.hasOwnProperty.call(DTYPES, descr);
}

function dtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Float32Array) return "<f4";
  if (data instanceof Float64Array) return "<f8";
  if (data instanceof BigInt64Array) return "<i8";
  if (data instanceof Int32Array) return "<i4";
  if (data instanceof Uint8Array) return "|u1";
  if (data instanceof Int8Array) return "|i1";
  throw new NpyError("writeNpy: unsupported data array type");
}

/** A shape as NumPy prints it: (450, 1, 8, 8), (3,), (). */
function shapeTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

function isLittleEndianHost(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function parseHeader(text: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    const missing = [!descr && "'descr'", !fortran && "'fortran_order'", !shape && "'shape'"].filter(Boolean);
    throw new NpyError(`npy header is missing ${missing.join(", ")}: ${JSON.stringify(text.trim())}`);
  }
  const dims = shape[1]
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!/^\d+L?$/.test(s)) throw new NpyError(`npy header: shape entry "${s}" is not a non-negative integer`);
      return Number.parseInt(s, 10);
    });
  return { descr: descr[1], fortranOrder: fortran[1] === "True", shape: dims };
}

/** Parse a .npy file. Supports <f4 <f8 <i8 <i4 |u1 |i1, C order, header versions 1, 2 and 3. */
export function readNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < PREAMBLE_V1 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new NpyError('not a .npy file: missing the "\\x93NUMPY" magic at offset 0');
  }
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = PREAMBLE_V1;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < PREAMBLE_V2) throw new NpyError(`npy v${major} file truncated in its preamble`);
    headerStart = PREAMBLE_V2;
    headerLength = view.getUint32(8, true);
  } else {
    throw new NpyError(`unsupported npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw new NpyError(`npy header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  }
  const headerBytes = bytes.subarray(headerStart, dataStart);
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(headerBytes);
  const header = parseHeader(text);

  const descr = normaliseDescr(header.descr);
  if (!isSupportedDtype(descr)) {
    throw new NpyError(`unsupported npy dtype '${header.descr}' (supported: ${Object.keys(DTYPES).join(" ")})`);
  }
  if (header.fortranOrder) {
    throw new NpyError("npy array is in Fortran (column-major) order; only C order is supported (save with np.ascontiguousarray)");
  }
  const info = DTYPES[descr];
  const count = header.shape.reduce((a, b) => a * b, 1);
  const dataBytes = count * info.bytes;
  if (bytes.length - dataStart < dataBytes) {
    throw new NpyError(
      `npy data truncated: shape ${shapeTuple(header.shape)} of ${descr} needs ${dataBytes} bytes at offset ${dataStart}, found ${bytes.length - dataStart}`,
    );
  }
  if (!isLittleEndianHost()) throw new NpyError("readNpy needs a little-endian host");
  // Copy into a fresh buffer: the data offset need not be aligned for the typed array. (Not
  // bytes.slice: on a Node Buffer that is a view into a shared pool, not a copy.)
  const buffer = new ArrayBuffer(dataBytes);
  new Uint8Array(buffer).set(bytes.subarray(dataStart, dataStart + dataBytes));
  return { shape: header.shape, dtype: descr, data: info.make(buffer, count) };
}

/** Serialise an array as a version 1.0 .npy file (version 2.0 if the header needs it), C order. */
export function writeNpy(shape: readonly number[], data: NpyData): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new NpyError(`writeNpy: shape ${shapeTuple(shape)} must hold non-negative integers`);
  }
  if (count !== data.length) {
    throw new NpyError(`writeNpy: shape ${shapeTuple(shape)} holds ${count} elements but data has ${data.length}`);
  }
  if (!isLittleEndianHost()) throw new NpyError("writeNpy needs a little-endian host");
  const dtype = dtypeOf(data);
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  let preamble = PREAMBLE_V1;
  let padded = padHeader(dict, preamble);
  if (padded.length > 0xffff) {
    preamble = PREAMBLE_V2;
    padded = padHeader(dict, preamble);
  }
  const payload = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(preamble + padded.length + payload.length);
  out.set(MAGIC, 0);
  out[6] = preamble === PREAMBLE_V1 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (preamble === PREAMBLE_V1) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) out[preamble + i] = padded.charCodeAt(i);
  out.set(payload, preamble + padded.length);
  return out;
}

/** Pad the header with spaces and a final newline so the data starts on a 64-byte boundary. */
function padHeader(dict: string, preamble: number): string {
  const unpadded = preamble + dict.length + 1;
  const pad = (HEADER_ALIGN - (unpadded % HEADER_ALIGN)) % HEADER_ALIGN;
  return dict + " ".repeat(pad) + "\n";
}

/** The array's values as float32 (any dtype; int64 values must be exact in float64 first). */
export function npyToFloat32(array: NpyArray): Float32Array {
  if (array.data instanceof Float32Array) return array.data;
  const out = new Float32Array(array.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(array.data[i]);
  return out;
}

/** The array's values as int32; float values must be integers and every value must fit int32. */
export function npyToInt32(array: NpyArray): Int32Array {
  if (array.data instanceof Int32Array) return array.data;
  const out = new Int32Array(array.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = Number(array.data[i]);
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
      throw new NpyError(`npy ${array.dtype} element ${i} (${String(array.data[i])}) is not an int32 value`);
    }
    out[i] = v;
  }
  return out;
}
