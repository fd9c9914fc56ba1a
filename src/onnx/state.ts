// What the import knows while it walks the ONNX nodes: the constants, the aliases (Identity, a
// Flatten of what is already flat), every computed value with its shape, and the steps made so
// far — Graph nodes, and the BatchNorms, biases and activations that fuse.ts folds into them.
import type { Shape } from "../graph/ir.js";
import type { Step } from "./fuse.js";
import type { Constant } from "./tensors.js";

/** A computed value: its shape (NHWC, batch 1) and its rank in ONNX. */
export interface ValueInfo {
  shape: Shape;
  /** 4: a feature map [1, C, H, W]; 2: a vector [1, F] (shape 1×1×F). */
  rank: 2 | 4;
  /** A vector flattened from a map with H·W > 1: its order is NHWC (h, w, c), not ONNX's (c, h, w). */
  flattenedFrom?: Shape;
}

/** The value's shape as ONNX writes it. */
export function onnxShapeText(info: ValueInfo): string {
  const { channels, height, width } = info.shape;
  return info.rank === 4 ? `[1, ${channels}, ${height}, ${width}]` : `[1, ${channels}]`;
}

export class ImportState {
  /** The opset version of the standard domain the model imports (some ops' defaults depend on it). */
  standardOpset = 0;
  readonly constants = new Map<string, Constant>();
  readonly values = new Map<string, ValueInfo>();
  readonly steps: Step[] = [];
  private readonly aliases = new Map<string, string>();
  private readonly usedNames = new Set<string>();

  /** The name a value is known by (through chains of aliases). */
  resolve(name: string): string {
    let current = name;
    while (this.aliases.has(current)) current = this.aliases.get(current)!;
    return current;
  }

  /** `name` becomes another name of `target`, which is resolved first so chains cannot form cycles. */
  alias(name: string, target: string): void {
    this.aliases.set(name, this.resolve(target));
  }

  /** A Graph node name not used yet: `base`, else `base_1`, `base_2`, … */
  uniqueName(base: string): string {
    let name = base;
    for (let n = 1; this.usedNames.has(name); n++) name = `${base}_${n}`;
    this.usedNames.add(name);
    return name;
  }
}
