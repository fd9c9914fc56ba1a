// The conformance corpus: seeded models packed to .addn, inputs, and reference outputs.
import * as C from "../../src/format/constants.js";
import { crc32 } from "../../src/format/crc32.js";
import { ModelFormatError } from "../../src/format/errors.js";
import { readModel } from "../../src/format/reader.js";
import { packModel } from "../../src/format/writer.js";
import type { Graph } from "../../src/graph/ir.js";
import { buildDigitsNet, buildFireNet, buildResNet20, calibrationSamples, ELEMENTWISE_SAMPLES, randomActivationNetwork, randomNetwork, Rng, TINY_MODELS } from "../../src/models/index.js";
import { quantizeInput } from "../../src/quantize/io.js";
import { quantize } from "../../src/pipeline.js";
import { runReference } from "../../src/reference/interpreter.js";

export const RANDOM_NETWORKS = 24;
/** Networks with LUT, channel-affine and softmax ops: as many as there are element-wise functions, so each is in one. */
export const ACTIVATION_NETWORKS = ELEMENTWISE_SAMPLES.length;

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
    // concats written in place by strided convs
    ...validCases1("firenet", buildFireNet(1), 3, false),
    // the MLPerf Tiny architectures, multiply and adder (a few hundred ms on the slowest runtime)
    ...TINY_MODELS.flatMap((m, i) => [false, true].flatMap((adder) => validCases1(`${m.name}-${adder ? "adder" : "multiply"}`, m.build(1, { adder }), 4 + i, true))),
    ...Array.from({ length: RANDOM_NETWORKS }, (_, i) => validCases1(`random-${i + 1}`, randomNetwork(i + 1), 10 + i, true)).flat(),
    ...Array.from({ length: ACTIVATION_NETWORKS }, (_, i) => validCases1(`activations-${i + 1}`, randomActivationNetwork(i + 1), 60 + i, true)).flat(),
  ];
}

function withCrc(blob: Uint8Array): Uint8Array {
  new DataView(blob.buffer).setUint32(C.H_CRC32, crc32(blob, C.CRC_START), true);
  return blob;
}

/** The reader's verdict on `model`: status and offset (0, −1 when it is valid). */
function verdict(model: Uint8Array): { status: number; offset: number } {
  try {
    readModel(model);
    return { status: 0, offset: -1 };
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    return { status: e.status, offset: e.offset };
  }
}

/** File offset of the first op record with `opcode`. */
function opRecord(blob: Uint8Array, opcode: number): number {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const ops = view.getUint32(C.H_OPS_OFFSET, true);
  for (let i = 0; i < view.getUint16(C.H_OP_COUNT, true); i++) if (blob[ops + i * C.OP_RECORD_SIZE] === opcode) return ops + i * C.OP_RECORD_SIZE;
  throw new Error(`no op with opcode ${opcode}`);
}

/**
 * Corruptions of the parameter fields of the LUT, CHANNEL_AFFINE and softmax ops in `base` (a
 * network with all of them), each with the reader's status and offset.
 */
export function malformedTableCases(base: ValidCase): MalformedCase[] {
  const field = (opcode: number, at: number, value: number) => (b: Uint8Array): Uint8Array => {
    new DataView(b.buffer).setUint32(opRecord(b, opcode) + at, value, true);
    return withCrc(b);
  };
  const edits: [string, (b: Uint8Array) => Uint8Array][] = [
    ["lut-table-past-the-params", field(C.OP_LUT, C.O_WEIGHTS, 0xfffffff0)],
    ["channel-affine-misaligned-bias", field(C.OP_CHANNEL_AFFINE, C.O_BIAS, 4)],
    ["softmax-r-above-one", field(C.OP_SOFTMAX, C.O_WEIGHTS, C.EXP_ONE + 1)],
    ["log-softmax-reserved-field", field(C.OP_LOG_SOFTMAX, C.O_RESERVED2, 1)],
  ];
  return edits.map(([name, edit]) => {
    const model = edit(base.model.slice());
    return { name: `${base.name}/${name}`, model, input: base.input, ...verdict(model) };
  });
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
    return { name: `${base.name}/${name}`, model, input: base.input, ...verdict(model) };
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
