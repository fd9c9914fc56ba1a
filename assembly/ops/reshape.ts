// RESHAPE (Flatten, Reshape): NHWC bytes are copied unchanged.
import { O_INPUT0, O_OUTPUT } from "../../src/format/constants";
import { tensorRecord, tensorData, tensorSize } from "../engine/state";

export function reshape(op: usize): void {
  const tin = tensorRecord(<i32>load<u16>(op + O_INPUT0));
  const tout = tensorRecord(<i32>load<u16>(op + O_OUTPUT));
  memory.copy(tensorData(tout), tensorData(tin), <usize>tensorSize(tin));
}
