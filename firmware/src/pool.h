/*
 * A first-fit allocator over one caller-provided block of RAM, for the backends whose
 * runtime has no allocator of its own (wasm3, aot). Blocks are kept in address order and
 * merged with free neighbours, so a runtime that frees what it allocated (wasm3 on
 * teardown) leaves the pool as it found it.
 */
#ifndef ADDERNET_POOL_H
#define ADDERNET_POOL_H

#include <stddef.h>

/* 0, or -1 if the pool cannot hold a single block. */
int an_pool_init(void *pool, size_t bytes);
void *an_pool_alloc(size_t bytes);
void *an_pool_calloc(size_t count, size_t size);
void *an_pool_realloc(void *p, size_t bytes);
void an_pool_free(void *p);
/* The highest pool offset any allocation reached: the smallest pool that would have served
   the same sequence of allocations. */
size_t an_pool_high_water(void);

#endif /* ADDERNET_POOL_H */
