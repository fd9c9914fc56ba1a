// The checks made on each runtime's answer to a case.
import { H_ACTIVATION_BYTES, STATUS_ARENA_TOO_SMALL, STATUS_OK } from "../format/constants.js";
import { statusName } from "../format/errors.js";
import type { KernelFlavour } from "../runtime/kernel.js";
import { expectedOutput, type FuzzCase } from "./cases.js";
import type { JobOutcome } from "./columns/types.js";

export const PROBLEM_KINDS = ["trap", "outside", "disagreement", "mismatch"] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export interface Problem {
  kind: ProblemKind;
  text: string;
}

export interface Judgement {
  problems: Problem[];
  /** The output was compared with the reference's. */
  outputChecked: boolean;
}

const verdictText = (status: number, offset: number): string =>
  status === STATUS_OK ? "OK" : `${statusName(status)} (${status}) at byte ${offset}`;

/**
 * The status and offset a kernel with an arena of `arenaSize` bytes must give: the reader's,
 * or ARENA_TOO_SMALL (at activation_bytes) for a valid model that needs more arena.
 */
export function expectedVerdict(c: FuzzCase, flavour: KernelFlavour, arenaSize: number): { status: number; offset: number } {
  if (c.need && c.need[flavour] > arenaSize) return { status: STATUS_ARENA_TOO_SMALL, offset: H_ACTIVATION_BYTES };
  return { status: c.reader.status, offset: c.reader.offset };
}

function firstDifference(got: Int8Array, expected: Int8Array): string {
  if (got.length !== expected.length) return `${got.length} output bytes, the reference ${expected.length}`;
  const at = got.findIndex((v, i) => v !== expected[i]);
  return `output byte ${at} of ${got.length} is ${got[at]}, the reference's ${expected[at]}`;
}

/**
 * No trap, nothing written outside the arena, the reader's status and offset (ARENA_TOO_SMALL
 * exactly when the model needs more than the kernel's arena) and, for a valid model, the
 * reference's output bytes.
 */
export function judge(c: FuzzCase, o: JobOutcome, flavour: KernelFlavour, arenaSize: number): Judgement {
  const problems: Problem[] = [];
  if (o.failure !== undefined) problems.push({ kind: "trap", text: o.failure });
  if (o.outsideChanged) problems.push({ kind: "outside", text: "memory outside the arena changed" });
  if (o.status === undefined) return { problems, outputChecked: false };

  const expected = expectedVerdict(c, flavour, arenaSize);
  if (o.status !== expected.status || o.errorOffset !== expected.offset) {
    const reader = c.reader.message ? ` (${c.reader.message})` : "";
    const arena = expected.status !== c.reader.status ? ` for an arena of ${arenaSize} bytes` : "";
    problems.push({ kind: "disagreement", text: `load: ${verdictText(o.status, o.errorOffset!)}; expected ${verdictText(expected.status, expected.offset)}${arena}${reader}` });
    return { problems, outputChecked: false };
  }
  if (o.status !== STATUS_OK || o.failure !== undefined) return { problems, outputChecked: false };
  let mismatch: string | undefined;
  if (o.inputRefused !== undefined) mismatch = `the kernel's input size is not the reader's: ${o.inputRefused}`;
  else if (o.invokeStatus !== STATUS_OK) mismatch = `invoke returned ${statusName(o.invokeStatus!)} (${o.invokeStatus})`;
  else {
    const output = o.output!, reference = expectedOutput(c);
    if (!Buffer.from(output.buffer, output.byteOffset, output.byteLength).equals(Buffer.from(reference.buffer, reference.byteOffset, reference.byteLength))) {
      mismatch = firstDifference(output, reference);
    }
  }
  if (mismatch !== undefined) problems.push({ kind: "mismatch", text: mismatch });
  return { problems, outputChecked: o.inputRefused === undefined && o.invokeStatus === STATUS_OK };
}
