// Shared by the kernel tests: make sure both modules are built (npm test builds them first;
// a bare `npx vitest run test/kernels` builds them here if they are missing).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { KERNEL_BUILDS, kernelWasmPath } from "../../src/runtime/kernel.js";
import * as C from "../../src/format/constants.js";
import { crc32 } from "../../src/format/crc32.js";

let built: Promise<void> | undefined;

export function ensureKernelsBuilt(): Promise<void> {
  built ??= (async () => {
    for (const build of KERNEL_BUILDS) {
      const path = kernelWasmPath(build);
      if (existsSync(path)) continue;
      // @ts-expect-error: the build script is plain JavaScript
      const { buildKernel } = await import("../../scripts/build-wasm.mjs");
      const { binary } = await buildKernel(build);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, binary);
    }
  })();
  return built;
}

/** Rewrite the header CRC after editing a blob, so structural checks are reached. */
export function fixCrc(blob: Uint8Array): Uint8Array {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const fileSize = view.getUint32(C.H_FILE_SIZE, true);
  if (fileSize >= C.CRC_START && fileSize <= blob.length) view.setUint32(C.H_CRC32, crc32(blob, C.CRC_START, fileSize), true);
  return blob;
}
