// The command's I/O without an allocator: arguments, files opened through the preopened
// directories (as wasi-libc resolves them), and messages assembled in a fixed buffer —
// key=value lines on stdout for programs, sentences on stderr for people.
import {
  args_sizes_get, args_get, fd_prestat_get, fd_prestat_dir_name, path_open, fd_read, fd_write, proc_exit,
  STDOUT, STDERR, FIRST_PREOPEN, LOOKUP_SYMLINK_FOLLOW,
} from "./bindings";
import { EXIT_FAILURE, EXIT_USAGE } from "../../src/format/constants";

// ---- fixed scratch ---------------------------------------------------------------------
const ARGS_MAX: u32 = 4096;
const ARGV_MAX: u32 = 16;
const ARGV: usize = memory.data(ARGV_MAX * 4, 4);
const ARGS: usize = memory.data(ARGS_MAX, 4);
const NAME_MAX: i32 = 1024;
const NAME: usize = memory.data(NAME_MAX, 4);
const MSG_MAX: i32 = 512;
const MSG: usize = memory.data(MSG_MAX, 4);
/** iovec (ptr, len), result cell, prestat record, one byte to probe for end of file. */
const IOV: usize = memory.data(16, 8);
export const CELL: usize = memory.data(8, 8);
const PRESTAT: usize = memory.data(8, 4);
const PROBE: usize = memory.data(16, 16);

@inline function within(p: usize, start: usize, size: i32): bool {
  return p >= start && p < start + <usize>size;
}
/** A byte of the cells the command's WASI calls write after reading its arguments (file names, messages, results). */
export function isIoCell(p: usize): bool {
  return within(p, NAME, NAME_MAX) || within(p, MSG, MSG_MAX) || within(p, IOV, 16) || within(p, CELL, 8) ||
    within(p, PRESTAT, 8) || within(p, PROBE, 16);
}

// ---- messages ------------------------------------------------------------------------------
let msgLen: i32 = 0;

export function put(s: string): void {
  for (let i = 0; i < s.length && msgLen < MSG_MAX; i++) {
    store<u8>(MSG + msgLen++, <u8>s.charCodeAt(i)); // messages are ASCII
  }
}
function putBytes(ptr: usize, len: i32): void {
  for (let i = 0; i < len && msgLen < MSG_MAX; i++) store<u8>(MSG + msgLen++, load<u8>(ptr + i));
}
export function putInt(v: i64): void {
  if (v < 0) { put("-"); v = -v; }
  let digits: i64 = 1;
  while (v / digits >= 10) digits *= 10;
  for (; digits > 0 && msgLen < MSG_MAX; digits /= 10) store<u8>(MSG + msgLen++, <u8>(48 + <i32>((v / digits) % 10)));
}
export function putArg(i: i32): void {
  const p = load<u32>(ARGV + 4 * i);
  putBytes(p, cstrlen(p));
}
/** Writes the assembled message and a newline to `fd`, and empties it. */
export function flush(fd: u32): void {
  put("\n");
  store<u32>(IOV, MSG);
  store<u32>(IOV + 4, msgLen);
  fd_write(fd, IOV, 1, CELL);
  msgLen = 0;
}
/** A `key=value` line on stdout. */
export function report(key: string, value: i64): void {
  put(key); put("="); putInt(value);
  flush(STDOUT);
}
/** Writes the assembled message to stderr and exits with `code`. */
export function fail(code: u32): void {
  flush(STDERR);
  proc_exit(code);
}

// ---- arguments -----------------------------------------------------------------------------
function cstrlen(p: usize): i32 {
  let n = 0;
  while (load<u8>(p + n) != 0) n++;
  return n;
}

/** Reads the arguments; returns argc (the program name included). */
export function readArgs(): u32 {
  args_sizes_get(CELL, CELL + 4);
  const argc = load<u32>(CELL);
  const bufSize = load<u32>(CELL + 4);
  if (argc > ARGV_MAX || bufSize > ARGS_MAX) {
    put("addernet-wasi: arguments too long");
    fail(EXIT_USAGE);
  }
  args_get(ARGV, ARGS);
  return argc;
}

/** True when argument `arg` is the ASCII string `s`. */
export function argIs(arg: i32, s: string): bool {
  const p = <usize>load<u32>(ARGV + 4 * arg);
  if (cstrlen(p) != s.length) return false;
  for (let i = 0; i < s.length; i++) if (<i32>load<u8>(p + i) != s.charCodeAt(i)) return false;
  return true;
}

/** Decimal value of argument `arg`, or −1 when it is not a plain count. */
export function argCount(arg: i32): i64 {
  const p = <usize>load<u32>(ARGV + 4 * arg);
  const n = cstrlen(p);
  if (n == 0 || n > 9) return -1;
  let v: i64 = 0;
  for (let i = 0; i < n; i++) {
    const d = <i32>load<u8>(p + i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

// ---- files ---------------------------------------------------------------------------------
function startsWith(p: usize, pLen: i32, prefix: usize, prefixLen: i32): bool {
  if (prefixLen > pLen) return false;
  for (let i = 0; i < prefixLen; i++) if (load<u8>(p + i) != load<u8>(prefix + i)) return false;
  return true;
}

function isAbsoluteName(nameLen: i32): bool {
  return nameLen > 0 && load<u8>(NAME) == 0x2f;
}

/** Reports a failed WASI call on argument `arg` and exits with EXIT_FAILURE. */
function fileError(what: string, arg: i32, errno: u16): void {
  put("addernet-wasi: cannot "); put(what); put(" "); putArg(arg); put(" (WASI errno "); putInt(errno); put(")");
  fail(EXIT_FAILURE);
}

/**
 * Opens argument `arg` (a path) relative to the preopened directory it lies in,
 * as wasi-libc does: the first preopen whose name is a prefix of an absolute
 * path, or the first preopen for a relative path. Returns the fd, or fails.
 */
export function openArg(arg: i32, oflags: u16, rights: u64): u32 {
  const path = <usize>load<u32>(ARGV + 4 * arg);
  const pathLen = cstrlen(path);
  const absolute = pathLen > 0 && load<u8>(path) == 0x2f; // '/'
  for (let fd = FIRST_PREOPEN; fd_prestat_get(fd, PRESTAT) == 0; fd++) {
    const nameLen = <i32>load<u32>(PRESTAT + 4);
    if (load<u8>(PRESTAT) != 0 || nameLen > NAME_MAX) continue; // not a directory
    if (fd_prestat_dir_name(fd, NAME, nameLen) != 0) continue;
    let rel = path;
    let relLen = pathLen;
    if (absolute) {
      let n = nameLen;
      while (n > 1 && load<u8>(NAME + n - 1) == 0x2f) n--; // "/a/" matches like "/a"
      if (!startsWith(path, pathLen, NAME, n)) continue;
      if (n > 1 && pathLen > n && load<u8>(path + n) != 0x2f) continue; // "/ab" is not under "/a"
      rel = path + n;
      relLen = pathLen - n;
      while (relLen > 0 && load<u8>(rel) == 0x2f) { rel++; relLen--; }
      if (relLen == 0) continue;
    } else if (isAbsoluteName(nameLen)) {
      continue; // a relative path resolves against a relative preopen such as "."
    }
    const errno = path_open(fd, LOOKUP_SYMLINK_FOLLOW, rel, relLen, oflags, rights, 0, 0, CELL);
    if (errno != 0) fileError("open", arg, errno);
    return load<u32>(CELL);
  }
  put("addernet-wasi: "); putArg(arg);
  put(" is not inside a preopened directory (run with --dir=. or --dir=<its directory>)");
  fail(EXIT_FAILURE);
  return 0;
}

/** Reads up to `cap` bytes into `dst`; returns the count (stops at end of file). */
export function readInto(fd: u32, arg: i32, dst: usize, cap: u64): u64 {
  let total: u64 = 0;
  while (total < cap) {
    const chunk = min<u64>(cap - total, 1 << 30);
    store<u32>(IOV, <u32>(dst + <usize>total));
    store<u32>(IOV + 4, <u32>chunk);
    const errno = fd_read(fd, IOV, 1, CELL);
    if (errno != 0) fileError("read", arg, errno);
    const n = load<u32>(CELL);
    if (n == 0) break;
    total += n;
  }
  return total;
}

/** True when the file has no byte left. */
export function atEnd(fd: u32, arg: i32): bool {
  return readInto(fd, arg, PROBE, 1) == 0;
}

export function writeAll(fd: u32, arg: i32, src: usize, len: u32): void {
  let done: u32 = 0;
  while (done < len) {
    store<u32>(IOV, src + done);
    store<u32>(IOV + 4, len - done);
    const errno = fd_write(fd, IOV, 1, CELL);
    if (errno != 0) fileError("write", arg, errno);
    done += load<u32>(CELL);
  }
}
