// The arena: the one region the model lives in (blob, activations, read slack).
//
// It must be the LAST static region so that it ends exactly at __heap_base: a
// runtime that trims linear memory to __heap_base (WAMR, for modules that never
// grow memory) then keeps every byte the module uses. The build script checks
// arena_ptr() + arena_size() == __heap_base after compiling.
//
// The size comes from the build (`--use ARENA_BYTES=N`, see scripts/build-wasm.mjs);
// 4 MiB when the constant is not given. The code reads it from a data cell at run time rather
// than as a constant, so a module rewritten for another arena size (src/modulegen) changes it
// in one place: a constant derived from it may have been folded into others by the optimizer.
import { FORMAT_ALIGN } from "../../src/format/constants";

// @ts-ignore: ARENA_BYTES is introduced by the compiler flag `--use ARENA_BYTES=N`
const ARENA_BYTES_BUILT: u32 = isDefined(ARENA_BYTES) ? <u32>ARENA_BYTES : <u32>(4 << 20);
/**
 * Where the arena's size is stored (declared before the arena, which must be the last static
 * region). Exported as the global __arena_size_cell for src/modulegen.
 */
export const ARENA_SIZE_CELL: usize = memory.data<u32>([ARENA_BYTES_BUILT]);
export const ARENA_PTR: usize = memory.data(<i32>ARENA_BYTES_BUILT, FORMAT_ALIGN);

/** Bytes in the arena, which ends at __heap_base. */
@inline export function arenaSize(): usize {
  return <usize>load<u32>(ARENA_SIZE_CELL);
}
