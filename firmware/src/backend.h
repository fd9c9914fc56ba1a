/*
 * The runtime-specific part of the library: one file per backend implements these
 * functions (backend_wamr.c, backend_wasm3.c, backend_aot.c), and exactly one is linked.
 * addernet.c performs the kernel ABI over them, so every backend runs the same steps.
 *
 * Failures return a negative ADDERNET_E_* status after calling an_error() with details.
 */
#ifndef ADDERNET_BACKEND_H
#define ADDERNET_BACKEND_H

#include <stddef.h>
#include <stdint.h>

typedef struct an_instance an_instance; /* one instantiated kernel; defined by the backend */
typedef const void *an_func;            /* an exported function; backend-defined */

/* "wamr", "wamr-simd", "wamr-classic", "wasm3" or "aot". */
extern const char an_backend_name[];

/* Start the runtime over the caller's pool; every later allocation comes from it. */
int an_backend_init(void *pool, size_t bytes);
void an_backend_deinit(void);
void *an_backend_alloc(size_t bytes); /* NULL when the pool is exhausted */
void an_backend_free(void *p);
size_t an_backend_pool_high_water(void);

/*
 * Instantiate `kernel` (aot: NULL; the kernel is compiled in). `memory_bytes` is the
 * module's __heap_base when it exports one (0 otherwise): the bytes of linear memory the
 * module touches, which a backend may allocate instead of the declared pages. `host` is
 * passed back to an_read_model when the kernel calls its import addernet.read_model.
 */
int an_backend_instantiate(an_instance **out, const uint8_t *kernel, size_t kernel_bytes,
                           uint32_t memory_bytes, void *host);
void an_backend_teardown(an_instance *inst);

/*
 * The export `name` if it is a function of type (i32 x argc) -> i32; NULL with
 * *wrong_type = 0 if there is no such export, 1 if its type differs, 2 if the runtime
 * failed to prepare it (an_error says why).
 */
an_func an_backend_find(an_instance *inst, const char *name, unsigned argc, int *wrong_type);

/* Call f with argc (0..2) i32 arguments; 0, or ADDERNET_E_RUNTIME if it trapped. */
int an_backend_call(an_instance *inst, an_func f, unsigned argc, const uint32_t *args, int32_t *result);

/* The linear memory: base and size in bytes (what the runtime allocated). */
uint8_t *an_backend_memory(an_instance *inst, uint32_t *bytes);

/* ---- provided by addernet.c for the backends ---- */

/*
 * The body of the import addernet.read_model(dst, len, offset) -> i32: copies model bytes
 * [offset, offset+len) to linear memory [dst, dst+len) if both ranges are valid, then
 * returns 0; returns 1 and writes nothing otherwise. Never traps.
 */
int32_t an_read_model(void *host, uint32_t dst, uint32_t len, uint32_t offset);

/* Record details of a failure for addernet_last_error: the parts are concatenated;
   an_error_more and an_error_u32 append to it. */
void an_error(const char *a, const char *b, const char *c);
void an_error_more(const char *s);
void an_error_u32(uint32_t v);

/* Decimal text of v in buf (at least 12 bytes); returns buf. */
char *an_utoa(uint32_t v, char *buf);

#endif /* ADDERNET_BACKEND_H */
