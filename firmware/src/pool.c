#include "pool.h"

#include <stdint.h>
#include <string.h>

/* Every block starts with a header; payloads are aligned for any type. */
typedef struct {
  size_t size; /* bytes of the block, header included; bit 0 set when in use */
  size_t pad;  /* keeps the payload aligned to 2 * sizeof(size_t) */
} header;

#define ALIGN (2 * sizeof(size_t))
#define USED ((size_t)1)

static uint8_t *base;
static uint8_t *end;
static size_t high_water;

static size_t block_size(const header *h) { return h->size & ~USED; }
static header *next_block(header *h) { return (header *)((uint8_t *)h + block_size(h)); }

int an_pool_init(void *pool, size_t bytes) {
  uintptr_t first = ((uintptr_t)pool + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
  size_t lost = (size_t)(first - (uintptr_t)pool);
  base = end = NULL;
  high_water = 0;
  if (!pool || bytes < lost + 2 * sizeof(header)) return -1;
  base = (uint8_t *)first;
  end = base + ((bytes - lost) & ~(ALIGN - 1));
  ((header *)base)->size = (size_t)(end - base); /* one free block */
  return 0;
}

/* Merge h with the free blocks that follow it. */
static void merge_free(header *h) {
  header *n;
  while ((uint8_t *)(n = next_block(h)) < end && !(n->size & USED)) h->size += n->size;
}

/* Mark h used with `need` bytes, splitting off the rest when it can hold a block. */
static void *take(header *h, size_t need) {
  size_t have = block_size(h);
  if (have - need >= 2 * sizeof(header)) {
    header *rest = (header *)((uint8_t *)h + need);
    rest->size = have - need;
    have = need;
  }
  h->size = have | USED;
  size_t top = (size_t)((uint8_t *)h + have - base);
  if (top > high_water) high_water = top;
  return h + 1;
}

static size_t needed(size_t bytes) {
  if (bytes > SIZE_MAX / 2) return 0;
  return (sizeof(header) + bytes + ALIGN - 1) & ~(ALIGN - 1);
}

void *an_pool_alloc(size_t bytes) {
  size_t need = needed(bytes);
  if (!base || need == 0) return NULL;
  for (header *h = (header *)base; (uint8_t *)h < end; h = next_block(h)) {
    if (h->size & USED) continue;
    merge_free(h);
    if (h->size >= need) return take(h, need);
  }
  return NULL;
}

void *an_pool_calloc(size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) return NULL;
  void *p = an_pool_alloc(count * size);
  if (p) memset(p, 0, count * size);
  return p;
}

void an_pool_free(void *p) {
  if (!p) return;
  header *h = (header *)p - 1;
  h->size &= ~USED;
  merge_free(h);
}

void *an_pool_realloc(void *p, size_t bytes) {
  if (!p) return an_pool_alloc(bytes);
  if (bytes == 0) {
    an_pool_free(p);
    return NULL;
  }
  header *h = (header *)p - 1;
  size_t need = needed(bytes);
  if (need == 0) return NULL;
  size_t have = block_size(h);
  if (need <= have) return p; /* shrinking keeps the block */
  /* grow in place into free blocks that follow */
  header *n = next_block(h);
  if ((uint8_t *)n < end && !(n->size & USED)) {
    merge_free(n);
    if (have + n->size >= need) {
      h->size = have + n->size; /* free for the moment: take() marks it used */
      return take(h, need);
    }
  }
  void *q = an_pool_alloc(bytes);
  if (!q) return NULL;
  memcpy(q, p, have - sizeof(header));
  an_pool_free(p);
  return q;
}

size_t an_pool_high_water(void) { return high_water; }
