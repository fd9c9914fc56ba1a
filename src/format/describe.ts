// The byte layout of a valid `.addn` file, for the `inspect` command: where each section, record
// and parameter array lies.
import * as C from "./constants.js";
import { has, paramArrays } from "../ops/table.js";
import type { OpKind } from "./model.js";
import { tensorBytes } from "./model.js";
import { readModel } from "./reader.js";

/** A byte range of the file. */
export interface ByteRange {
  name: string;
  offset: number;
  size: number;
}

export interface TensorLayout {
  index: number;
  /** File offset of the tensor record. */
  record: number;
  shape: [number, number, number];
  /** Offset and size in the activation region. */
  activationOffset: number;
  bytes: number;
}

export interface OpLayout {
  index: number;
  kind: OpKind;
  /** File offset of the op record. */
  record: number;
  /** Parameter arrays (a concat's input list too), at absolute file offsets (empty for ops without arrays). */
  params: ByteRange[];
}

export interface FileLayout {
  fileSize: number;
  crc32: number;
  activationBytes: number;
  /** header, tensor table, op table, params, in file order. */
  sections: ByteRange[];
  tensors: TensorLayout[];
  ops: OpLayout[];
  /** Bytes of the params section that no array uses (alignment gaps). */
  paramsPadding: number;
}

/** Validates `bytes` (throws ModelFormatError as readModel does) and returns its layout. */
export function describeLayout(bytes: Uint8Array): FileLayout {
  const model = readModel(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number): number => view.getUint32(at, true);
  const fileSize = u32(C.H_FILE_SIZE);
  const opsOffset = u32(C.H_OPS_OFFSET);
  const paramsOffset = u32(C.H_PARAMS_OFFSET);
  const sections: ByteRange[] = [
    { name: "header", offset: 0, size: C.HEADER_SIZE },
    { name: "tensor table", offset: C.HEADER_SIZE, size: C.TENSOR_RECORD_SIZE * model.tensors.length },
    { name: "op table", offset: opsOffset, size: C.OP_RECORD_SIZE * model.ops.length },
    { name: "params", offset: paramsOffset, size: fileSize - paramsOffset },
  ];
  const tensors = model.tensors.map((t, index) => ({
    index,
    record: C.HEADER_SIZE + index * C.TENSOR_RECORD_SIZE,
    shape: [t.height, t.width, t.channels] as [number, number, number],
    activationOffset: t.offset,
    bytes: tensorBytes(t),
  }));
  const covered = new Uint8Array(fileSize - paramsOffset); // arrays may share bytes: count each byte once
  const ops = model.ops.map((op, index) => {
    const record = opsOffset + index * C.OP_RECORD_SIZE;
    const params: ByteRange[] = [];
    for (const array of paramArrays(op, model.tensors[op.input0]!, model.tensors[op.output]!)) {
      params.push({ name: array.key, offset: paramsOffset + u32(record + array.field), size: array.length * array.type.BYTES_PER_ELEMENT });
    }
    if (has(op.kind, C.TRAIT_INPUT_LIST)) {
      params.push({ name: "input list", offset: paramsOffset + u32(record + C.O_INPUT_LIST), size: C.INPUT_ENTRY_SIZE * op.inputs!.length });
    }
    for (const p of params) covered.fill(1, p.offset - paramsOffset, p.offset - paramsOffset + p.size);
    return { index, kind: op.kind, record, params };
  });
  return {
    fileSize,
    crc32: u32(C.H_CRC32),
    activationBytes: model.activationBytes,
    sections,
    tensors,
    ops,
    paramsPadding: covered.length - covered.reduce((n, b) => n + b, 0),
  };
}
