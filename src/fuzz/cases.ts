// The fuzz cases of a seed: the base models (seeded single-op models of every op kind, and
// small quantized networks), and case `index` = one mutation of one base, with the reader's
// verdict, an input and the expected output. Case `index` depends on (seed, index) only, so
// any case can be replayed alone, and the first N cases of a seed are the same in every run.
import { OP_KINDS } from "../ops/table.js";
import type { OpKind } from "../format/model.js";
import { tensorBytes } from "../format/model.js";
import { packModel } from "../format/writer.js";
import { calibrationSamples, randomNetwork } from "../models/index.js";
import { randomInt8, randomOpModel } from "../models/op_models.js";
import { Rng } from "../models/random.js";
import { quantize } from "../pipeline.js";
import { runInArena } from "../reference/arena.js";
import { arenaNeeded, readerVerdict, type ReaderVerdict } from "./expect.js";
import { fieldsOf, mutate, type Field, type MutationKind } from "./mutate.js";

export const OP_MODELS_PER_KIND = 3;
export const NETWORKS = 6;

export interface Base {
  /** "adder_conv2d#1", "network#3" */
  name: string;
  blob: Uint8Array;
  fields: Field[];
}

export interface FuzzCase {
  seed: number;
  index: number;
  base: string;
  kind: MutationKind;
  /** What the mutation did, in words. */
  detail: string;
  blob: Uint8Array;
  reader: ReaderVerdict;
  /** Valid models: the arena each flavour needs, and an input (empty for the others). */
  need?: { arena: number; stream: number };
  input: Int8Array;
  /** expectedOutput()'s cache. */
  expected?: Int8Array;
}

/** The base models of `seed`: every op kind OP_MODELS_PER_KIND times, then NETWORKS networks. */
export function fuzzBases(seed: number): Base[] {
  const rng = new Rng(seed);
  const kinds = [...OP_KINDS];
  const bases = kinds.flatMap((kind) =>
    Array.from({ length: OP_MODELS_PER_KIND }, (_, i) => ({ name: `${kind}#${i}`, blob: packModel(randomOpModel(rng, kind)) })));
  for (let n = 0; n < NETWORKS; n++) {
    // quantized as the conformance corpus does (test/runtimes/corpus.ts)
    const netSeed = rng.int(1, 0x7fffffff);
    const graph = randomNetwork(netSeed);
    const model = quantize(graph, calibrationSamples(graph.inputShape, 8, netSeed ^ 0x5a5a));
    bases.push({ name: `network#${n}`, blob: packModel(model) });
  }
  return bases.map((b) => ({ ...b, fields: fieldsOf(b.blob) }));
}

/** The PRNG seed of case `index` of `seed` (a 32-bit mix of the two). */
function caseSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x3c6ef372, 0x9e3779b1) ^ Math.imul(index + 0x7f4a7c15, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}

/** Case `index` of `seed` over `bases` (= fuzzBases(seed)). */
export function fuzzCase(bases: readonly Base[], seed: number, index: number): FuzzCase {
  const rng = new Rng(caseSeed(seed, index));
  const base = rng.pick(bases);
  const { blob, detail, kind } = mutate(rng, base.blob, base.fields);
  return caseOf({ seed, index, base: base.name, kind, detail, blob }, rng);
}

/** A case of `blob`: the reader's verdict and, for a valid model, what it needs and an input drawn from `rng`. */
export function caseOf(what: Pick<FuzzCase, "seed" | "index" | "base" | "kind" | "detail" | "blob">, rng: Rng): FuzzCase {
  const reader = readerVerdict(what.blob);
  const c: FuzzCase = { ...what, reader, input: new Int8Array(0) };
  const { blob } = c;
  const model = reader.model;
  if (model) {
    c.need = { arena: arenaNeeded(blob, model, "arena"), stream: arenaNeeded(blob, model, "stream") };
    c.input = randomInt8(rng, tensorBytes(model.tensors[model.input]!));
  }
  return c;
}

/**
 * The output every runtime must give for a valid case, computed when first asked: only for
 * cases some kernel accepted, whose activations fit its arena (a valid file may declare up to
 * 4 GiB of them).
 */
export function expectedOutput(c: FuzzCase): Int8Array {
  if (!c.reader.model) throw new Error(`case ${c.index}: the reader rejects it, there is no expected output`);
  c.expected ??= runInArena(c.reader.model, c.input).output;
  return c.expected;
}
