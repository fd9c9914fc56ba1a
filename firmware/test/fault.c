/*
 * A firmware that goes wrong on purpose, to test the boards' fault handling and the
 * runner's time limit (make run-<board>-fault FAULT=udf|hang):
 *   udf   executes an undefined instruction: the HardFault handler reports it and exits 1
 *   hang  never finishes: run-qemu.sh stops QEMU at its time limit and exits 124
 */
#include "board.h"

int main(int argc, char **argv);

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  board_write("fault_test=" FAULT_MODE "\n");
#if FAULT_UDF
  __builtin_trap();
#else
  for (;;) __asm__ volatile("nop");
#endif
  return 0;
}
