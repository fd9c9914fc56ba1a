/*
 * The smallest useful firmware: classify each input with a model in flash and print the
 * winning class. Everything a product needs from the addernet library is here; the board
 * (firmware/app/board.h) gives the bytes in flash, the RAM for the pool and a way to print.
 *
 *   make -C firmware run-netduinoplus2-wamr APP=classify FLAVOUR=stream
 *   make -C firmware run-host-aot APP=classify
 *
 * Prints "input <i>: class <k> (score <s>)" per input, or the status that stopped it; exits
 * with 0, or the tools' exit codes (ADDERNET_EXIT_*).
 */
#include <stdio.h>
#include <string.h>

#include "addernet.h"
#include "board.h"

static void say(const char *text) { board_write(text); }

/* Print a failed call's status in words, and exit with `code`. */
static void fail(const char *what, int status, int code) {
  char line[256];
  snprintf(line, sizeof line, "%s: %s (%s)%s%s\n", what, addernet_status_name(status), addernet_status_text(status),
           status <= ADDERNET_E_ARGUMENT ? ": " : "", status <= ADDERNET_E_ARGUMENT ? addernet_last_error() : "");
  say(line);
  board_exit(code);
}

int main(int argc, char **argv) {
  board_assets flash;
  board_init(argc, argv, &flash);

  /* 1. The runtime takes all its memory from one pool, once. */
  size_t pool_bytes = 0;
  void *pool = board_pool(&pool_bytes);
  int status = addernet_init(pool, pool_bytes);
  if (status != ADDERNET_STATUS_OK) fail("addernet_init", status, ADDERNET_EXIT_RUNTIME);

  /* 2. Kernel and model are read in place, from flash (aot: the kernel is compiled in). */
  addernet_model *model = NULL;
  status = addernet_open(&model, flash.kernel_bytes ? flash.kernel : NULL, flash.kernel_bytes, flash.model, flash.model_bytes);
  if (status != ADDERNET_STATUS_OK) {
    char line[96];
    snprintf(line, sizeof line, "the model's byte %ld is at fault\n", (long)addernet_error_offset(model));
    if (model) say(line);
    addernet_close(model);
    fail("addernet_open", status, status <= ADDERNET_E_ARGUMENT ? ADDERNET_EXIT_RUNTIME : ADDERNET_EXIT_LOAD);
  }

  /* 3. Per inference: write the int8 input, invoke, read the int8 output. */
  size_t in_bytes = 0, out_bytes = 0;
  int8_t *input = addernet_input(model, &in_bytes);
  for (size_t i = 0; in_bytes && (i + 1) * in_bytes <= flash.inputs_bytes; i++) {
    memcpy(input, flash.inputs + i * in_bytes, in_bytes);
    status = addernet_invoke(model);
    if (status != ADDERNET_STATUS_OK) fail("addernet_invoke", status, ADDERNET_EXIT_INVOKE);
    const int8_t *scores = addernet_output(model, &out_bytes);
    size_t best = 0;
    for (size_t k = 1; k < out_bytes; k++) if (scores[k] > scores[best]) best = k;
    char line[64];
    snprintf(line, sizeof line, "input %u: class %u (score %d)\n", (unsigned)i, (unsigned)best, scores[best]);
    say(line);
  }

  /* 4. Everything goes back to the pool. */
  addernet_close(model);
  addernet_deinit();
  board_exit(ADDERNET_EXIT_OK);
}
