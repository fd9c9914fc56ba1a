// Builds small ONNX models in tests with the same protobuf schema the importer reads.
import type { onnx as schema } from "onnx-proto";
import { encodeModel, onnx } from "../../src/onnx/proto.js";

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

export type Attr = number | number[] | string | { floats: number[] } | { float: number } | { tensor: schema.ITensorProto };

export interface NodeSpec {
  op: string;
  name?: string;
  domain?: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, Attr>;
}

export function floatTensor(name: string, dims: number[], values: ArrayLike<number>, raw = true): schema.ITensorProto {
  const data = Float32Array.from(values);
  return raw
    ? { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer) }
    : { name, dims, dataType: FLOAT, floatData: Array.from(data) };
}

export function int64Tensor(name: string, dims: number[], values: number[]): schema.ITensorProto {
  return { name, dims, dataType: INT64, int64Data: values };
}

function attribute(name: string, value: Attr): schema.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === "string") return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if (typeof value === "number") return { name, type: T.INT, i: value };
  if ("floats" in value) return { name, type: T.FLOATS, floats: value.floats };
  if ("tensor" in value) return { name, type: T.TENSOR, t: value.tensor };
  return { name, type: T.FLOAT, f: value.float };
}

export function node(spec: NodeSpec): schema.INodeProto {
  return {
    opType: spec.op,
    name: spec.name ?? "",
    domain: spec.domain ?? "",
    input: spec.inputs,
    output: spec.outputs,
    attribute: Object.entries(spec.attrs ?? {}).map(([k, v]) => attribute(k, v)),
  };
}

export interface ModelSpec {
  nodes: NodeSpec[];
  initializers?: schema.ITensorProto[];
  /** Input dims; a string is a dim_param, null a dim with no value. */
  inputDims: (number | string | null)[];
  inputName?: string;
  outputName: string;
  adderOpset?: number | null;
  /** Opset version of the standard domain (default 13). */
  opset?: number;
}

export function buildModel(spec: ModelSpec): Uint8Array {
  const dims = spec.inputDims.map((d) => (typeof d === "number" ? { dimValue: d } : typeof d === "string" ? { dimParam: d } : {}));
  const valueInfo = (name: string, dim?: schema.TensorShapeProto.IDimension[]): schema.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: FLOAT, ...(dim ? { shape: { dim } } : {}) } },
  });
  const opsetImport: schema.IOperatorSetIdProto[] = [{ domain: "", version: spec.opset ?? 13 }];
  if (spec.adderOpset !== null) opsetImport.push({ domain: "com.addernet", version: spec.adderOpset ?? 1 });
  return encodeModel({
    irVersion: 7,
    opsetImport,
    graph: {
      name: "test",
      node: spec.nodes.map(node),
      initializer: spec.initializers ?? [],
      input: [valueInfo(spec.inputName ?? "input", dims)],
      output: [valueInfo(spec.outputName)],
    },
  });
}
