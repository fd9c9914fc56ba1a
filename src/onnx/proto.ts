// The ONNX protobuf schema (the `onnx-proto` package, static protobufjs code) and helpers to
// read its messages: int64 fields arrive as numbers or Long objects, optional fields are
// recognised by being own properties of the decoded message.
import onnxProto from "onnx-proto";
import type { onnx as schema } from "onnx-proto";
import { OnnxImportError } from "./errors.js";

export const onnx = onnxProto.onnx;
export type ModelProto = schema.ModelProto;
export type NodeProto = schema.INodeProto;
export type TensorProto = schema.ITensorProto;
export type ValueInfoProto = schema.IValueInfoProto;
export type AttributeProto = schema.IAttributeProto;

export const TensorDataType = onnx.TensorProto.DataType;
export const AttributeType = onnx.AttributeProto.AttributeType;

/** A Long-like value from protobufjs (int64 fields when the `long` package is present). */
interface LongLike {
  toNumber(): number;
}

export function int64ToNumber(value: number | LongLike | null | undefined, what: string): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === "number" ? value : value.toNumber();
  if (!Number.isSafeInteger(n)) throw new OnnxImportError(`${what}: int64 value ${String(value)} is out of range`);
  return n;
}

export function has(message: object, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(message, field);
}

/** Decode a ModelProto; anything that does not decode to a model with a graph is rejected. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxImportError(`not a valid ONNX ModelProto: ${(e as Error).message}`);
  }
  if (!model.graph || !has(model, "graph")) {
    throw new OnnxImportError("not a valid ONNX ModelProto: the model has no graph");
  }
  return model;
}

/** Serialise a model (used by tests to build ONNX files). */
export function encodeModel(model: schema.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
