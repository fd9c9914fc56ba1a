// The arena planner: gives every activation tensor an offset in the activation region so that
// tensors alive at the same time never share bytes, and reports the region's size (peak) next
// to the lower bound no placement can beat.
//
// Liveness is counted in op steps. A tensor is live from the op that writes it (the model
// input: from step 0) to the last op that reads it (the model output: to the last step). Ops are
// not in place, so at each step the op's inputs and output are live together.
import { FORMAT_ALIGN } from "../format/constants.js";
import type { QModel } from "../format/model.js";
import { tensorBytes } from "../format/model.js";

/** Steps [first, last] (op indices, inclusive) during which a tensor holds a value. */
export interface Lifetime {
  first: number;
  last: number;
}

export interface ArenaPlan {
  /** Size of the activation region: the end of the highest placed tensor (the peak). */
  activationBytes: number;
  /** max over ops of the bytes of the tensors live at that op: no placement needs less. */
  lowerBound: number;
  /** Offset of each tensor in the activation region (index = tensor index), multiples of `align`. */
  offsets: number[];
  /** Each tensor's lifetime; undefined for a tensor no op touches (it is placed at 0). */
  lifetimes: (Lifetime | undefined)[];
  align: number;
  /** The placement order that gave the smallest peak. */
  strategy: string;
}

export interface PlanOptions {
  /** Offset alignment; a multiple of FORMAT_ALIGN (16, the default). */
  align?: number;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

export function tensorLifetimes(model: QModel): (Lifetime | undefined)[] {
  const lifetimes: (Lifetime | undefined)[] = model.tensors.map(() => undefined);
  const touch = (t: number, step: number): void => {
    const l = lifetimes[t];
    if (l) l.last = Math.max(l.last, step);
    else lifetimes[t] = { first: step, last: step };
  };
  touch(model.input, 0);
  model.ops.forEach((op, step) => {
    touch(op.input0, step);
    if (op.input1 !== undefined) touch(op.input1, step);
    touch(op.output, step);
  });
  touch(model.output, model.ops.length - 1);
  return lifetimes;
}

const overlapInTime = (a: Lifetime, b: Lifetime): boolean => a.first <= b.last && b.first <= a.last;

/** max over steps of the bytes live at that step. */
export function liveBytesLowerBound(model: QModel, lifetimes = tensorLifetimes(model)): number {
  const live = new Array<number>(model.ops.length).fill(0);
  lifetimes.forEach((l, t) => {
    if (!l) return;
    for (let step = l.first; step <= l.last; step++) live[step] += tensorBytes(model.tensors[t]);
  });
  return Math.max(0, ...live);
}

/** Places tensors in `order`, each at the lowest aligned offset clear of the time-overlapping tensors placed before it. */
function placeFirstFit(model: QModel, lifetimes: (Lifetime | undefined)[], order: number[], align: number): number[] {
  const offsets = model.tensors.map(() => 0);
  const placed: number[] = [];
  for (const t of order) {
    const life = lifetimes[t]!;
    const size = tensorBytes(model.tensors[t]);
    const busy = placed
      .filter((p) => overlapInTime(life, lifetimes[p]!))
      .map((p) => ({ start: offsets[p], end: offsets[p] + tensorBytes(model.tensors[p]) }))
      .sort((a, b) => a.start - b.start);
    let candidate = 0;
    for (const block of busy) {
      if (candidate + size <= block.start) break; // fits in the gap below this block
      candidate = Math.max(candidate, alignUp(block.end, align));
    }
    offsets[t] = candidate;
    placed.push(t);
  }
  return offsets;
}

/** Placement orders tried; the one with the smallest peak wins (ties: the first). */
const STRATEGIES: Record<string, (a: { t: number; size: number; life: Lifetime }, b: { t: number; size: number; life: Lifetime }) => number> = {
  "size, then first use": (a, b) => b.size - a.size || a.life.first - b.life.first || a.t - b.t,
  "longest lifetime, then size": (a, b) => b.life.last - b.life.first - (a.life.last - a.life.first) || b.size - a.size || a.t - b.t,
  "first use": (a, b) => a.life.first - b.life.first || b.size - a.size || a.t - b.t,
};

export function planArena(model: QModel, options: PlanOptions = {}): ArenaPlan {
  const align = options.align ?? FORMAT_ALIGN;
  if (!Number.isInteger(align) || align < FORMAT_ALIGN || align % FORMAT_ALIGN !== 0) {
    throw new Error(`arena alignment: expected a multiple of ${FORMAT_ALIGN}, found ${align}`);
  }
  const lifetimes = tensorLifetimes(model);
  const items = lifetimes.flatMap((life, t) => (life ? [{ t, size: tensorBytes(model.tensors[t]), life }] : []));
  let best: ArenaPlan | undefined;
  for (const [strategy, compare] of Object.entries(STRATEGIES)) {
    const order = [...items].sort(compare).map((item) => item.t);
    const offsets = placeFirstFit(model, lifetimes, order, align);
    const peak = Math.max(0, ...model.tensors.map((t, i) => offsets[i] + tensorBytes(t)));
    if (!best || peak < best.activationBytes) {
      best = { activationBytes: peak, lowerBound: 0, offsets, lifetimes, align, strategy };
    }
  }
  best!.lowerBound = liveBytesLowerBound(model, lifetimes);
  return best!;
}

/** A copy of `model` with the plan's tensor offsets and activation size. */
export function applyArenaPlan(model: QModel, plan: ArenaPlan): QModel {
  return {
    ...model,
    tensors: model.tensors.map((t, i) => ({ ...t, offset: plan.offsets[i] })),
    activationBytes: plan.activationBytes,
  };
}

/** planArena + applyArenaPlan. */
export const withArenaPlan = (model: QModel, options?: PlanOptions): QModel => applyArenaPlan(model, planArena(model, options));
