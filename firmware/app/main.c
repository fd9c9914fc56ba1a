/*
 * The firmware app: one model on N inputs, through the addernet library, on any board
 * and backend (and on the host). Prints one key=value per line:
 *
 *   runtime, board, kernel_flavour       what ran
 *   load_status[_name], error_offset     the kernel's verdict on the model
 *   output.<i>.hex, instructions.<i>     each inference's output bytes and instruction count
 *   open_instructions                    addernet_open (instantiate + load)
 *   count_check_instructions[_expected]  a loop of known length, counted the same way
 *   linear_memory_bytes, pool_bytes, pool_high_water_bytes, stack_bytes, stack_high_water_bytes
 *   kernel_unchanged                     the kernel bytes are the same after close (CRC-32)
 *   sbrk_calls                           the C library's malloc was never reached
 *   status, exit                         the status that ended the run (0, or the failing
 *                                        one) and the exit status
 *
 * Exit status: the tools' shared ADDERNET_EXIT_* (src/format/constants.ts): 0 ok, 3 model
 * refused by load, 4 invoke refused, 5 runtime failure (ADDERNET_E_*), 6 the inputs are not
 * a whole number of model inputs; the boards exit 1 (EXIT_FAILURE) on a CPU fault or a failed
 * assert, after fault=... lines.
 */
#include <string.h>

#include "addernet.h"
#include "board.h"

static char line[192];
static size_t line_len;

static void put(const char *s) {
  while (*s && line_len + 1 < sizeof line) line[line_len++] = *s++;
  line[line_len] = '\0';
}

static void put_u64(uint64_t v) {
  char tmp[21];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  char out[21];
  for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  out[n] = '\0';
  put(out);
}

static void put_i64(int64_t v) {
  if (v < 0) {
    put("-");
    put_u64((uint64_t)0 - (uint64_t)v);
  } else {
    put_u64((uint64_t)v);
  }
}

static void begin(const char *key) {
  line_len = 0;
  put(key);
  put("=");
}

static void end(void) {
  put("\n");
  board_write(line);
}

static void kv_s(const char *key, const char *value) {
  begin(key);
  put(value);
  end();
}

static void kv_u(const char *key, uint64_t value) {
  begin(key);
  put_u64(value);
  end();
}

static void kv_i(const char *key, int64_t value) {
  begin(key);
  put_i64(value);
  end();
}

/* key.<index>.<suffix> (suffix may be empty) */
static void begin_indexed(const char *key, uint64_t index, const char *suffix) {
  line_len = 0;
  put(key);
  put(".");
  put_u64(index);
  put(suffix);
  put("=");
}

/* Any number of bytes: the line is written out in pieces when it fills up. */
static void put_hex_bytes(const int8_t *bytes, size_t n) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    if (line_len + 3 >= sizeof line) {
      board_write(line);
      line_len = 0;
    }
    uint8_t b = (uint8_t)bytes[i];
    line[line_len++] = digits[b >> 4];
    line[line_len++] = digits[b & 15];
    line[line_len] = '\0';
  }
}

static void status_lines(const char *key, int status) {
  kv_i(key, status);
  line_len = 0;
  put(key);
  put("_name=");
  put(addernet_status_name(status));
  end();
  if (status <= ADDERNET_E_ARGUMENT) kv_s("error", addernet_last_error());
}

__attribute__((noreturn)) static void finish(int code, int status) {
  size_t stack = board_stack_bytes();
  if (stack) {
    kv_u("stack_bytes", stack);
    kv_u("stack_high_water_bytes", board_stack_high_water());
  }
  unsigned sbrk_calls = 0;
  if (board_sbrk_calls(&sbrk_calls)) kv_u("sbrk_calls", sbrk_calls);
  kv_i("status", status);
  kv_i("exit", code);
  board_exit(code);
}

int main(int argc, char **argv) {
  board_assets a;
  board_init(argc, argv, &a);
  kv_s("runtime", addernet_runtime_name());
  kv_s("board", board_name());
  uint64_t measured, expected;
  if (board_count_check(&measured, &expected)) {
    kv_u("count_check_instructions", measured);
    kv_u("count_check_expected", expected);
  }
  kv_u("kernel_bytes", a.kernel_bytes);
  kv_u("model_bytes", a.model_bytes);

  size_t pool_bytes = 0;
  void *pool = board_pool(&pool_bytes);
  kv_u("pool_bytes", pool_bytes);
  int status = addernet_init(pool, pool_bytes);
  if (status != ADDERNET_STATUS_OK) {
    status_lines("init_status", status);
    finish(ADDERNET_EXIT_RUNTIME, status);
  }

  uint32_t kernel_crc = addernet_crc32(a.kernel, a.kernel_bytes);
  addernet_model *m = NULL;
  uint64_t t0 = 0, t1 = 0;
  int counting = board_instructions(&t0);
  status = addernet_open(&m, a.kernel_bytes ? a.kernel : NULL, a.kernel_bytes, a.model, a.model_bytes);
  if (counting && board_instructions(&t1)) kv_u("open_instructions", t1 - t0);
  if (m) kv_s("kernel_flavour", addernet_flavour(m) == ADDERNET_FLAVOUR_STREAM ? "stream" : "arena");
  status_lines("load_status", status);
  kv_i("error_offset", addernet_error_offset(m));
  if (status != ADDERNET_STATUS_OK) {
    kv_u("pool_high_water_bytes", addernet_pool_high_water());
    addernet_close(m);
    finish(status <= ADDERNET_E_ARGUMENT ? ADDERNET_EXIT_RUNTIME : ADDERNET_EXIT_LOAD, status);
  }

  size_t in_bytes = 0, out_bytes = 0;
  int8_t *input = addernet_input(m, &in_bytes);
  kv_u("input_bytes", in_bytes);
  if (in_bytes == 0 || a.inputs_bytes % in_bytes != 0) {
    kv_s("error", "the inputs are not a whole number of model inputs");
    finish(ADDERNET_EXIT_INPUT, ADDERNET_STATUS_OK);
  }
  size_t count = a.inputs_bytes / in_bytes;
  kv_u("inputs", count);
  for (size_t i = 0; i < count; i++) {
    memcpy(input, a.inputs + i * in_bytes, in_bytes);
    counting = board_instructions(&t0);
    status = addernet_invoke(m);
    if (counting) board_instructions(&t1);
    if (status != ADDERNET_STATUS_OK) {
      status_lines("invoke_status", status);
      finish(status <= ADDERNET_E_ARGUMENT ? ADDERNET_EXIT_RUNTIME : ADDERNET_EXIT_INVOKE, status);
    }
    const int8_t *out = addernet_output(m, &out_bytes);
    begin_indexed("output", i, ".hex");
    put_hex_bytes(out, out_bytes);
    end();
    if (counting) {
      begin_indexed("instructions", i, "");
      put_u64(t1 - t0);
      end();
    }
  }
  kv_u("output_bytes", out_bytes);
  kv_u("linear_memory_bytes", addernet_linear_memory_bytes(m));
  kv_u("pool_high_water_bytes", addernet_pool_high_water());
  addernet_close(m);
  addernet_deinit();
  kv_u("kernel_unchanged", addernet_crc32(a.kernel, a.kernel_bytes) == kernel_crc);
  finish(ADDERNET_EXIT_OK, ADDERNET_STATUS_OK);
}
