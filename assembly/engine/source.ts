// Where the model's bytes are read from.
//
// Arena flavour (the default build): the embedder copies the whole `.addn` file to the arena
// and the kernel reads it in place; the module has no imports.
// Stream flavour (`--use STREAM_MODEL=1`): the file stays outside linear memory (in a
// microcontroller's flash, say) and the kernel asks the embedder for slices of it through its
// one import, `addernet.read_model(dst, len, offset)`: the header and tables once at load,
// the parameters of each block of filters at every invoke (docs/ABI.md).
// The WASI command's stream build (`--use WASI_MODEL_FILE=1`) reads the slices from the
// model file with `fd_pread` instead of an import, so a WASI runtime can run it unaided.

// @ts-ignore: introduced by the compiler flag `--use STREAM_MODEL=1`
export const STREAMED: bool = isDefined(STREAM_MODEL);
// @ts-ignore: introduced by the compiler flag `--use WASI_MODEL_FILE=1`
const FROM_WASI_FILE: bool = isDefined(WASI_MODEL_FILE);

/** Copy `len` bytes of the model from byte `offset` to `dst`; 0 on success. */
@external("addernet", "read_model")
declare function read_model(dst: u32, len: u32, offset: u32): i32;

@external("wasi_snapshot_preview1", "fd_pread")
declare function fd_pread(fd: u32, iovs: usize, iovsLen: usize, offset: u64, nread: usize): u16;

/** The open model file of the WASI command (stream build). */
let modelFile: u32 = 0;
export function setModelFile(fd: u32): void { modelFile = fd; }

/** iovec and byte count for fd_pread. */
const PREAD_CELLS: usize = memory.data(16, 8);
/** A byte of PREAD_CELLS (which the WASI command's --check-outside leaves out). */
export function isPreadCell(p: usize): bool {
  return p >= PREAD_CELLS && p < PREAD_CELLS + 16;
}

function preadExactly(dst: usize, len: usize, offset: usize): bool {
  let done: usize = 0;
  while (done < len) {
    store<u32>(PREAD_CELLS, <u32>(dst + done));
    store<u32>(PREAD_CELLS + 4, <u32>(len - done));
    if (fd_pread(modelFile, PREAD_CELLS, 1, <u64>(offset + done), PREAD_CELLS + 8) != 0) return false;
    const n = <usize>load<u32>(PREAD_CELLS + 8);
    if (n == 0) return false; // the file ended early
    done += n;
  }
  return true;
}

/**
 * Stream flavour: copy model bytes [offset, offset + len) to `dst` (in the arena or in static
 * scratch); false when the embedder reports a failure. The kernel only asks for bytes below
 * the length given to load().
 */
export function readModel(dst: usize, len: usize, offset: usize): bool {
  if (len == 0) return true;
  if (FROM_WASI_FILE) return preadExactly(dst, len, offset);
  return read_model(<u32>dst, <u32>len, <u32>offset) == 0;
}
