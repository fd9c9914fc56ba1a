/*
 * wasm3 backend (wasm3 0.5 as vendored by the crate wasm3-sys 0.3.0). Everything wasm3
 * allocates comes from the library's pool (wasm3_core.c), and its linear memory is limited
 * to the bytes the module touches (__heap_base) instead of whole 64 KiB pages.
 */
#include <string.h>

#include "addernet.h"
#include "backend.h"
#include "m3_compile.h" /* Compile_Function */
#include "m3_env.h"     /* M3Runtime.memoryLimit, M3Function.funcType, Module_GetFunction: no public API in 0.5 */
#include "pool.h"
#include "wasm3.h"
#include "wasm_scan.h"

#ifndef AN_WASM3_STACK_BYTES
#define AN_WASM3_STACK_BYTES 2048 /* wasm3's value stack */
#endif

const char an_backend_name[] = "wasm3";

struct an_instance {
  IM3Environment env;
  IM3Runtime runtime;
  IM3Module module;
  const uint8_t *kernel;
  size_t kernel_bytes;
};

int an_backend_init(void *pool, size_t bytes) {
  if (an_pool_init(pool, bytes) != 0) {
    an_error("wasm3: the pool is too small", "", "");
    return ADDERNET_E_NO_MEMORY;
  }
  return ADDERNET_STATUS_OK;
}

void an_backend_deinit(void) {}
void *an_backend_alloc(size_t bytes) { return an_pool_alloc(bytes); }
void an_backend_free(void *p) { an_pool_free(p); }
size_t an_backend_pool_high_water(void) { return an_pool_high_water(); }

/* addernet.read_model(dst, len, offset) -> i32. Arguments arrive in 64-bit slots from sp[0];
   the result replaces the first. */
static const void *read_model(IM3Runtime runtime, uint64_t *sp, void *mem, void *host) {
  (void)runtime;
  (void)mem;
  uint32_t dst = (uint32_t)sp[0], len = (uint32_t)sp[1], offset = (uint32_t)sp[2];
  *(int32_t *)sp = an_read_model(host, dst, len, offset);
  return m3Err_none;
}

static int fail(const char *during, M3Result result, int status) {
  an_error("wasm3: ", during, ": ");
  an_error_more(result);
  return status;
}

static int is_out_of_memory(M3Result r) { return r == m3Err_mallocFailed || r == m3Err_mallocFailedCodePage; }

int an_backend_instantiate(an_instance **out, const uint8_t *kernel, size_t kernel_bytes, uint32_t memory_bytes,
                           void *host) {
  *out = NULL;
  if (!kernel) {
    an_error("wasm3: no kernel bytes", "", "");
    return ADDERNET_E_ARGUMENT;
  }
  an_instance *inst = an_pool_calloc(1, sizeof *inst);
  if (!inst) return fail("instance", m3Err_mallocFailed, ADDERNET_E_NO_MEMORY);
  inst->env = m3_NewEnvironment();
  if (inst->env) inst->runtime = m3_NewRuntime(inst->env, AN_WASM3_STACK_BYTES, NULL);
  if (!inst->runtime) {
    an_backend_teardown(inst);
    return fail("m3_NewRuntime", m3Err_mallocFailed, ADDERNET_E_NO_MEMORY);
  }
  /* Allocate __heap_base bytes of linear memory, not the declared pages (wasm3 then checks
     accesses against that length). */
  inst->runtime->memoryLimit = memory_bytes;

  IM3Module module = NULL;
  M3Result r = m3_ParseModule(inst->env, &module, kernel, (uint32_t)kernel_bytes);
  if (!r) {
    r = m3_LoadModule(inst->runtime, module); /* the runtime owns the module from here */
    if (r) m3_FreeModule(module);
  }
  if (!r) {
    r = m3_LinkRawFunctionEx(module, "addernet", "read_model", "i(iii)", read_model, host);
    if (r == m3Err_functionLookupFailed) r = m3Err_none; /* the arena flavour imports nothing */
  }
  if (r) {
    int status = fail("loading the kernel", r, is_out_of_memory(r) ? ADDERNET_E_NO_MEMORY : ADDERNET_E_RUNTIME);
    an_backend_teardown(inst);
    return status;
  }
  inst->module = module;
  inst->kernel = kernel;
  inst->kernel_bytes = kernel_bytes;
  *out = inst;
  return ADDERNET_STATUS_OK;
}

void an_backend_teardown(an_instance *inst) {
  if (!inst) return;
  if (inst->runtime) m3_FreeRuntime(inst->runtime);
  if (inst->env) m3_FreeEnvironment(inst->env);
  an_pool_free(inst);
}

an_func an_backend_find(an_instance *inst, const char *name, unsigned argc, int *wrong_type) {
  *wrong_type = 0;
  /* wasm3 0.5 keeps one export name per function, so m3_FindFunction misses a function
     exported under two names (the stream kernel's abi_version and abi_flags are one
     function): find the index in the export section instead. */
  uint32_t index;
  if (an_wasm_export_function(inst->kernel, inst->kernel_bytes, name, &index) != 0) return NULL;
  IM3Function f = index < inst->module->numFunctions ? Module_GetFunction(inst->module, index) : NULL;
  if (!f || f->import.moduleUtf8) return NULL; /* re-exported import: not a kernel function */
  if (!f->compiled) {
    M3Result r = Compile_Function(f);
    if (r) {
      an_error("wasm3: compiling `", name, "`: ");
      an_error_more(r);
      *wrong_type = 2;
      return NULL;
    }
  }
  IM3FuncType t = f->funcType;
  int ok = t->numArgs == argc && t->returnType == c_m3Type_i32;
  for (unsigned i = 0; ok && i < argc; i++) ok = t->argTypes[i] == c_m3Type_i32;
  if (!ok) *wrong_type = 1;
  return ok ? f : NULL;
}

int an_backend_call(an_instance *inst, an_func fn, unsigned argc, const uint32_t *args, int32_t *result) {
  /* wasm3 0.5 takes arguments as decimal strings and leaves the result in the first
     stack slot. */
  char text[3][12];
  const char *argv[3];
  for (unsigned i = 0; i < argc && i < 3; i++) argv[i] = an_utoa(args[i], text[i]);
  M3Result r = m3_CallWithArgs((IM3Function)fn, argc, argv);
  if (r) {
    an_error("wasm3: kernel call `", ((IM3Function)fn)->name ? ((IM3Function)fn)->name : "?", "` failed: ");
    an_error_more(r);
    return is_out_of_memory(r) ? ADDERNET_E_NO_MEMORY : ADDERNET_E_RUNTIME;
  }
  *result = *(int32_t *)inst->runtime->stack;
  return ADDERNET_STATUS_OK;
}

uint8_t *an_backend_memory(an_instance *inst, uint32_t *bytes) { return m3_GetMemory(inst->runtime, bytes, 0); }
