// Constant tensors of an ONNX graph: initializers and Constant nodes.
import { OnnxImportError } from "./errors.js";
import { AttributeType, TensorDataType, has, int64ToNumber, type AttributeProto, type TensorProto } from "./proto.js";

/** A constant tensor; values are held as float64, exact for float32, int32 and int64 up to 2^53. */
export interface Constant {
  dims: number[];
  values: Float64Array;
  /** ONNX element type name, e.g. "FLOAT", "INT64". */
  dataType: string;
}

const EXTERNAL_DATA = 1; // TensorProto.DataLocation.EXTERNAL

interface ElementReader {
  bytes: number;
  read: (view: DataView, offset: number) => number;
  typed: (t: TensorProto) => ArrayLike<number | { toNumber(): number }> | null | undefined;
}

const READERS: Record<number, ElementReader> = {
  [TensorDataType.FLOAT]: { bytes: 4, read: (v, o) => v.getFloat32(o, true), typed: (t) => t.floatData },
  [TensorDataType.DOUBLE]: { bytes: 8, read: (v, o) => v.getFloat64(o, true), typed: (t) => t.doubleData },
  [TensorDataType.INT32]: { bytes: 4, read: (v, o) => v.getInt32(o, true), typed: (t) => t.int32Data },
  [TensorDataType.INT64]: { bytes: 8, read: (v, o) => Number(v.getBigInt64(o, true)), typed: (t) => t.int64Data },
};

function dataTypeName(code: number): string {
  return TensorDataType[code] ?? `data type ${code}`;
}

/** Read a TensorProto (raw_data or the typed repeated field) of type FLOAT, DOUBLE, INT32 or INT64. */
export function readTensor(tensor: TensorProto, where: string): Constant {
  const dims = (tensor.dims ?? []).map((d) => int64ToNumber(d, `${where} dims`));
  const count = dims.reduce((a, b) => a * b, 1);
  const code = tensor.dataType ?? 0;
  if (tensor.dataLocation === EXTERNAL_DATA) {
    throw new OnnxImportError(`${where}: tensor data stored in an external file is not supported; save the model with its weights inside`);
  }
  const reader = READERS[code];
  if (!reader) {
    throw new OnnxImportError(`${where}: tensor of type ${dataTypeName(code)} is not supported (supported: FLOAT, DOUBLE, INT32, INT64)`);
  }
  // The data must match the dims before anything of the dims' size is allocated.
  const shape = `dims [${dims.join(", ")}]`;
  if (dims.some((d) => d < 0)) throw new OnnxImportError(`${where}: ${shape} has a negative dim`);
  const raw = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : undefined;
  const typed = raw ? undefined : (reader.typed(tensor) ?? []);
  if (raw && raw.length !== count * reader.bytes) {
    throw new OnnxImportError(`${where}: ${shape} of ${dataTypeName(code)} need ${count * reader.bytes} bytes of raw_data; the tensor holds ${raw.length}`);
  }
  if (typed && typed.length !== count) throw new OnnxImportError(`${where}: ${shape} need ${count} values; the tensor holds ${typed.length}`);
  const values = new Float64Array(count);
  if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++) values[i] = reader.read(view, i * reader.bytes);
  } else {
    for (let i = 0; i < count; i++) {
      const v = typed![i];
      values[i] = typeof v === "number" ? v : int64ToNumber(v, where);
    }
  }
  return { dims, values, dataType: dataTypeName(code) };
}

/** The tensor a Constant node produces from its attributes (value, value_float(s), value_int(s)). */
export function readConstantNode(attributes: readonly AttributeProto[], where: string): Constant {
  const attribute = attributes[0];
  if (!attribute || attributes.length !== 1) {
    throw new OnnxImportError(`${where}: a Constant node needs exactly one value attribute`);
  }
  switch (attribute.name) {
    case "value":
      if (!attribute.t) break;
      return readTensor(attribute.t, where);
    case "value_float":
      return { dims: [], values: Float64Array.of(attribute.f ?? 0), dataType: "FLOAT" };
    case "value_floats":
      return { dims: [attribute.floats?.length ?? 0], values: Float64Array.from(attribute.floats ?? []), dataType: "FLOAT" };
    case "value_int":
      return { dims: [], values: Float64Array.of(int64ToNumber(attribute.i, where)), dataType: "INT64" };
    case "value_ints": {
      const ints = (attribute.ints ?? []).map((v) => int64ToNumber(v, where));
      return { dims: [ints.length], values: Float64Array.from(ints), dataType: "INT64" };
    }
  }
  const type = has(attribute, "type") ? ` of type ${AttributeType[attribute.type ?? 0]}` : "";
  throw new OnnxImportError(
    `${where}: Constant attribute "${attribute.name}"${type} is not supported (supported: value, value_float, value_floats, value_int, value_ints)`,
  );
}
