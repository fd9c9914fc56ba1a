// The conformance corpus: seeded models packed to .addn, inputs, and reference outputs.
import * as C from "../../src/format/constants.js";
import { crc32 } from "../../src/format/crc32.js";
import { ModelFormatError } from "../../src/format/errors.js";
import { readModel } from "../../src/format/reader.js";
import { packModel } from "../../src/format/writer.js";
import type { Graph } from "../../src/graph/ir.js";
import { buildDigitsNet, buildResNet20, calibrationSamples, randomNetwork, Rng, TINY_MODELS } from "../../src/models/index.js";
import { quantizeInput } from "../../src/quantize/io.js";
import { quantize } from "../../src/pipeline.js";
import { runReference } from "../../src/reference/interpreter.js";

export const RANDOM_NETWORKS = 24;

export interface ValidCase {
  name: string;
  model: Uint8Array;
  input: Int8Array;
  expected: Int8Array;
}

export interface MalformedCase {
  name: string;
  model: Uint8Array;
  input: Int8Array;
  /** The host reader's verdict, which every runtime's load() must repeat. */
  status: number;
  offset: number;
}

/**
 * The model on an image-like input; with `noise`, also on uniform int8 noise over the whole
 * range, which drives accumulators and requantization into their clamps.
 */
function validCases1(name: string, graph: Graph, seed: number, noise: boolean): ValidCase[] {
  const qmodel = quantize(graph, calibrationSamples(graph.inputShape, 8, 1000 + seed));
  const model = packModel(qmodel);
  const image = quantizeInput(qmodel, calibrationSamples(graph.inputShape, 1, 2000 + seed)[0]!);
  const cases = [{ name, model, input: image, expected: runReference(qmodel, image) }];
  if (noise) {
    const rng = new Rng(3000 + seed);
    const input = Int8Array.from(image, () => rng.int(-128, 127));
    cases.push({ name: `${name}/noise`, model, input, expected: runReference(qmodel, input) });
  }
  return cases;
}

export function validCases(): ValidCase[] {
  return [
    ...validCases1("digits", buildDigitsNet(1), 1, true),
    ...validCases1("resnet20", buildResNet20(1), 2, false),
    // the MLPerf Tiny architectures, multiply and adder (a few hundred ms on the slowest runtime)
    ...TINY_MODELS.flatMap((m, i) => [false, true].flatMap((adder) => validCases1(`${m.name}-${adder ? "adder" : "multiply"}`, m.build(1, { adder }), 4 + i, true))),
    ...Array.from({ length: RANDOM_NETWORKS }, (_, i) => validCases1(`random-${i + 1}`, randomNetwork(i + 1), 10 + i, true)).flat(),
  ];
}

function withCrc(blob: Uint8Array): Uint8Array {
  new DataView(blob.buffer).setUint32(C.H_CRC32, crc32(blob, C.CRC_START), true);
  return blob;
}

/** A handful of corruptions of a valid model, each with the reader's status and offset. */
export function malformedCases(base: ValidCase): MalformedCase[] {
  const edits: [string, (b: Uint8Array) => Uint8Array][] = [
    ["truncated", (b) => b.slice(0, b.length - 32)],
    ["bad-magic", (b) => { b[1] ^= 0xff; return b; }],
    ["bad-version", (b) => { b[C.H_VERSION] = 9; return b; }],
    ["flipped-weight-byte", (b) => { b[b.length - 5] ^= 0x10; return b; }],
    ["unknown-opcode", (b) => {
      const ops = new DataView(b.buffer).getUint32(C.H_OPS_OFFSET, true);
      b[ops + C.O_OPCODE] = 0xee;
      return withCrc(b);
    }],
    ["zero-shift", (b) => {
      const ops = new DataView(b.buffer).getUint32(C.H_OPS_OFFSET, true);
      b[ops + C.O_SHIFT] = 0;
      return withCrc(b);
    }],
    ["empty", () => new Uint8Array(0)],
  ];
  const cases = edits.map(([name, edit]): MalformedCase => {
    const model = edit(base.model.slice());
    let status = 0;
    let offset = -1;
    try {
      readModel(model);
    } catch (e) {
      if (!(e instanceof ModelFormatError)) throw e;
      ({ status, offset } = e);
    }
    return { name: `${base.name}/${name}`, model, input: base.input, status, offset };
  });
  // A well-formed file whose activations do not fit the module's arena: only load() can tell.
  const huge = base.model.slice();
  new DataView(huge.buffer).setUint32(C.H_ACTIVATION_BYTES, 0x7fff0000, true);
  cases.push({
    name: `${base.name}/activations-past-the-arena`, model: withCrc(huge), input: base.input,
    status: C.STATUS_ARENA_TOO_SMALL, offset: C.H_ACTIVATION_BYTES,
  });
  return cases;
}
