/*
 * wamr backend: WAMR's interpreter (the tree vendored by the crate wamrx-sys 0.3.0) through
 * its embedding API, wasm_export.h, with the pool as WAMR's heap and the bare-metal platform
 * layer of firmware/platform/wamr. Built three ways (firmware/Makefile): the fast interpreter
 * (wamr), the same with SIMD (wamr-simd), and the classic interpreter (wamr-classic).
 */
#include <string.h>

#include "addernet.h"
#include "backend.h"
#include "mmap_reserve.h"
#include "wasm_export.h"

#ifndef AN_WAMR_STACK_BYTES
/* The exec env's operand and frame stack. The classic interpreter's frames hold pointers:
   twice the bytes on a 64-bit host. The SIMD kernel needs more than 2 KiB: its v128
   locals and operands take four cells each. */
#if WASM_ENABLE_SIMD
#define AN_WAMR_STACK_BYTES 4096
#elif WASM_ENABLE_FAST_INTERP
#define AN_WAMR_STACK_BYTES 2048
#else
#define AN_WAMR_STACK_BYTES (2048 * (uint32_t)sizeof(void *) / 4)
#endif
#endif

#if WASM_ENABLE_SIMD
const char an_backend_name[] = "wamr-simd"; /* WAMR with SIMD128 (SIMDe), for the SIMD kernel */
#elif !WASM_ENABLE_FAST_INTERP
const char an_backend_name[] = "wamr-classic";
#else
const char an_backend_name[] = "wamr";
#endif

struct an_instance {
  wasm_module_t module;
  wasm_module_inst_t inst;
  wasm_exec_env_t env;
  uint8_t *copy;   /* classic interpreter: the kernel bytes it runs from (and rewrites) */
  void *memory;    /* the block reserved for the linear memory (platform_internal.h) */
};

/* addernet.read_model(dst, len, offset) -> i32; the exec env's user data is the model. */
static int32_t read_model(wasm_exec_env_t env, int32_t dst, int32_t len, int32_t offset) {
  return an_read_model(wasm_runtime_get_user_data(env), (uint32_t)dst, (uint32_t)len, (uint32_t)offset);
}

static NativeSymbol natives[] = {
    {"read_model", (void *)read_model, "(iii)i", NULL},
};

int an_backend_init(void *pool, size_t bytes) {
  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  init.mem_alloc_type = Alloc_With_Pool; /* no malloc: WAMR's allocator over the pool */
  init.mem_alloc_option.pool.heap_buf = pool;
  init.mem_alloc_option.pool.heap_size = bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
  init.native_module_name = "addernet";
  init.native_symbols = natives;
  init.n_native_symbols = sizeof natives / sizeof natives[0];
  if (!wasm_runtime_full_init(&init)) {
    an_error("wamr: wasm_runtime_full_init failed (is the pool large enough?)", "", "");
    return ADDERNET_E_RUNTIME;
  }
  return ADDERNET_STATUS_OK;
}

void an_backend_deinit(void) { wasm_runtime_destroy(); }
void *an_backend_alloc(size_t bytes) { return bytes > UINT32_MAX ? NULL : wasm_runtime_malloc((uint32_t)bytes); }
void an_backend_free(void *p) { wasm_runtime_free(p); }

size_t an_backend_pool_high_water(void) {
  mem_alloc_info_t info;
  return wasm_runtime_get_mem_alloc_info(&info) ? info.highmark_size : 0;
}

int an_backend_instantiate(an_instance **out, const uint8_t *kernel, size_t kernel_bytes, uint32_t memory_bytes,
                           void *host) {
  char err[128];
  *out = NULL;
  if (!kernel || kernel_bytes > UINT32_MAX) {
    an_error("wamr: no kernel bytes", "", "");
    return ADDERNET_E_ARGUMENT;
  }
  an_instance *inst = wasm_runtime_malloc(sizeof *inst);
  if (!inst) {
    an_error("wamr: the pool has no room for the instance", "", "");
    return ADDERNET_E_NO_MEMORY;
  }
  memset(inst, 0, sizeof *inst);
  err[0] = '\0';
  /* The linear memory (WAMR trims a memory the module never grows to __heap_base) is the
     largest block WAMR allocates: reserve it first, while the pool is in one piece. */
  if (memory_bytes > 0) {
    inst->memory = wasm_runtime_malloc(memory_bytes);
    if (!inst->memory) {
      an_error("wamr: the pool has no room for the kernel's linear memory", "", "");
      an_backend_teardown(inst);
      return ADDERNET_E_NO_MEMORY;
    }
    an_wamr_reserve_mmap(inst->memory, memory_bytes);
  }
  /* WAMR's loader, by default, writes into the bytes it is given: it turns each name in
     place into a C string (moving it one byte back over its length and appending a 0).
     A kernel in flash must not be written, so it loads with wasm_binary_freeable, which
     copies the names (and the kernel's 16-byte data segment) into the pool instead. The
     fast interpreter translates the code into its own buffer and writes nothing else;
     the host build maps the kernel read-only to prove it. The classic interpreter runs the
     code in place and its loader rewrites opcodes there: it gets a copy in the pool. */
  const uint8_t *bytes = kernel;
#if !WASM_ENABLE_FAST_INTERP
  inst->copy = wasm_runtime_malloc((uint32_t)kernel_bytes);
  if (!inst->copy) {
    an_error("wamr: the pool has no room for the kernel's code", "", "");
    an_backend_teardown(inst);
    return ADDERNET_E_NO_MEMORY;
  }
  memcpy(inst->copy, kernel, kernel_bytes);
  bytes = inst->copy;
#endif
  LoadArgs args;
  memset(&args, 0, sizeof args);
  args.name = "kernel";
  args.wasm_binary_freeable = true;
  inst->module = wasm_runtime_load_ex((uint8_t *)bytes, (uint32_t)kernel_bytes, &args, err, sizeof err);
  const char *during = "wasm_runtime_load: ";
  if (inst->module) {
    during = "wasm_runtime_instantiate: ";
    inst->inst = wasm_runtime_instantiate(inst->module, AN_WAMR_STACK_BYTES, 0, err, sizeof err);
  }
  if (inst->inst) {
    during = "wasm_runtime_create_exec_env failed";
    inst->env = wasm_runtime_create_exec_env(inst->inst, AN_WAMR_STACK_BYTES);
  }
  if (!inst->env) {
    an_error("wamr: ", during, err);
    an_backend_teardown(inst);
    return ADDERNET_E_RUNTIME;
  }
  wasm_runtime_set_user_data(inst->env, host);
  *out = inst;
  return ADDERNET_STATUS_OK;
}

void an_backend_teardown(an_instance *inst) {
  if (!inst) return;
  if (inst->env) wasm_runtime_destroy_exec_env(inst->env);
  if (inst->inst) wasm_runtime_deinstantiate(inst->inst);
  if (inst->module) wasm_runtime_unload(inst->module);
  if (inst->copy) wasm_runtime_free(inst->copy);
  if (inst->memory) {
    an_wamr_reserve_mmap(NULL, 0);
    wasm_runtime_free(inst->memory);
  }
  wasm_runtime_free(inst);
}

an_func an_backend_find(an_instance *inst, const char *name, unsigned argc, int *wrong_type) {
  *wrong_type = 0;
  wasm_function_inst_t f = wasm_runtime_lookup_function(inst->inst, name);
  if (!f) return NULL;
  wasm_valkind_t types[4];
  int ok = wasm_func_get_param_count(f, inst->inst) == argc && wasm_func_get_result_count(f, inst->inst) == 1 &&
           argc < 4;
  if (ok) {
    wasm_func_get_param_types(f, inst->inst, types);
    for (unsigned i = 0; i < argc; i++) ok = ok && types[i] == WASM_I32;
    wasm_func_get_result_types(f, inst->inst, types);
    ok = ok && types[0] == WASM_I32;
  }
  *wrong_type = !ok;
  return ok ? f : NULL;
}

int an_backend_call(an_instance *inst, an_func f, unsigned argc, const uint32_t *args, int32_t *result) {
  uint32_t argv[3] = {0, 0, 0};
  for (unsigned i = 0; i < argc && i < 3; i++) argv[i] = args[i];
  /* argv carries the arguments in and the result out */
  if (!wasm_runtime_call_wasm(inst->env, (wasm_function_inst_t)f, argc, argv)) {
    const char *exception = wasm_runtime_get_exception(inst->inst);
    an_error("wamr: kernel call trapped: ", exception ? exception : "?", "");
    wasm_runtime_clear_exception(inst->inst);
    return ADDERNET_E_RUNTIME;
  }
  *result = (int32_t)argv[0];
  return ADDERNET_STATUS_OK;
}

uint8_t *an_backend_memory(an_instance *inst, uint32_t *bytes) {
  /* WAMR folds a memory that never grows into one page of the trimmed size, so
     pages x bytes per page is what it allocated. */
  wasm_memory_inst_t mem = wasm_runtime_get_default_memory(inst->inst);
  *bytes = 0;
  if (!mem) return NULL;
  uint64_t size = wasm_memory_get_cur_page_count(mem) * (uint64_t)wasm_memory_get_bytes_per_page(mem);
  *bytes = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
  return wasm_memory_get_base_address(mem);
}
