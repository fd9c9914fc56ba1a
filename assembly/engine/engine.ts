// The engine's entry points as plain AssemblyScript functions. assembly/index.ts
// exports them under the ABI names of docs/ABI.md; a WASI command build can
// import them directly.
import { ABI_FLAG_STREAMED_MODEL, STATUS_BAD_BUFFER } from "../../src/format/constants";
import { loadModel, unload, errorOffset } from "./loader";
import { runModel } from "./run";
import { loaded, modelTensor, tensorData, tensorSize } from "./state";
import { ARENA_PTR, arenaSize } from "./arena";
import { STREAMED } from "./source";

export function engineArenaPtr(): usize { return ARENA_PTR; }
export function engineArenaSize(): usize { return arenaSize(); }
export function engineAbiFlags(): i32 { return STREAMED ? ABI_FLAG_STREAMED_MODEL : 0; }

/**
 * Validate and install a model of `len` bytes: in the arena flavour the blob copied to the
 * arena's start (`ptr` = arena_ptr, `len` ≤ arena_size); in the stream flavour the model the
 * embedder reads from (`ptr` = 0).
 */
export function engineLoad(ptr: usize, len: usize): i32 {
  if (STREAMED ? ptr != 0 : ptr != ARENA_PTR || len > arenaSize()) {
    unload();
    return STATUS_BAD_BUFFER;
  }
  return loadModel(ptr, len, ARENA_PTR, arenaSize());
}

/** Offset in the blob of the field that failed the last load, else −1. */
export function engineErrorOffset(): i32 { return errorOffset; }

/** Run the loaded model: STATUS_OK or STATUS_NOT_LOADED. */
export function engineInvoke(): i32 { return runModel(); }

export function engineInputPtr(): usize { return loaded ? tensorData(modelTensor(false)) : 0; }
export function engineInputSize(): i32 { return loaded ? tensorSize(modelTensor(false)) : 0; }
export function engineOutputPtr(): usize { return loaded ? tensorData(modelTensor(true)) : 0; }
export function engineOutputSize(): i32 { return loaded ? tensorSize(modelTensor(true)) : 0; }
