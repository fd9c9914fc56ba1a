// WASI command build: `<module> <model file> <input file> <output file>`.
//
// Runs one model on one input with no host code, e.g.
//   wasmtime run --dir=. build/addernet-wasi.simd.wasm model.addn in.bin out.bin
// An optional fourth argument N times N inferences (after one that warms up) with WASI's
// monotonic clock and prints `mean_ns=<ns>` on stdout, then runs the input once more for the
// output file: the same invoke-only figure the other runtimes report.
// It imports WASI (wasi_snapshot_preview1) only and reuses the kernel's engine
// functions, so its outputs are the kernel's outputs byte for byte. It allocates
// nothing: the model is read straight into the arena (stream build: the engine reads the
// slices it needs from the open model file), the input straight into the input tensor, and
// messages are assembled in a fixed scratch buffer.
//
// Exit codes: 0 ok, 1 usage, 2 file error, 3 load() rejected the model,
// 4 invoke() failed, 5 the input file has the wrong size.
import {
  engineArenaPtr, engineArenaSize, engineLoad, engineErrorOffset, engineInvoke,
  engineInputPtr, engineInputSize, engineOutputPtr, engineOutputSize,
} from "../engine/engine";
import { STREAMED, setModelFile } from "../engine/source";
import {
  STATUS_OK, STATUS_TRUNCATED, STATUS_BAD_MAGIC, STATUS_BAD_VERSION, STATUS_BAD_FLAGS,
  STATUS_BAD_CRC, STATUS_BAD_LAYOUT, STATUS_BAD_TENSOR, STATUS_BAD_OP, STATUS_SHAPE_MISMATCH,
  STATUS_PARAM_OUT_OF_RANGE, STATUS_ARENA_TOO_SMALL, STATUS_NOT_LOADED, STATUS_BAD_QUANT,
  STATUS_BAD_BUFFER, STATUS_BAD_GRAPH, STATUS_READ_FAILED,
} from "../../src/format/constants";

// ---- wasi_snapshot_preview1 ------------------------------------------------
@external("wasi_snapshot_preview1", "args_sizes_get")
declare function args_sizes_get(argc: usize, argvBufSize: usize): u16;
@external("wasi_snapshot_preview1", "args_get")
declare function args_get(argv: usize, argvBuf: usize): u16;
@external("wasi_snapshot_preview1", "fd_prestat_get")
declare function fd_prestat_get(fd: u32, prestat: usize): u16;
@external("wasi_snapshot_preview1", "fd_prestat_dir_name")
declare function fd_prestat_dir_name(fd: u32, path: usize, pathLen: usize): u16;
@external("wasi_snapshot_preview1", "path_open")
declare function path_open(
  dirFd: u32, dirFlags: u32, path: usize, pathLen: usize, oflags: u16,
  rightsBase: u64, rightsInheriting: u64, fdFlags: u16, fdOut: usize,
): u16;
@external("wasi_snapshot_preview1", "fd_read")
declare function fd_read(fd: u32, iovs: usize, iovsLen: usize, nread: usize): u16;
@external("wasi_snapshot_preview1", "fd_write")
declare function fd_write(fd: u32, iovs: usize, iovsLen: usize, nwritten: usize): u16;
@external("wasi_snapshot_preview1", "fd_seek")
declare function fd_seek(fd: u32, offset: i64, whence: u8, newOffset: usize): u16;
@external("wasi_snapshot_preview1", "fd_close")
declare function fd_close(fd: u32): u16;
@external("wasi_snapshot_preview1", "proc_exit")
declare function proc_exit(code: u32): void;
@external("wasi_snapshot_preview1", "clock_time_get")
declare function clock_time_get(clockId: u32, precision: u64, time: usize): u16;

const STDOUT: u32 = 1;
const STDERR: u32 = 2;
const CLOCK_MONOTONIC: u32 = 1;
const FIRST_PREOPEN: u32 = 3;
const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
const OFLAGS_CREAT: u16 = 1;
const OFLAGS_TRUNC: u16 = 8;
const RIGHT_FD_READ: u64 = 1 << 1;
const RIGHT_FD_SEEK: u64 = 1 << 2;
const WHENCE_END: u8 = 2;
const RIGHT_FD_WRITE: u64 = 1 << 6;

const EXIT_USAGE: u32 = 1;
const EXIT_FILE: u32 = 2;
const EXIT_LOAD: u32 = 3;
const EXIT_INVOKE: u32 = 4;
const EXIT_INPUT_SIZE: u32 = 5;

// ---- fixed scratch (no allocator) ----------------------------------------
const ARGS_MAX: u32 = 4096;
const ARGV_MAX: u32 = 16;
const ARGV: usize = memory.data(ARGV_MAX * 4, 4);
const ARGS: usize = memory.data(ARGS_MAX, 4);
const NAME_MAX: i32 = 1024;
const NAME: usize = memory.data(NAME_MAX, 4);
const MSG_MAX: i32 = 512;
const MSG: usize = memory.data(MSG_MAX, 4);
/** iovec (ptr, len), result cell, prestat record. */
const IOV: usize = memory.data(16, 8);
const CELL: usize = memory.data(8, 8);
const PRESTAT: usize = memory.data(8, 4);
const PROBE: usize = memory.data(16, 16);

// ---- messages on stderr ------------------------------------------------------
let msgLen: i32 = 0;

function put(s: string): void {
  for (let i = 0; i < s.length && msgLen < MSG_MAX; i++) {
    store<u8>(MSG + msgLen++, <u8>s.charCodeAt(i)); // messages are ASCII
  }
}
function putBytes(ptr: usize, len: i32): void {
  for (let i = 0; i < len && msgLen < MSG_MAX; i++) store<u8>(MSG + msgLen++, load<u8>(ptr + i));
}
function putInt(v: i64): void {
  if (v < 0) { put("-"); v = -v; }
  let digits: i64 = 1;
  while (v / digits >= 10) digits *= 10;
  for (; digits > 0; digits /= 10) store<u8>(MSG + msgLen++, <u8>(48 + <i32>((v / digits) % 10)));
}
function putArg(i: i32): void {
  const p = load<u32>(ARGV + 4 * i);
  putBytes(p, cstrlen(p));
}
/** Writes the assembled message and a newline to `fd`, and empties it. */
function flush(fd: u32): void {
  put("\n");
  store<u32>(IOV, MSG);
  store<u32>(IOV + 4, msgLen);
  fd_write(fd, IOV, 1, CELL);
  msgLen = 0;
}
function fail(code: u32): void {
  flush(STDERR);
  proc_exit(code);
}

function invokeOrFail(): void {
  const status = engineInvoke();
  if (status != STATUS_OK) {
    put("addernet-wasi: invoke failed: status "); putInt(status);
    put(" ("); put(statusName(status)); put(")");
    fail(EXIT_INVOKE);
  }
}

function monotonicNs(): u64 {
  clock_time_get(CLOCK_MONOTONIC, 1, CELL);
  return load<u64>(CELL);
}

function statusName(status: i32): string {
  switch (status) {
    case STATUS_OK: return "OK";
    case STATUS_TRUNCATED: return "TRUNCATED";
    case STATUS_BAD_MAGIC: return "BAD_MAGIC";
    case STATUS_BAD_VERSION: return "BAD_VERSION";
    case STATUS_BAD_FLAGS: return "BAD_FLAGS";
    case STATUS_BAD_CRC: return "BAD_CRC";
    case STATUS_BAD_LAYOUT: return "BAD_LAYOUT";
    case STATUS_BAD_TENSOR: return "BAD_TENSOR";
    case STATUS_BAD_OP: return "BAD_OP";
    case STATUS_SHAPE_MISMATCH: return "SHAPE_MISMATCH";
    case STATUS_PARAM_OUT_OF_RANGE: return "PARAM_OUT_OF_RANGE";
    case STATUS_ARENA_TOO_SMALL: return "ARENA_TOO_SMALL";
    case STATUS_NOT_LOADED: return "NOT_LOADED";
    case STATUS_BAD_QUANT: return "BAD_QUANT";
    case STATUS_BAD_BUFFER: return "BAD_BUFFER";
    case STATUS_BAD_GRAPH: return "BAD_GRAPH";
    case STATUS_READ_FAILED: return "READ_FAILED";
    default: return "UNKNOWN";
  }
}

// ---- files -----------------------------------------------------------------
function cstrlen(p: usize): i32 {
  let n = 0;
  while (load<u8>(p + n) != 0) n++;
  return n;
}

/**
 * Opens argument `arg` (a path) relative to the preopened directory it lies in,
 * as wasi-libc does: the first preopen whose name is a prefix of an absolute
 * path, or the first preopen for a relative path. Returns the fd, or fails.
 */
function openArg(arg: i32, oflags: u16, rights: u64): u32 {
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
    if (errno != 0) {
      put("addernet-wasi: cannot open "); putArg(arg); put(" (WASI errno "); putInt(errno); put(")");
      fail(EXIT_FILE);
    }
    return load<u32>(CELL);
  }
  put("addernet-wasi: "); putArg(arg);
  put(" is not inside a preopened directory (run with --dir=. or --dir=<its directory>)");
  fail(EXIT_FILE);
  return 0;
}

function isAbsoluteName(nameLen: i32): bool {
  return nameLen > 0 && load<u8>(NAME) == 0x2f;
}

function startsWith(p: usize, pLen: i32, prefix: usize, prefixLen: i32): bool {
  if (prefixLen > pLen) return false;
  for (let i = 0; i < prefixLen; i++) if (load<u8>(p + i) != load<u8>(prefix + i)) return false;
  return true;
}

/** Reads up to `cap` bytes into `dst`; returns the count (stops at end of file). */
function readInto(fd: u32, arg: i32, dst: usize, cap: u64): u64 {
  let total: u64 = 0;
  while (total < cap) {
    const chunk = min<u64>(cap - total, 1 << 30);
    store<u32>(IOV, <u32>(dst + <usize>total));
    store<u32>(IOV + 4, <u32>chunk);
    const errno = fd_read(fd, IOV, 1, CELL);
    if (errno != 0) {
      put("addernet-wasi: cannot read "); putArg(arg); put(" (WASI errno "); putInt(errno); put(")");
      fail(EXIT_FILE);
    }
    const n = load<u32>(CELL);
    if (n == 0) break;
    total += n;
  }
  return total;
}

/** True when the file has no byte left. */
function atEnd(fd: u32, arg: i32): bool {
  return readInto(fd, arg, PROBE, 1) == 0;
}

function writeAll(fd: u32, arg: i32, src: usize, len: u32): void {
  let done: u32 = 0;
  while (done < len) {
    store<u32>(IOV, src + done);
    store<u32>(IOV + 4, len - done);
    const errno = fd_write(fd, IOV, 1, CELL);
    if (errno != 0) {
      put("addernet-wasi: cannot write "); putArg(arg); put(" (WASI errno "); putInt(errno); put(")");
      fail(EXIT_FILE);
    }
    done += load<u32>(CELL);
  }
}

// ---- main ------------------------------------------------------------------
const ARG_MODEL = 1;
const ARG_INPUT = 2;
const ARG_OUTPUT = 3;
const ARG_REPEAT = 4;

/** Decimal value of argument `arg`, or −1 when it is not a plain count. */
function argCount(arg: i32): i64 {
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

/** Returns the number of extra inferences asked for (0 without a fourth argument). */
function readArgs(): i64 {
  args_sizes_get(CELL, CELL + 4);
  const argc = load<u32>(CELL);
  const bufSize = load<u32>(CELL + 4);
  if (argc > ARGV_MAX || bufSize > ARGS_MAX) {
    put("addernet-wasi: arguments too long");
    fail(EXIT_USAGE);
  }
  args_get(ARGV, ARGS);
  if (argc != 4 && argc != 5) {
    put("usage: addernet-wasi <model.addn> <input.bin> <output.bin> [repeat]  (got ");
    putInt(<i64>argc - 1); put(" arguments)");
    fail(EXIT_USAGE);
  }
  if (argc == 5) {
    const repeat = argCount(ARG_REPEAT);
    if (repeat < 0) {
      put("addernet-wasi: repeat count "); putArg(ARG_REPEAT); put(" is not a number");
      fail(EXIT_USAGE);
    }
    return repeat;
  }
  return 0;
}

/** The input file: exactly input_size() bytes, straight into the input tensor. */
function readInput(): void {
  const inputSize = <u64>engineInputSize();
  const inputFd = openArg(ARG_INPUT, 0, RIGHT_FD_READ);
  const got = readInto(inputFd, ARG_INPUT, engineInputPtr(), inputSize);
  if (got != inputSize || !atEnd(inputFd, ARG_INPUT)) {
    put("addernet-wasi: "); putArg(ARG_INPUT); put(" must hold exactly "); putInt(<i64>inputSize);
    put(" bytes (int8 NHWC input of the model)");
    fail(EXIT_INPUT_SIZE);
  }
  fd_close(inputFd);
}

/** The model file straight into the arena (arena flavour); its length. */
function readModelIntoArena(): usize {
  const arena = engineArenaPtr();
  const arenaSize = <u64>engineArenaSize();
  const modelFd = openArg(ARG_MODEL, 0, RIGHT_FD_READ);
  const modelLen = readInto(modelFd, ARG_MODEL, arena, arenaSize);
  if (!atEnd(modelFd, ARG_MODEL)) {
    put("addernet-wasi: "); putArg(ARG_MODEL); put(" is larger than the arena ("); putInt(<i64>arenaSize);
    put(" bytes): status "); putInt(STATUS_BAD_BUFFER); put(" (BAD_BUFFER)");
    fail(EXIT_LOAD);
  }
  fd_close(modelFd);
  return <usize>modelLen;
}

/** The model file left open for the engine to read slices from (stream flavour); its length. */
function openModelForStreaming(): usize {
  const modelFd = openArg(ARG_MODEL, 0, RIGHT_FD_READ | RIGHT_FD_SEEK);
  const errno = fd_seek(modelFd, 0, WHENCE_END, CELL);
  if (errno != 0 || load<u64>(CELL) > 0x7fffffff) {
    put("addernet-wasi: cannot size "); putArg(ARG_MODEL); put(" (WASI errno "); putInt(errno); put(")");
    fail(EXIT_FILE);
  }
  setModelFile(modelFd);
  return <usize>load<u64>(CELL);
}

export function _start(): void {
  const repeat = readArgs();

  const modelLen = STREAMED ? openModelForStreaming() : readModelIntoArena();
  const status = engineLoad(STREAMED ? 0 : engineArenaPtr(), modelLen);
  if (status != STATUS_OK) {
    put("addernet-wasi: load failed: "); putArg(ARG_MODEL); put(": status "); putInt(status);
    put(" ("); put(statusName(status)); put(") at byte offset "); putInt(engineErrorOffset());
    fail(EXIT_LOAD);
  }

  readInput();
  if (repeat > 0) {
    // invoke() may reuse the input's bytes for later activations (the arena plan frees a
    // tensor after its last reader), so the timed runs work on whatever is left there and the
    // input is read again for the run whose output is written.
    invokeOrFail(); // warm-up
    const start = monotonicNs();
    for (let i: i64 = 0; i < repeat; i++) invokeOrFail();
    put("mean_ns="); putInt(<i64>((monotonicNs() - start) / <u64>repeat));
    flush(STDOUT);
    readInput();
  }
  invokeOrFail();

  const outputFd = openArg(ARG_OUTPUT, OFLAGS_CREAT | OFLAGS_TRUNC, RIGHT_FD_WRITE);
  writeAll(outputFd, ARG_OUTPUT, engineOutputPtr(), <u32>engineOutputSize());
  fd_close(outputFd);
}
