/*
 * What the firmware app needs from where it runs: a QEMU board (boards/) or the host
 * (host/host.c). One implementation is linked.
 */
#ifndef ADDERNET_BOARD_H
#define ADDERNET_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* The bytes the app runs: the kernel .wasm (empty for the aot backend, whose kernel is
   compiled in), the .addn model and the inputs, one after another. */
typedef struct {
  const uint8_t *kernel;
  size_t kernel_bytes;
  const uint8_t *model;
  size_t model_bytes;
  const uint8_t *inputs;
  size_t inputs_bytes;
} board_assets;

/* Set up the board (boards: nothing left to do after reset; host: read the files named on
   the command line). Returns 0, or exits with a message. */
int board_init(int argc, char **argv, board_assets *assets);
const char *board_name(void);
void board_write(const char *text);
__attribute__((noreturn)) void board_exit(int code);

/* RAM for the library's pool: boards give every byte between .bss and the stack. */
void *board_pool(size_t *bytes);

/* Instructions retired since reset (boards: from SysTick under QEMU -icount shift=0);
   returns 0 and sets nothing if the board cannot count. */
int board_instructions(uint64_t *count);

/* Counts a loop of known length (2n + 1 instructions): *measured should equal *expected
   if the instruction count is right. Returns 0 if the board cannot count. */
int board_count_check(uint64_t *measured, uint64_t *expected);

/* Stack bytes reserved and the most ever used (painted at reset); 0 if unknown. */
size_t board_stack_bytes(void);
size_t board_stack_high_water(void);

/* Calls to the C library's sbrk (what malloc grows its heap with): the library and the
   runtimes must make none. Returns 0 and sets nothing if the board cannot tell. */
int board_sbrk_calls(unsigned *calls);

#endif /* ADDERNET_BOARD_H */
