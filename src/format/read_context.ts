// What the reader's two halves share (./reader.ts: header and tensors; ./read_op.ts: op
// records): the header as stored, where a tensor field lies, how a failure is reported.
import * as C from "./constants.js";
import { type ErrorLocation, ModelFormatError } from "./errors.js";
import type { QTensor } from "./model.js";

export type Shape = Pick<QTensor, "height" | "width" | "channels">;
export const SHAPE_FIELDS = [
  ["height", C.T_HEIGHT],
  ["width", C.T_WIDTH],
  ["channels", C.T_CHANNELS],
] as const;

/** The header fields, as stored. */
export interface Header {
  magic: number;
  version: number;
  flags: number;
  fileSize: number;
  crc32: number;
  tensorCount: number;
  opCount: number;
  inputTensor: number;
  outputTensor: number;
  activationBytes: number;
  tensorsOffset: number;
  opsOffset: number;
  paramsOffset: number;
  paramsSize: number;
  reserved: number;
}

/** File offset of a field of tensor record `t`. */
export const tensorField = (h: Header, t: number, field: number): number => h.tensorsOffset + t * C.TENSOR_RECORD_SIZE + field;
export const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
export const shapeText = (t: Shape): string => `${t.height}×${t.width}×${t.channels}`;

/** Throws the first rule broken: the kernel's status, the file offset of the field, what was expected and found. */
export function fail(status: number, offset: number, message: string, where?: ErrorLocation): never {
  throw new ModelFormatError(status, offset, message, where);
}
