// Errors raised while reading or writing `.addn` files, and the status-code names.
import * as C from "./constants.js";

const STATUS_PREFIX = "STATUS_";

/** Status value → name ("BAD_CRC"), built from the STATUS_* constants so it cannot drift. */
const STATUS_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(C)
    .filter(([name]) => name.startsWith(STATUS_PREFIX))
    .map(([name, value]) => [value as number, name.slice(STATUS_PREFIX.length)]),
);

/** The name of a STATUS_* value without its prefix ("BAD_CRC"), or "UNKNOWN(<n>)". */
export function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? `UNKNOWN(${status})`;
}

/** Where in the model a format error lies, when it concerns one tensor or op record. */
export interface ErrorLocation {
  tensor?: number;
  op?: number;
}

/**
 * A file (or a model about to be written) breaks a rule of docs/FORMAT.md. `status` is the
 * STATUS_* value the kernel's load() returns for the same file and `offset` the byte offset of
 * the offending field, as its error_offset() reports.
 */
export class ModelFormatError extends Error {
  readonly status: number;
  readonly statusName: string;
  readonly offset: number;
  readonly tensor?: number;
  readonly op?: number;

  constructor(status: number, offset: number, message: string, where: ErrorLocation = {}) {
    super(`${statusName(status)} at byte ${offset}: ${message}`);
    this.name = "ModelFormatError";
    this.status = status;
    this.statusName = statusName(status);
    this.offset = offset;
    this.tensor = where.tensor;
    this.op = where.op;
  }
}

/** A model cannot be packed: a value does not fit its field or an array has the wrong length. */
export class ModelPackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelPackError";
  }
}
