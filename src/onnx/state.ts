// What the import knows while it walks the ONNX nodes: the constants, the aliases (Identity, a
// Flatten of what is already flat), every value with its shape, and the steps made so far —
// Graph nodes, and the BatchNorms, biases and activations that fuse.ts folds into them.
import type { Shape, ValueRank } from "../graph/ir.js";
import type { Step } from "./fuse.js";
import type { Constant } from "./tensors.js";

/**
 * A value as ONNX sees it: its shape (NHWC, batch 1) and its rank in ONNX — 4: a map
 * [1, C, H, W]; 3: a 1-D map [1, C, L] (shape 1×L×C); 2: a vector [1, F] (shape 1×1×F).
 */
export interface ValueInfo {
  shape: Shape;
  rank: ValueRank;
  /** A vector flattened from a map with H·W > 1: its order is NHWC (h, w, c), not ONNX's (c, h, w). */
  flattenedFrom?: Shape;
}

/** The value's dims as ONNX writes them (batch 1). */
export function onnxDims(info: ValueInfo): number[] {
  const { channels: C, height: H, width: W } = info.shape;
  if (info.rank === 2) return [1, C * H * W];
  if (info.rank === 3) return [1, C, H * W];
  return [1, C, H, W];
}

/** The value's shape as ONNX writes it. */
export const onnxShapeText = (info: ValueInfo): string => `[${onnxDims(info).join(", ")}]`;

export class ImportState {
  /** The opset version of the standard domain the model imports (some ops' defaults depend on it). */
  standardOpset = 0;
  readonly constants = new Map<string, Constant>();
  /** Every value by its ONNX name, aliases included (an alias may see its value under another rank). */
  readonly values = new Map<string, ValueInfo>();
  readonly steps: Step[] = [];
  /** The batch the model was exported with (its input's dim 0); the Graph is for one sample. */
  batch = 1;
  private readonly aliases = new Map<string, string>();
  private readonly usedNames = new Set<string>();

  /** The name a value is known by in the Graph (through chains of aliases). */
  resolve(name: string): string {
    let current = name;
    while (this.aliases.has(current)) current = this.aliases.get(current)!;
    return current;
  }

  /** `name` becomes another name of `target` (resolved first, so chains cannot form cycles), seen as `info` (none for a constant). */
  alias(name: string, target: string, info: ValueInfo | undefined): void {
    this.aliases.set(name, this.resolve(target));
    if (info) this.values.set(name, info);
  }

  /** A Graph node name not used yet: `base`, else `base_1`, `base_2`, … */
  uniqueName(base: string): string {
    let name = base;
    for (let n = 1; this.usedNames.has(name); n++) name = `${base}_${n}`;
    this.usedNames.add(name);
    return name;
  }
}
