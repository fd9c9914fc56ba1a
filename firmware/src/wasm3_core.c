/*
 * wasm3's m3_core.c with its allocations (calloc/realloc/free in wasm3 0.5's default,
 * non-fixed-heap allocator) taken from the library's pool instead of the C heap.
 * stdlib.h is included first so only m3_core.c's own calls are renamed.
 */
#include <stdlib.h>

#include "pool.h"

#define calloc an_pool_calloc
#define realloc an_pool_realloc
#define free an_pool_free
#include "m3_core.c"
