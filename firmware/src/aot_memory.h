/*
 * The aot kernel's linear memory, as the translated kernel sees it after
 * firmware/scripts/aot-specialise.mjs: exactly AN_AOT_HEAP_BASE bytes at a fixed address.
 * Every access [a, a + n) must lie inside it, or the kernel traps (out of bounds).
 */
#ifndef ADDERNET_AOT_MEMORY_H
#define ADDERNET_AOT_MEMORY_H

#include <stdint.h>

#include "aot_kernel.h"

extern uint8_t an_aot_linear_memory[];
#define AN_AOT_MEMORY an_aot_linear_memory
#define AN_AOT_MEMCHECK(a, n) \
  if (UNLIKELY((a) > (uint64_t)AN_AOT_HEAP_BASE - (n))) TRAP(OOB);

#endif /* ADDERNET_AOT_MEMORY_H */
