// The graph's one input: a float tensor [N, C, H, W], [N, C, L] or [N, F] with fixed dims. The
// Graph is for one sample: a dynamic batch dim resolves to 1, and a fixed batch N > 1 too (the
// model is run one sample at a time), each unless the options say otherwise.
import { OnnxImportError } from "./errors.js";
import { TensorDataType, has, int64ToNumber, type ValueInfoProto } from "./proto.js";
import type { ValueInfo } from "./state.js";

export interface ImportOptions {
  /**
   * A batch dimension (dim 0 of the input) given as a dim_param or left without a value is
   * resolved to 1 by default ("resolve"); "error" rejects it like any other dynamic dim.
   */
  dynamicBatch?: "resolve" | "error";
  /**
   * A fixed batch N > 1 (a model exported with a batch of N samples): "resolve" (default)
   * imports it as a model of one sample, which run and eval feed one sample at a time, and says
   * so through `onWarning`; "error" rejects it.
   */
  fixedBatch?: "resolve" | "error";
  /** Receives what the import assumed or changed (a batch of N imported as 1). Nothing is printed. */
  onWarning?: (message: string) => void;
}

/** The input among `inputs` that is not an initializer: its shape and the batch it was exported with. */
export function graphInput(
  inputs: readonly ValueInfoProto[],
  isInitializer: (name: string) => boolean,
  options: ImportOptions,
): { name: string; info: ValueInfo; batch: number } {
  const candidates = inputs.filter((v) => !isInitializer(v.name ?? ""));
  if (candidates.length !== 1) {
    const names = candidates.map((v) => `"${v.name}"`).join(", ");
    throw new OnnxImportError(`the graph has ${candidates.length} non-initializer inputs (${names}); exactly one is supported`);
  }
  const input = candidates[0]!;
  const name = input.name ?? "";
  const dims = inputDims(input, options);
  const info = inputInfo(name, dims);
  const batch = dims[0]!;
  if (batch > 1) {
    if ((options.fixedBatch ?? "resolve") === "error") throw new OnnxImportError(`graph input "${name}" has batch dimension ${batch}; only batch 1 is supported`);
    options.onWarning?.(`graph input "${name}" has a fixed batch of ${batch}: imported as a model of one sample (run it on each sample)`);
  }
  return { name, info, batch };
}

function inputInfo(name: string, dims: number[]): ValueInfo {
  if (dims.length === 4) return { rank: 4, shape: { channels: dims[1]!, height: dims[2]!, width: dims[3]! } };
  if (dims.length === 3) return { rank: 3, shape: { channels: dims[1]!, height: 1, width: dims[2]! } };
  if (dims.length === 2) return { rank: 2, shape: { channels: dims[1]!, height: 1, width: 1 } };
  const what = dims.length === 5 ? " (3-D data [N, C, D, H, W])" : "";
  throw new OnnxImportError(`graph input "${name}" has rank ${dims.length}${what}; supported: 4 (N, C, H, W), 3 (N, C, L) or 2 (N, F)`);
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
    return fixed;
  });
}
