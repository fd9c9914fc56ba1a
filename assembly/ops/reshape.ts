// RESHAPE (Flatten, Reshape): NHWC bytes are copied unchanged.
import { O_INPUT0, O_OUTPUT } from "../../src/format/constants";
import { opTensor, tensorData, tensorSize } from "../engine/state";

export function reshape(op: usize): void {
  const tin = opTensor(op, O_INPUT0);
  const tout = opTensor(op, O_OUTPUT);
  memory.copy(tensorData(tout), tensorData(tin), <usize>tensorSize(tin));
}
