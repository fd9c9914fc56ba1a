/*
 * WAMR platform layer for bare metal (no OS, no threads): the types WAMR's
 * platform_api_vmcore.h expects. The functions are in bare_metal_platform.c.
 * The host build of the library uses this same layer.
 */
#ifndef _PLATFORM_INTERNAL_H
#define _PLATFORM_INTERNAL_H

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BH_PLATFORM_ADDERNET_BARE_METAL
#define BH_PLATFORM_ADDERNET_BARE_METAL
#endif

#define BH_APPLET_PRESERVED_STACK_SIZE (2 * BH_KB)
#define BH_THREAD_DEFAULT_PRIORITY 0

/* One thread of execution: the types exist for the compiler, the locks do nothing. */
typedef int korp_thread;
typedef korp_thread korp_tid;
typedef int korp_mutex;
typedef int korp_sem;
typedef int korp_cond;
typedef struct {
  int dummy;
} korp_rwlock;

/* File types of platform_api_extension.h; no file system. */
typedef int os_file_handle;
typedef void *os_dir_stream;
typedef int os_raw_file_handle;
typedef int os_poll_file_handle;
typedef unsigned int os_nfds_t;
typedef int os_timespec;

static inline os_file_handle os_get_invalid_handle(void) { return -1; }

/* No MMU: nothing is mapped by pages, and WAMR rounds the linear memory up to this. */
static inline int os_getpagesize(void) { return 16; }

#include "mmap_reserve.h"

#endif /* _PLATFORM_INTERNAL_H */
