// The graph's one input: a float tensor [1, C, H, W] or [1, F] with fixed dims (a dynamic batch
// dim resolves to 1 unless the options say otherwise).
import { OnnxImportError } from "./errors.js";
import { TensorDataType, has, int64ToNumber, type ValueInfoProto } from "./proto.js";
import type { ValueInfo } from "./state.js";

export interface ImportOptions {
  /**
   * A batch dimension (dim 0 of the input) given as a dim_param or left without a value is
   * resolved to 1 by default ("resolve"); "error" rejects it like any other dynamic dim.
   */
  dynamicBatch?: "resolve" | "error";
}

/** The input among `inputs` that is not an initializer, with its shape. */
export function graphInput(inputs: readonly ValueInfoProto[], isInitializer: (name: string) => boolean, options: ImportOptions): { name: string; info: ValueInfo } {
  const candidates = inputs.filter((v) => !isInitializer(v.name ?? ""));
  if (candidates.length !== 1) {
    const names = candidates.map((v) => `"${v.name}"`).join(", ");
    throw new OnnxImportError(`the graph has ${candidates.length} non-initializer inputs (${names}); exactly one is supported`);
  }
  const input = candidates[0]!;
  const name = input.name ?? "";
  const dims = inputDims(input, options);
  if (dims.length === 4) return { name, info: { rank: 4, shape: { channels: dims[1]!, height: dims[2]!, width: dims[3]! } } };
  if (dims.length === 2) return { name, info: { rank: 2, shape: { channels: dims[1]!, height: 1, width: 1 } } };
  throw new OnnxImportError(`graph input "${name}" has rank ${dims.length}; supported: 4 (N, C, H, W) or 2 (N, F)`);
}

function inputDims(input: ValueInfoProto, options: ImportOptions): number[] {
  const name = input.name ?? "";
  const tensorType = input.type?.tensorType;
  if (!tensorType) throw new OnnxImportError(`graph input "${name}" is not a tensor`);
  if (tensorType.elemType !== TensorDataType.FLOAT) {
    throw new OnnxImportError(`graph input "${name}" has element type ${TensorDataType[tensorType.elemType ?? 0]}; only FLOAT is supported`);
  }
  if (!tensorType.shape) throw new OnnxImportError(`graph input "${name}" has no shape; a fixed shape is required`);
  return (tensorType.shape.dim ?? []).map((dim, index) => {
    const fixed = has(dim, "dimValue") ? int64ToNumber(dim.dimValue, `graph input "${name}" dim ${index}`) : undefined;
    if (fixed === undefined || fixed <= 0) {
      const what = dim.dimParam ? `dim_param "${dim.dimParam}"` : "no dim_value";
      if (index === 0 && (options.dynamicBatch ?? "resolve") === "resolve") return 1;
      throw new OnnxImportError(`graph input "${name}" dim ${index} is dynamic (${what}); export the model with a fixed input shape`);
    }
    if (index === 0 && fixed !== 1) throw new OnnxImportError(`graph input "${name}" has batch dimension ${fixed}; only batch 1 is supported`);
    return fixed;
  });
}
