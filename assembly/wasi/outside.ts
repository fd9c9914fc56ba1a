// `--check-outside`: whether a run changed linear memory outside the arena, told by the command
// itself (a WASI runtime's host cannot see the command's memory; the fuzz command asks this of
// wasmtime). A CRC-32 of that memory is taken after the arguments are read and the CRC table is
// filled, and again after the run; the two are held in globals, out of the memory's reach.
// Left out: the command's own I/O cells, which its WASI calls write during the run (file names,
// messages, iovecs, result cells: io.ts, and the fd_pread cells of source.ts). The kernel's
// static scratch outside the arena is included: it must be left as found, call after call.
import { crc32Update } from "../engine/crc32";
import { engineArenaPtr, engineArenaSize } from "../engine/engine";
import { isPreadCell } from "../engine/source";
import { isIoCell, report } from "./io";

let checking = false;
let before: u32 = 0;

function crcOf(c: u32, from: usize, to: usize): u32 {
  for (let p = from; p < to; p++) {
    if (!isIoCell(p) && !isPreadCell(p)) c = crc32Update(c, p, 1);
  }
  return c;
}

/** CRC-32 of [0, arena_ptr) and [arena_ptr + arena_size, end of memory), I/O cells left out. */
function outsideCrc(): u32 {
  const arenaEnd = engineArenaPtr() + engineArenaSize();
  return crcOf(crcOf(0, 0, engineArenaPtr()), arenaEnd, <usize>memory.size() << 16);
}

export function startOutsideCheck(): void {
  crc32Update(0, 0, 0); // fills the table, which the kernel would otherwise fill during the run
  checking = true;
  before = outsideCrc();
}

/** With --check-outside: `arena_size=` and `outside_changed=0|1` on stdout. */
export function reportOutsideCheck(): void {
  if (!checking) return;
  const changed = outsideCrc() != before;
  report("arena_size", <i64>engineArenaSize());
  report("outside_changed", changed ? 1 : 0);
}
