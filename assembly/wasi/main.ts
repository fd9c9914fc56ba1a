// WASI command build: `<module> <model file> <input file> <output file> [repeat | --check-outside]`.
//
// Runs one model on one input with no host code, e.g.
//   wasmtime run --dir=. build/addernet-wasi.simd.wasm model.addn in.bin out.bin
// It imports WASI only (./bindings.ts) and reuses the kernel's engine, so its outputs are the
// kernel's outputs byte for byte. It allocates nothing: the model is read straight into the
// arena (the stream build leaves the model file open and the engine reads the slices it needs
// with fd_pread), the input straight into the input tensor.
//
// Results are key=value lines on stdout: `status=0` and `output_size=N`; with a fifth argument
// N, `repeat=N` and `mean_ns=…` (N inferences after one warm-up, timed with WASI's monotonic
// clock: invoke time only, like the other runtimes report). A refused model gives `status=` and
// `error_offset=`, a failed invoke `status=`; sentences go to stderr. With `--check-outside`
// instead of a repeat count, every outcome past the arguments also reports `arena_size=` and
// `outside_changed=0|1`: whether the run changed memory outside the arena (./outside.ts).
// Exit codes are the
// shared EXIT_* (src/format/constants.ts): 0 ok, 1 file error, 2 usage, 3 load refused,
// 4 invoke failed, 6 wrong input size.
import {
  engineArenaPtr, engineArenaSize, engineLoad, engineErrorOffset, engineInvoke,
  engineInputPtr, engineInputSize, engineOutputPtr, engineOutputSize,
} from "../engine/engine";
import { STREAMED, setModelFile } from "../engine/source";
import {
  STATUS_OK, STATUS_BAD_BUFFER, EXIT_FAILURE, EXIT_USAGE, EXIT_LOAD, EXIT_INVOKE, EXIT_INPUT,
} from "../../src/format/constants";
import {
  clock_time_get, fd_close, fd_seek, CLOCK_MONOTONIC, OFLAGS_CREAT, OFLAGS_TRUNC,
  RIGHT_FD_READ, RIGHT_FD_SEEK, RIGHT_FD_WRITE, WHENCE_END,
} from "./bindings";
import { CELL, argCount, argIs, atEnd, fail, openArg, put, putArg, putInt, readArgs, readInto, report, writeAll } from "./io";
import { reportOutsideCheck, startOutsideCheck } from "./outside";

const ARG_MODEL = 1;
const ARG_INPUT = 2;
const ARG_OUTPUT = 3;
const ARG_REPEAT = 4;
const CHECK_OUTSIDE = "--check-outside";

/** The number of extra inferences asked for (0 without a fourth argument or with --check-outside). */
function repeatCount(argc: u32): i64 {
  if (argc != 4 && argc != 5) {
    put("usage: addernet-wasi <model.addn> <input.bin> <output.bin> [repeat | --check-outside]  (got ");
    putInt(<i64>argc - 1); put(" arguments)");
    fail(EXIT_USAGE);
  }
  if (argc == 4) return 0;
  if (argIs(ARG_REPEAT, CHECK_OUTSIDE)) {
    startOutsideCheck();
    return 0;
  }
  const repeat = argCount(ARG_REPEAT);
  if (repeat < 0) {
    put("addernet-wasi: repeat count "); putArg(ARG_REPEAT); put(" is not a number");
    fail(EXIT_USAGE);
  }
  return repeat;
}

/** Reports a refused model (status= and error_offset= on stdout) and exits with EXIT_LOAD. */
function loadFailed(status: i32, offset: i32): void {
  reportOutsideCheck();
  report("status", status);
  report("error_offset", offset);
  put("addernet-wasi: load failed: "); putArg(ARG_MODEL); put(": status "); putInt(status);
  put(" at byte offset "); putInt(offset); put(" (docs/ABI.md)");
  fail(EXIT_LOAD);
}

function invokeOrFail(): void {
  const status = engineInvoke();
  if (status != STATUS_OK) {
    reportOutsideCheck();
    report("status", status);
    put("addernet-wasi: invoke failed: status "); putInt(status);
    fail(EXIT_INVOKE);
  }
}

function monotonicNs(): u64 {
  clock_time_get(CLOCK_MONOTONIC, 1, CELL);
  return load<u64>(CELL);
}

/** The model file straight into the arena (arena flavour); its length. */
function readModelIntoArena(): usize {
  const arenaSize = <u64>engineArenaSize();
  const modelFd = openArg(ARG_MODEL, 0, RIGHT_FD_READ);
  const modelLen = readInto(modelFd, ARG_MODEL, engineArenaPtr(), arenaSize);
  if (!atEnd(modelFd, ARG_MODEL)) {
    reportOutsideCheck();
    // the results first: report() and the sentence share one message buffer
    report("status", STATUS_BAD_BUFFER);
    report("error_offset", -1);
    put("addernet-wasi: "); putArg(ARG_MODEL); put(" is larger than the arena ("); putInt(<i64>arenaSize); put(" bytes)");
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
    fail(EXIT_FAILURE);
  }
  setModelFile(modelFd);
  return <usize>load<u64>(CELL);
}

/** The input file: exactly input_size() bytes, straight into the input tensor. */
function readInput(): void {
  const inputSize = <u64>engineInputSize();
  const inputFd = openArg(ARG_INPUT, 0, RIGHT_FD_READ);
  const got = readInto(inputFd, ARG_INPUT, engineInputPtr(), inputSize);
  if (got != inputSize || !atEnd(inputFd, ARG_INPUT)) {
    reportOutsideCheck(); // before the message is assembled: report() shares its buffer
    put("addernet-wasi: "); putArg(ARG_INPUT); put(" must hold exactly "); putInt(<i64>inputSize);
    put(" bytes (int8 NHWC input of the model)");
    fail(EXIT_INPUT);
  }
  fd_close(inputFd);
}

export function _start(): void {
  const repeat = repeatCount(readArgs());

  const modelLen = STREAMED ? openModelForStreaming() : readModelIntoArena();
  const status = engineLoad(STREAMED ? 0 : engineArenaPtr(), modelLen);
  if (status != STATUS_OK) loadFailed(status, engineErrorOffset());

  readInput();
  if (repeat > 0) {
    // invoke() may reuse the input's bytes for later activations (the arena plan frees a
    // tensor after its last reader), so the timed runs work on whatever is left there and the
    // input is read again for the run whose output is written.
    invokeOrFail(); // warm-up
    const start = monotonicNs();
    for (let i: i64 = 0; i < repeat; i++) invokeOrFail();
    const meanNs = <i64>((monotonicNs() - start) / <u64>repeat);
    report("repeat", repeat);
    report("mean_ns", meanNs);
    readInput();
  }
  invokeOrFail();

  const outputFd = openArg(ARG_OUTPUT, OFLAGS_CREAT | OFLAGS_TRUNC, RIGHT_FD_WRITE);
  writeAll(outputFd, ARG_OUTPUT, engineOutputPtr(), <u32>engineOutputSize());
  fd_close(outputFd);
  reportOutsideCheck();
  report("status", STATUS_OK);
  report("output_size", engineOutputSize());
}
