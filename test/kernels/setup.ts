// Shared by the kernel tests.
import * as C from "../../src/format/constants.js";
import { crc32 } from "../../src/format/crc32.js";

/** Rewrite the header CRC after editing a blob, so structural checks are reached. */
export function fixCrc(blob: Uint8Array): Uint8Array {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const fileSize = view.getUint32(C.H_FILE_SIZE, true);
  if (fileSize >= C.CRC_START && fileSize <= blob.length) view.setUint32(C.H_CRC32, crc32(blob, C.CRC_START, fileSize), true);
  return blob;
}
