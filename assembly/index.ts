// The kernel module's exports: exactly the ABI of docs/ABI.md. Every argument and
// result is an i32; pointers are offsets in this module's linear memory.
import { ABI_VERSION } from "../src/format/constants";
import {
  engineAbiFlags, engineArenaPtr, engineArenaSize, engineLoad, engineErrorOffset, engineInvoke,
  engineInputPtr, engineInputSize, engineOutputPtr, engineOutputSize,
} from "./engine/engine";

export function abi_version(): i32 { return ABI_VERSION; }
export function abi_flags(): i32 { return engineAbiFlags(); }
export function arena_ptr(): i32 { return <i32>engineArenaPtr(); }
export function arena_size(): i32 { return <i32>engineArenaSize(); }
export function load(ptr: i32, len: i32): i32 { return engineLoad(<usize>ptr, <usize>len); }
export function error_offset(): i32 { return engineErrorOffset(); }
export function input_ptr(): i32 { return <i32>engineInputPtr(); }
export function input_size(): i32 { return engineInputSize(); }
export function output_ptr(): i32 { return <i32>engineOutputPtr(); }
export function output_size(): i32 { return engineOutputSize(); }
export function invoke(): i32 { return engineInvoke(); }

export { __heap_base, __data_end };
/** The address of the u32 holding arena_size(): what src/modulegen rewrites for another arena. */
export { ARENA_SIZE_CELL as __arena_size_cell } from "./engine/arena";
