// The arena: the one region the model lives in (blob, activations, read slack).
//
// It must be the LAST static region so that it ends exactly at __heap_base: a
// runtime that trims linear memory to __heap_base (WAMR, for modules that never
// grow memory) then keeps every byte the module uses. The build script checks
// arena_ptr() + arena_size() == __heap_base after compiling.
//
// The size comes from the build (`--use ARENA_BYTES=N`, see scripts/build-wasm.mjs);
// 4 MiB when the constant is not given.
import { FORMAT_ALIGN } from "../../src/format/constants";

// @ts-ignore: ARENA_BYTES is introduced by the compiler flag `--use ARENA_BYTES=N`
export const ARENA_SIZE: usize = isDefined(ARENA_BYTES) ? <usize>ARENA_BYTES : <usize>(4 << 20);
export const ARENA_PTR: usize = memory.data(<i32>ARENA_SIZE, FORMAT_ALIGN);
