/*
 * A block reserved for the kernel's linear memory before the module is loaded, while the pool
 * is still in one piece (backend_wamr.c): the platform's os_mmap hands it out for a request
 * that fits, so WAMR's largest allocation does not need a hole that size in a pool the
 * loader has fragmented. NULL releases the reservation.
 */
#ifndef AN_MMAP_RESERVE_H
#define AN_MMAP_RESERVE_H

#include <stddef.h>

void an_wamr_reserve_mmap(void *block, size_t bytes);

#endif
