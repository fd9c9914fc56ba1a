/*
 * addernet.h: run an AdderNet kernel module (.wasm) and a packed model (.addn) from C.
 *
 * The same calls work on every backend the library is built with: "wamr" (WAMR's fast
 * interpreter; "wamr-simd" with SIMD128, "wamr-classic" its classic interpreter), "wasm3"
 * (wasm3's interpreter) and "aot" (the kernel translated to C by wasm2c and compiled into
 * the firmware). The library performs the kernel ABI of
 * docs/ABI.md: it copies or streams the model, calls load, finds the input and output,
 * and checks that every range the kernel reports lies inside its linear memory before
 * handing out a pointer.
 *
 * Memory: the library allocates only from the pool given to addernet_init (no malloc).
 * Kernel and model bytes are read in place (they may live in flash) and must stay valid
 * and unchanged until addernet_close. Two kernel flavours exist, told apart by the export
 * abi_flags(): the arena flavour gets the whole model copied into its linear memory; the
 * stream flavour imports addernet.read_model and pulls the model in slices, so its weights
 * stay in flash.
 *
 * Threads: none. One runtime per program; calls must not run concurrently.
 *
 * Statuses: every call returning int returns ADDERNET_STATUS_OK (0) or a negative status:
 * the kernel's own (ADDERNET_STATUS_*, docs/ABI.md) or the library's (ADDERNET_E_*).
 * addernet_status_name and addernet_status_text describe any of them.
 */
#ifndef ADDERNET_H
#define ADDERNET_H

#include <stddef.h>
#include <stdint.h>

#include "addernet_constants.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library's own statuses, below every kernel status. */
#define ADDERNET_E_ARGUMENT (-100)  /* NULL or out-of-range argument, or a call out of order */
#define ADDERNET_E_NO_MEMORY (-101) /* the pool given to addernet_init is exhausted */
#define ADDERNET_E_RUNTIME (-102)   /* the runtime refused the kernel, or a call trapped */
#define ADDERNET_E_ABI (-103)       /* a missing export, a wrong signature or ABI version */
#define ADDERNET_E_BOUNDS (-104)    /* the kernel reported a range outside its linear memory */

/* Kernel flavours, told apart by the export abi_flags() (ADDERNET_ABI_FLAG_STREAMED_MODEL). */
#define ADDERNET_FLAVOUR_ARENA 0  /* no abi_flags, or the bit clear: model copied to arena_ptr() */
#define ADDERNET_FLAVOUR_STREAM 1 /* the bit set: model read through addernet.read_model */

/* One kernel instance with one model loaded. Opaque; allocated from the pool. */
typedef struct addernet_model addernet_model;

/*
 * Initialises the runtime with `pool`, `pool_bytes` bytes of RAM that the library and
 * the runtime allocate from (runtime structures, the kernel's linear memory, its stack).
 * The pool must stay valid until addernet_deinit. Call once before anything else.
 * Returns ADDERNET_E_ARGUMENT if already initialised or pool is NULL, ADDERNET_E_NO_MEMORY
 * if the pool is too small for the runtime's own start-up, ADDERNET_E_RUNTIME otherwise.
 */
int addernet_init(void *pool, size_t pool_bytes);

/* Releases the runtime. Every model must be closed first. Does nothing if not initialised. */
void addernet_deinit(void);

/* The backend this library was built with: "wamr", "wamr-simd", "wamr-classic", "wasm3" or
   "aot". Static string. */
const char *addernet_runtime_name(void);

/*
 * Instantiates the kernel and loads the model into it.
 *   kernel, kernel_bytes  the kernel module (.wasm). The aot backend has its kernel
 *                         compiled in: pass NULL/0, or the same .wasm, which is then
 *                         checked to be the one compiled in (ADDERNET_E_ABI otherwise).
 *   model, model_bytes    the .addn file.
 * Both are read in place and must stay valid and unchanged until addernet_close.
 *
 * On ADDERNET_STATUS_OK, *out is a model ready for addernet_input / addernet_invoke.
 * If the kernel refused the model (a negative ADDERNET_STATUS_* from load), *out is
 * still set: addernet_error_offset tells where the file is wrong, and the handle must be
 * closed. For every other failure (ADDERNET_E_*), *out is NULL and addernet_last_error
 * gives details.
 */
int addernet_open(addernet_model **out, const uint8_t *kernel, size_t kernel_bytes,
                  const uint8_t *model, size_t model_bytes);

/*
 * After a refused model: the byte offset in the model file of the field that failed
 * (docs/FORMAT.md, "Order of checks"); -1 when the model was accepted or m is NULL.
 */
int32_t addernet_error_offset(const addernet_model *m);

/* The kernel flavour of an open model: ADDERNET_FLAVOUR_ARENA or ADDERNET_FLAVOUR_STREAM. */
int addernet_flavour(const addernet_model *m);

/*
 * Where to write the next input: *bytes int8 values in NHWC order, inside the kernel's
 * linear memory. Write it before every addernet_invoke (the kernel reuses the input's
 * bytes for later activations). NULL (and *bytes = 0) if no model is loaded.
 * The pointer stays valid until addernet_close.
 */
int8_t *addernet_input(addernet_model *m, size_t *bytes);

/*
 * Runs the model on the input written through addernet_input. Returns ADDERNET_STATUS_OK,
 * the kernel's negative status (e.g. ADDERNET_STATUS_NOT_LOADED after a refused model,
 * ADDERNET_STATUS_READ_FAILED from the stream flavour), ADDERNET_E_RUNTIME if the
 * kernel trapped, or ADDERNET_E_BOUNDS if it reports an output outside its memory.
 */
int addernet_invoke(addernet_model *m);

/*
 * The output of the last successful addernet_invoke: *bytes int8 values, inside the
 * kernel's linear memory, valid until the next invoke or close. NULL (and *bytes = 0)
 * before a successful invoke.
 */
const int8_t *addernet_output(addernet_model *m, size_t *bytes);

/* Frees the instance and everything it took from the pool. NULL is ignored. */
void addernet_close(addernet_model *m);

/* "OK", "TRUNCATED", ..., "E_RUNTIME": the name of any status; "UNKNOWN" otherwise. Static. */
const char *addernet_status_name(int status);

/* One sentence saying what a status means. Static. */
const char *addernet_status_text(int status);

/*
 * Details of the last ADDERNET_E_* failure (the runtime's own message, the export or the
 * range at fault); "" if none. Static buffer, overwritten by the next failure.
 */
const char *addernet_last_error(void);

/* Bytes of linear memory the runtime allocated for this model's kernel; 0 if m is NULL. */
size_t addernet_linear_memory_bytes(const addernet_model *m);

/* The most pool bytes in use at any time since addernet_init (runtime and library). */
size_t addernet_pool_high_water(void);

/*
 * CRC-32 (IEEE 802.3, as zlib's crc32) of n bytes: what the aot backend checks a given
 * kernel against, and what an app can use to check bytes in flash.
 */
uint32_t addernet_crc32(const uint8_t *p, size_t n);

/*
 * Hooks the firmware may define (the library has weak defaults):
 *   addernet_port_log          text the runtime prints (WAMR's log); default: discarded.
 *   addernet_port_stack_limit  the lowest address the C stack may use, so the runtime can
 *                              refuse to overflow it (WAMR checks before each call);
 *                              default: NULL, no check.
 */
void addernet_port_log(const char *text);
void *addernet_port_stack_limit(void);

#ifdef __cplusplus
}
#endif

#endif /* ADDERNET_H */
