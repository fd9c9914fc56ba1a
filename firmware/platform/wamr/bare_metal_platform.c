/*
 * The functions of WAMR's platform_api_vmcore.h for bare metal. WAMR runs with
 * Alloc_With_Pool, so its allocations come from the pool given to addernet_init;
 * os_mmap (linear memory, and nothing else in an interpreter build) takes from the same
 * pool. Output goes to addernet_port_log (semihosting on the boards).
 */
#include "addernet.h"
#include "platform_api_vmcore.h"
#include "wasm_c_api.h"
#include "wasm_export.h"

int bh_platform_init(void) { return 0; }
void bh_platform_destroy(void) {}

/* No C heap: every WAMR allocation goes through wasm_runtime_malloc and the pool. */
void *os_malloc(unsigned size) {
  (void)size;
  return NULL;
}

void *os_realloc(void *ptr, unsigned size) {
  (void)ptr;
  (void)size;
  return NULL;
}

void os_free(void *ptr) { (void)ptr; }

int os_vprintf(const char *format, va_list ap) {
  char text[160];
  int n = vsnprintf(text, sizeof text, format, ap);
  addernet_port_log(text);
  return n;
}

int os_printf(const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = os_vprintf(format, ap);
  va_end(ap);
  return n;
}

uint64 os_time_get_boot_us(void) { return 0; }
uint64 os_time_thread_cputime_us(void) { return 0; }
korp_tid os_self_thread(void) { return 1; }

/* WAMR refuses a call when the C stack is within WASM_STACK_GUARD_SIZE of this. */
uint8 *os_thread_get_stack_boundary(void) { return addernet_port_stack_limit(); }

void os_thread_jit_write_protect_np(bool enabled) { (void)enabled; }

int os_mutex_init(korp_mutex *mutex) {
  *mutex = 0;
  return BHT_OK;
}

int os_mutex_destroy(korp_mutex *mutex) {
  (void)mutex;
  return BHT_OK;
}

int os_mutex_lock(korp_mutex *mutex) {
  (void)mutex;
  return BHT_OK;
}

int os_mutex_unlock(korp_mutex *mutex) {
  (void)mutex;
  return BHT_OK;
}

/* Linear memory: zeroed bytes from WAMR's pool. */
static void *reserved;       /* a block of the pool kept for the linear memory (or NULL) */
static size_t reserved_bytes;
static bool reserved_in_use;

void an_wamr_reserve_mmap(void *block, size_t bytes) {
  reserved = block;
  reserved_bytes = block ? bytes : 0;
  reserved_in_use = false;
}

void *os_mmap(void *hint, size_t size, int prot, int flags, os_file_handle file) {
  (void)hint;
  (void)prot;
  (void)flags;
  (void)file;
  if (size == 0 || size > UINT32_MAX) return NULL;
  void *p;
  if (reserved && !reserved_in_use && size <= reserved_bytes) {
    p = reserved;
    reserved_in_use = true;
  } else {
    p = wasm_runtime_malloc((uint32)size);
  }
  if (p) memset(p, 0, size);
  return p;
}

void os_munmap(void *addr, size_t size) {
  (void)size;
  if (addr && addr == reserved) reserved_in_use = false; /* the backend frees the block */
  else if (addr) wasm_runtime_free(addr);
}

int os_mprotect(void *addr, size_t size, int prot) {
  (void)addr;
  (void)size;
  (void)prot;
  return 0;
}

void *os_mremap(void *old_addr, size_t old_size, size_t new_size) {
  return os_mremap_slow(old_addr, old_size, new_size);
}

void os_dcache_flush(void) {}
void os_icache_flush(void *start, size_t len) {
  (void)start;
  (void)len;
}

/* wasm_runtime_common.c calls this on the path of natives registered through the wasm-c-api,
   whose implementation (wasm_c_api.c) is not built: nothing is ever passed to it. */
void wasm_trap_delete(wasm_trap_t *trap) { (void)trap; }

#if WASM_ENABLE_SIMD != 0 && defined(__NEWLIB__)
/* SIMDe (f32x4.nearest, f64x2.nearest) calls C23's roundeven, which newlib 3.3 lacks.
   rint rounds to nearest, ties to even, in the default rounding mode these cores run in. */
double roundeven(double x);
float roundevenf(float x);
double roundeven(double x) { return rint(x); }
float roundevenf(float x) { return rintf(x); }
#endif
