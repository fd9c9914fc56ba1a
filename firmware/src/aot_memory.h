/*
 * The aot kernel's linear memory, as the translated kernel sees it after
 * firmware/scripts/aot-specialise.mjs: exactly AN_AOT_HEAP_BASE bytes at a fixed address.
 * Every access [a, a + n) must lie inside it, or the kernel traps (out of bounds).
 *
 * AN_AOT_UNCHECKED=1 (the aot-unchecked backend) compiles the checks out: about a quarter
 * fewer instructions on ResNet-20, and nothing but the kernel's own code keeps its accesses
 * inside the buffer. The kernel validates every model before it runs it and keeps every
 * access inside its arena (the fuzzer checks that on every runtime); the checks are the
 * second line of defence that this backend gives up.
 */
#ifndef ADDERNET_AOT_MEMORY_H
#define ADDERNET_AOT_MEMORY_H

#include <stdint.h>

#include "aot_kernel.h"

extern uint8_t an_aot_linear_memory[];
#define AN_AOT_MEMORY an_aot_linear_memory
#if AN_AOT_UNCHECKED
#define AN_AOT_MEMCHECK(a, n)
#else
#define AN_AOT_MEMCHECK(a, n) \
  if (UNLIKELY((a) > (uint64_t)AN_AOT_HEAP_BASE - (n))) TRAP(OOB);
#endif

#endif /* ADDERNET_AOT_MEMORY_H */
