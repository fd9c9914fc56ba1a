// Mutations of packed models: raw bit flips, truncations and extensions (which mostly stop at
// the envelope: size, magic, CRC), and edits of named header, tensor and op fields with the
// CRC recomputed, so that the mutation reaches the structural checks of docs/FORMAT.md.
import * as C from "../format/constants.js";
import { crc32 } from "../format/crc32.js";
import type { Rng } from "../models/random.js";

/** One field of a blob's header, tensor or op records: where, how wide, and its name. */
export interface Field {
  at: number;
  size: 1 | 2 | 4;
  /** "tensor[2].offset"; `record` + "." + `key` */
  name: string;
  /** The record it belongs to ("header", "tensor[2]", "op[0]"), and the field within it ("offset"). */
  record: string;
  key: string;
}

/** A mutated blob and what was done to it, for a replay. */
export interface Mutated {
  blob: Uint8Array;
  detail: string;
}

type FieldSpec = readonly [key: string, offset: number, size: 1 | 2 | 4];

// magic and crc32 are left to the raw flips: an edit there stops at the envelope
const HEADER_FIELDS: readonly FieldSpec[] = [
  ["version", C.H_VERSION, 2], ["flags", C.H_FLAGS, 2], ["file_size", C.H_FILE_SIZE, 4],
  ["tensor_count", C.H_TENSOR_COUNT, 2], ["op_count", C.H_OP_COUNT, 2], ["input_tensor", C.H_INPUT_TENSOR, 2],
  ["output_tensor", C.H_OUTPUT_TENSOR, 2], ["activation_bytes", C.H_ACTIVATION_BYTES, 4],
  ["tensors_offset", C.H_TENSORS_OFFSET, 4], ["ops_offset", C.H_OPS_OFFSET, 4], ["params_offset", C.H_PARAMS_OFFSET, 4],
  ["params_size", C.H_PARAMS_SIZE, 4], ["reserved", C.H_RESERVED, 4],
];
const TENSOR_FIELDS: readonly FieldSpec[] = [
  ["height", C.T_HEIGHT, 2], ["width", C.T_WIDTH, 2], ["channels", C.T_CHANNELS, 2], ["zero_point", C.T_ZERO_POINT, 1],
  ["reserved", C.T_RESERVED, 1], ["offset", C.T_OFFSET, 4], ["scale", C.T_SCALE, 4],
];
// the three reserved bytes after shift are separate fields: readers check them one by one
const OP_FIELDS: readonly FieldSpec[] = [
  ["opcode", C.O_OPCODE, 1], ["reserved0", C.O_RESERVED0, 1], ["input0", C.O_INPUT0, 2], ["input1", C.O_INPUT1, 2],
  ["output", C.O_OUTPUT, 2], ["kernel_h", C.O_KERNEL_H, 1], ["kernel_w", C.O_KERNEL_W, 1], ["stride_h", C.O_STRIDE_H, 1],
  ["stride_w", C.O_STRIDE_W, 1], ["dilation_h", C.O_DILATION_H, 1], ["dilation_w", C.O_DILATION_W, 1],
  ["pad_top", C.O_PAD_TOP, 1], ["pad_left", C.O_PAD_LEFT, 1], ["pad_bottom", C.O_PAD_BOTTOM, 1], ["pad_right", C.O_PAD_RIGHT, 1],
  ["act_min", C.O_ACT_MIN, 1], ["act_max", C.O_ACT_MAX, 1], ["shift", C.O_SHIFT, 1],
  ["reserved1[0]", C.O_RESERVED1, 1], ["reserved1[1]", C.O_RESERVED1 + 1, 1], ["reserved1[2]", C.O_RESERVED1 + 2, 1],
  ["weights", C.O_WEIGHTS, 4], ["bias", C.O_BIAS, 4], ["mult", C.O_MULT, 4], ["reserved2", C.O_RESERVED2, 4],
];
// a CONCAT's input list entries, in the params section
const ENTRY_FIELDS: readonly FieldSpec[] = [["tensor", C.IE_TENSOR, 2], ["reserved", C.IE_RESERVED, 2], ["mult", C.IE_MULT, 4]];

const view = (blob: Uint8Array): DataView => new DataView(blob.buffer, blob.byteOffset, blob.byteLength);

function fieldsOfRecord(record: string, base: number, specs: readonly FieldSpec[]): Field[] {
  return specs.map(([key, offset, size]) => ({ at: base + offset, size, name: `${record}.${key}`, record, key }));
}

/** Every field of a (valid) blob's header, tensor records, op records and concats' input lists. */
export function fieldsOf(blob: Uint8Array): Field[] {
  const v = view(blob);
  const fields = fieldsOfRecord("header", 0, HEADER_FIELDS);
  for (let t = 0; t < v.getUint16(C.H_TENSOR_COUNT, true); t++) {
    fields.push(...fieldsOfRecord(`tensor[${t}]`, C.HEADER_SIZE + C.TENSOR_RECORD_SIZE * t, TENSOR_FIELDS));
  }
  const ops = v.getUint32(C.H_OPS_OFFSET, true);
  for (let o = 0; o < v.getUint16(C.H_OP_COUNT, true); o++) {
    const at = ops + C.OP_RECORD_SIZE * o;
    fields.push(...fieldsOfRecord(`op[${o}]`, at, OP_FIELDS));
    if (v.getUint8(at + C.O_OPCODE) !== C.OP_CONCAT) continue;
    const list = v.getUint32(C.H_PARAMS_OFFSET, true) + v.getUint32(at + C.O_INPUT_LIST, true);
    for (let i = 0; i < v.getUint32(at + C.O_INPUT_COUNT, true); i++) {
      fields.push(...fieldsOfRecord(`op[${o}].list[${i}]`, list + C.INPUT_ENTRY_SIZE * i, ENTRY_FIELDS));
    }
  }
  return fields;
}

function getField(blob: Uint8Array, { at, size }: Field): number {
  const v = view(blob);
  return size === 1 ? v.getUint8(at) : size === 2 ? v.getUint16(at, true) : v.getUint32(at, true);
}

/** Stores `value` modulo the field's range (so −1 becomes all ones). */
function setField(blob: Uint8Array, { at, size }: Field, value: number): number {
  const range = 2 ** (8 * size);
  const u = ((value % range) + range) % range;
  const v = view(blob);
  if (size === 1) v.setUint8(at, u); else if (size === 2) v.setUint16(at, u, true); else v.setUint32(at, u, true);
  return u;
}

/** Sets one field to an edge value, a neighbour of its value, or a random value; says which. */
export function mutateField(rng: Rng, blob: Uint8Array, fields: readonly Field[]): string {
  const field = rng.pick(fields);
  const max = 2 ** (8 * field.size) - 1;
  const old = getField(blob, field);
  const value = rng.pick([0, 1, 2, 16, max, max - 15, old + 1, old - 1, old + 16, old - 16, old * 2, rng.int(0, max)]);
  return `${field.name} ${old} → ${setField(blob, field, value)}`;
}

/**
 * Sets one field to the value the same field has in another record ("tensor[3].offset :=
 * tensor[1].offset"): aliased tensors, ops reading another op's output, swapped shapes.
 */
export function copyField(rng: Rng, blob: Uint8Array, fields: readonly Field[]): string {
  const field = rng.pick(fields);
  const siblings = fields.filter((f) => f.key === field.key && f.record !== field.record);
  if (siblings.length === 0) return mutateField(rng, blob, fields);
  const from = rng.pick(siblings);
  const old = getField(blob, field);
  return `${field.name} ${old} → ${setField(blob, field, getField(blob, from))} (= ${from.name})`;
}

/** Flips `count` random bits of `blob` at or after `from`; says where. */
function flipBits(rng: Rng, blob: Uint8Array, count: number, from = 0): string {
  const flips: string[] = [];
  for (let n = 0; n < count; n++) {
    const at = rng.int(from, blob.length - 1);
    const bit = rng.int(0, 7);
    blob[at] ^= 1 << bit;
    flips.push(`${at}:${bit}`);
  }
  return `bits flipped (byte:bit) ${flips.join(" ")}`;
}

/** A truncation (20 %), an extension with zero bytes (10 %) or 1–4 bit flips, CRC left as it is. */
function rawMutation(rng: Rng, blob: Uint8Array): Mutated {
  const r = rng.next();
  if (r < 0.2) {
    const length = rng.int(0, blob.length - 1);
    return { blob: blob.subarray(0, length), detail: `truncated to ${length} of ${blob.length} bytes` };
  }
  if (r < 0.3) {
    const longer = new Uint8Array(blob.length + rng.int(1, 64));
    longer.set(blob);
    return { blob: longer, detail: `extended by ${longer.length - blob.length} zero bytes` };
  }
  return { blob, detail: flipBits(rng, blob, rng.int(1, 4)) };
}

/** rawMutation's blob (may be a view of `blob`, which it may change in place). */
export function mutateBytes(rng: Rng, blob: Uint8Array): Uint8Array {
  return rawMutation(rng, blob).blob;
}

/** Rewrite the header CRC after editing a blob, so structural checks are reached. */
export function fixCrc(blob: Uint8Array): Uint8Array {
  const v = view(blob);
  if (blob.length < C.HEADER_SIZE) return blob;
  const fileSize = v.getUint32(C.H_FILE_SIZE, true);
  if (fileSize >= C.CRC_START && fileSize <= blob.length) v.setUint32(C.H_CRC32, crc32(blob, C.CRC_START, fileSize), true);
  return blob;
}

/** How often each kind of mutation is drawn (sums to 1). */
export const MUTATION_MIX = {
  raw: 0.3, // flips, truncations, extensions; CRC as it is (mostly BAD_CRC and the envelope)
  "flips+crc": 0.15, // anywhere past the CRC field: in the params, a valid model with other weights
  "truncated+crc": 0.05, // file_size set to the new length, then the CRC: the layout checks
  "fields+crc": 0.35, // one or two named fields
  "copy+crc": 0.15, // a field takes a sibling record's value
} as const;
export type MutationKind = keyof typeof MUTATION_MIX;

/**
 * One mutation of `base` (not changed) drawn from MUTATION_MIX; `fields` = fieldsOf(base).
 * Deterministic in `rng`'s state.
 */
export function mutate(rng: Rng, base: Uint8Array, fields: readonly Field[]): Mutated & { kind: MutationKind } {
  const blob = base.slice();
  let r = rng.next();
  const kind = (Object.keys(MUTATION_MIX) as MutationKind[]).find((k) => (r -= MUTATION_MIX[k]) < 0) ?? "raw";
  const edited = (detail: string, b = blob): Mutated & { kind: MutationKind } => ({ blob: fixCrc(b), detail: `${detail}; CRC recomputed`, kind });
  switch (kind) {
    case "raw":
      return { ...rawMutation(rng, blob), kind };
    case "flips+crc":
      return edited(flipBits(rng, blob, rng.int(1, 3), C.CRC_START));
    case "truncated+crc": {
      const length = rng.int(C.HEADER_SIZE, blob.length - 1);
      view(blob).setUint32(C.H_FILE_SIZE, length, true);
      return edited(`truncated to ${length} of ${blob.length} bytes, file_size set to it`, blob.subarray(0, length));
    }
    case "fields+crc": {
      const edits = Array.from({ length: rng.int(1, 2) }, () => mutateField(rng, blob, fields));
      return edited(edits.join(", "));
    }
    case "copy+crc":
      return edited(copyField(rng, blob, fields));
  }
}
