// The arena planner: gives every activation tensor an offset in the activation region so that
// tensors alive at the same time never share bytes, and reports the region's size (peak) next
// to the lower bound no placement can beat.
//
// Liveness is counted in op steps. A tensor is live from the op that writes it (the model
// input: from step 0) to the last op that reads it (the model output: to the last step). Ops are
// not in place, so at each step the op's inputs and output are live together.
//
// Concat in place: a concat's input that can be written straight into its channel slice of the
// concat's output (docs/FORMAT.md, CONCAT) takes no bytes of its own. Its producer writes its
// pixels `output channels` apart inside the output (a conv-like op's output stride; a one-pixel
// map needs none), and the concat finds it there and copies nothing. The output and its slices
// are then one block, live from the first slice's producer to the output's last reader.
import { FORMAT_ALIGN, TRAIT_INPUT_LIST } from "../format/constants.js";
import type { QModel, QOp } from "../format/model.js";
import { tensorBytes } from "../format/model.js";
import { concatSlices, has, hasFilters, opInputs } from "../ops/table.js";

/** Steps [first, last] (op indices, inclusive) during which a tensor holds a value. */
export interface Lifetime {
  first: number;
  last: number;
}

/** A concat input placed in its slice of the concat's output: `channel` channels into tensor `of`. */
export interface Slice {
  tensor: number;
  of: number;
  channel: number;
  /** The output stride its producer writes with (a map of more than one pixel), else undefined. */
  stride?: number;
}

export interface ArenaPlan {
  /** Size of the activation region: the end of the highest placed tensor (the peak). */
  activationBytes: number;
  /** max over ops of the bytes of the tensors live at that op: no placement needs less. */
  lowerBound: number;
  /** Offset of each tensor in the activation region (index = tensor index), multiples of `align` except slices. */
  offsets: number[];
  /** Each tensor's lifetime; undefined for a tensor no op touches (it is placed at 0). */
  lifetimes: (Lifetime | undefined)[];
  /** Concat inputs written in place, in their output's channel slice. */
  slices: Slice[];
  align: number;
  /** The placement order that gave the smallest peak. */
  strategy: string;
}

export interface PlanOptions {
  /** Offset alignment; a multiple of FORMAT_ALIGN (16, the default). */
  align?: number;
  /** Write concat inputs into their slice of the output where possible (default true). */
  inPlaceConcat?: boolean;
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
    for (const t of opInputs(op)) touch(t, step);
    touch(op.output, step);
  });
  touch(model.output, model.ops.length - 1);
  return lifetimes;
}

const overlapInTime = (a: Lifetime, b: Lifetime): boolean => a.first <= b.last && b.first <= a.last;

/** The concat inputs of a planned model that lie in their slice of the output (as the kernels tell them). */
export function placedSlices(model: QModel): Slice[] {
  return model.ops.filter((op) => has(op.kind, TRAIT_INPUT_LIST)).flatMap((op) =>
    concatSlices(opInputs(op).map((t) => model.tensors[t]!), model.tensors[op.output]!).flatMap(({ channel, inPlace }, i) =>
      inPlace ? [{ tensor: op.inputs![i]!, of: op.output, channel }] : []));
}

/**
 * The blocks placement deals with: every tensor but the slices, a concat's output taking the
 * lifetimes of its slices too. Index = tensor index; undefined for slices and untouched tensors.
 */
function blockLifetimes(lifetimes: (Lifetime | undefined)[], slices: readonly Slice[]): (Lifetime | undefined)[] {
  const blocks = lifetimes.map((l) => (l ? { ...l } : undefined));
  for (const s of slices) {
    const own = lifetimes[s.tensor]!;
    const block = blocks[s.of]!;
    block.first = Math.min(block.first, own.first);
    block.last = Math.max(block.last, own.last);
    blocks[s.tensor] = undefined;
  }
  return blocks;
}

/** max over steps of the bytes live at that step (a concat's output and its slices counting once). */
export function liveBytesLowerBound(model: QModel, lifetimes = tensorLifetimes(model), slices: readonly Slice[] = placedSlices(model)): number {
  const live = new Array<number>(model.ops.length).fill(0);
  blockLifetimes(lifetimes, slices).forEach((l, t) => {
    if (!l) return;
    for (let step = l.first; step <= l.last; step++) live[step] += tensorBytes(model.tensors[t]);
  });
  return Math.max(0, ...live);
}

/**
 * The concat inputs that can be written in place (each tensor into one slice at most): an input
 * listed once, not the model's input or output, not itself a concat's output, written by an op
 * that can write the slice — a conv-like op (an output stride) and the concat its only reader,
 * or any op when the map is one pixel — and, unless the concat copies it unchanged (on the
 * output's grid, no clamp), read by the concat alone, which rescales it where it lies.
 */
function chooseSlices(model: QModel): Slice[] {
  const readers = new Map<number, QOp[]>();
  for (const op of model.ops) for (const t of new Set(opInputs(op))) readers.set(t, [...(readers.get(t) ?? []), op]);
  const producer = new Map(model.ops.map((op) => [op.output, op]));
  const concats = model.ops.filter((op) => has(op.kind, TRAIT_INPUT_LIST));
  const roots = new Set(concats.map((op) => op.output));
  const slices: Slice[] = [];
  const placed = new Set<number>();
  for (const op of concats) {
    const out = model.tensors[op.output]!;
    const pixels = out.height * out.width;
    const inputs = op.inputs!;
    let channel = 0;
    inputs.forEach((t, i) => {
      const p = producer.get(t);
      const soleReader = readers.get(t)!.length === 1;
      const copied = op.mults![i] === 2 ** op.shift && model.tensors[t]!.zeroPoint === out.zeroPoint && op.actMin === -128 && op.actMax === 127;
      const movable = p !== undefined && !placed.has(t) && !roots.has(t) && t !== model.output && inputs.indexOf(t) === inputs.lastIndexOf(t) &&
        (pixels === 1 || (hasFilters(p.kind) && soleReader)) && (copied || soleReader);
      if (movable) {
        slices.push({ tensor: t, of: op.output, channel, ...(pixels > 1 ? { stride: out.channels } : {}) });
        placed.add(t);
      }
      channel += model.tensors[t]!.channels;
    });
  }
  return slices;
}

/** Places blocks in `order`, each at the lowest aligned offset clear of the time-overlapping blocks placed before it. */
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
  const slices = options.inPlaceConcat ?? true ? chooseSlices(model) : [];
  const blocks = blockLifetimes(lifetimes, slices);
  const items = blocks.flatMap((life, t) => (life ? [{ t, size: tensorBytes(model.tensors[t]), life }] : []));
  let best: ArenaPlan | undefined;
  for (const [strategy, compare] of Object.entries(STRATEGIES)) {
    const order = [...items].sort(compare).map((item) => item.t);
    const offsets = placeFirstFit(model, blocks, order, align);
    // a slice lies in its concat's output
    for (const s of slices) offsets[s.tensor] = offsets[s.of]! + s.channel;
    const peak = Math.max(0, ...model.tensors.map((t, i) => offsets[i] + tensorBytes(t)));
    if (!best || peak < best.activationBytes) {
      best = { activationBytes: peak, lowerBound: 0, offsets, lifetimes, slices, align, strategy };
    }
  }
  best!.lowerBound = liveBytesLowerBound(model, lifetimes, slices);
  return best!;
}

/** A copy of `model` with the plan's tensor offsets, activation size and the output strides of its slices' producers. */
export function applyArenaPlan(model: QModel, plan: ArenaPlan): QModel {
  const strides = new Map(plan.slices.flatMap((s) => (s.stride === undefined ? [] : [[s.tensor, s.stride] as const])));
  return {
    ...model,
    tensors: model.tensors.map((t, i) => ({ ...t, offset: plan.offsets[i] })),
    ops: model.ops.map((op) => {
      if (!hasFilters(op.kind)) return op;
      const { outputStride: _, ...rest } = op;
      const stride = strides.get(op.output);
      return stride === undefined ? rest : { ...rest, outputStride: stride };
    }),
    activationBytes: plan.activationBytes,
  };
}

/** planArena + applyArenaPlan. */
export const withArenaPlan = (model: QModel, options?: PlanOptions): QModel => applyArenaPlan(model, planArena(model, options));
