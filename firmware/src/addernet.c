/*
 * The kernel ABI (docs/ABI.md), written once over the backend interface of backend.h.
 * harness/src/kernel.rs performs the same steps for the x86 runtimes.
 */
#include "addernet.h"

#include <string.h>

#include "backend.h"
#include "wasm_scan.h"

/* The exports the library calls; `arena` ones only for the arena flavour. */
enum { F_LOAD, F_ERROR_OFFSET, F_INPUT_PTR, F_INPUT_SIZE, F_INVOKE, F_OUTPUT_PTR, F_OUTPUT_SIZE, F_COUNT };
static const struct {
  const char *name;
  unsigned argc;
} abi_funcs[F_COUNT] = {
    [F_LOAD] = {"load", 2},           [F_ERROR_OFFSET] = {"error_offset", 0}, [F_INPUT_PTR] = {"input_ptr", 0},
    [F_INPUT_SIZE] = {"input_size", 0}, [F_INVOKE] = {"invoke", 0},          [F_OUTPUT_PTR] = {"output_ptr", 0},
    [F_OUTPUT_SIZE] = {"output_size", 0},
};

struct addernet_model {
  an_instance *inst;
  an_func f[F_COUNT];
  const uint8_t *model;
  uint32_t model_bytes;
  const uint8_t *kernel; /* NULL for aot without kernel bytes */
  size_t kernel_bytes;
  int flavour;
  int loaded;
  int32_t error_offset;
  uint32_t input_ptr, input_size;
  uint32_t output_ptr, output_size;
  int has_output;
};

__attribute__((weak)) void addernet_port_log(const char *text) { (void)text; }
__attribute__((weak)) void *addernet_port_stack_limit(void) { return NULL; }

static int initialised;
static char last_error[128];

/* ---- helpers shared with the backends ---- */

static size_t last_error_len;

void an_error_more(const char *s) {
  for (; s && *s && last_error_len + 1 < sizeof last_error; s++) last_error[last_error_len++] = *s;
  last_error[last_error_len] = '\0';
}

void an_error_u32(uint32_t v) {
  char buf[12];
  an_error_more(an_utoa(v, buf));
}

void an_error(const char *a, const char *b, const char *c) {
  last_error_len = 0;
  last_error[0] = '\0';
  an_error_more(a);
  an_error_more(b);
  an_error_more(c);
}

char *an_utoa(uint32_t v, char *buf) {
  char tmp[11];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
  return buf;
}

/* Is [addr, addr+len) inside a memory of `size` bytes? (no overflow for any inputs) */
static int in_range(uint32_t addr, uint32_t len, uint32_t size) { return addr <= size && len <= size - addr; }

int32_t an_read_model(void *host, uint32_t dst, uint32_t len, uint32_t offset) {
  addernet_model *m = host;
  if (!m || !m->inst || !in_range(offset, len, m->model_bytes)) return 1;
  uint32_t size = 0;
  uint8_t *mem = an_backend_memory(m->inst, &size);
  if (!mem || !in_range(dst, len, size)) return 1;
  if (len) memcpy(mem + dst, m->model + offset, len);
  return 0;
}

/* ---- the public API ---- */

int addernet_init(void *pool, size_t pool_bytes) {
  if (initialised || !pool || pool_bytes == 0) {
    an_error(initialised ? "addernet_init: already initialised" : "addernet_init: no pool", "", "");
    return ADDERNET_E_ARGUMENT;
  }
  last_error[0] = '\0';
  int status = an_backend_init(pool, pool_bytes);
  if (status == ADDERNET_STATUS_OK) initialised = 1;
  return status;
}

void addernet_deinit(void) {
  if (!initialised) return;
  an_backend_deinit();
  initialised = 0;
}

const char *addernet_runtime_name(void) { return an_backend_name; }

/* Call an export taking argc i32s; ADDERNET_E_RUNTIME if it trapped. */
static int call(addernet_model *m, an_func f, unsigned argc, uint32_t a, uint32_t b, int32_t *result) {
  const uint32_t args[2] = {a, b};
  return an_backend_call(m->inst, f, argc, args, result);
}

static int call_u32(addernet_model *m, an_func f, uint32_t *result) {
  int32_t r = 0;
  int status = call(m, f, 0, 0, 0, &r);
  *result = (uint32_t)r;
  return status;
}

/* Look up an export of type (i32 x argc) -> i32; *f = NULL if absent and optional. */
static int find(addernet_model *m, const char *name, unsigned argc, int required, an_func *f) {
  int wrong_type = 0;
  *f = an_backend_find(m->inst, name, argc, &wrong_type);
  if (wrong_type == 2) return ADDERNET_E_RUNTIME;
  if (*f || (!required && !wrong_type)) return ADDERNET_STATUS_OK;
  an_error("kernel export `", name, wrong_type ? "` has the wrong type (all ABI exports take and return i32)" : "` not found");
  return ADDERNET_E_ABI;
}

/* The library never hands out or writes through a pointer outside linear memory. */
static int check_range(addernet_model *m, const char *what, uint32_t addr, uint32_t len) {
  uint32_t size = 0;
  if (an_backend_memory(m->inst, &size) && in_range(addr, len, size)) return ADDERNET_STATUS_OK;
  an_error(what, " = ", "");
  an_error_u32(addr);
  an_error_more(" with ");
  an_error_u32(len);
  an_error_more(" bytes lies outside the kernel's linear memory of ");
  an_error_u32(size);
  an_error_more(" bytes");
  return ADDERNET_E_BOUNDS;
}

/* Steps 1-3 of docs/ABI.md (arena flavour) or load(0, len) (stream flavour). */
static int load_model(addernet_model *m) {
  an_func f_abi_version, f_abi_flags;
  int32_t value = 0;
  int status;
  if ((status = find(m, "abi_version", 0, 1, &f_abi_version)) != 0) return status;
  if ((status = call(m, f_abi_version, 0, 0, 0, &value)) != 0) return status;
  if (value != ADDERNET_ABI_VERSION) {
    an_error("kernel abi_version() is ", "", "");
    an_error_u32((uint32_t)value);
    an_error_more(", this library speaks ABI 1");
    return ADDERNET_E_ABI;
  }
  if ((status = find(m, "abi_flags", 0, 0, &f_abi_flags)) != 0) return status;
  if (f_abi_flags) {
    if ((status = call(m, f_abi_flags, 0, 0, 0, &value)) != 0) return status;
    m->flavour = (value & ADDERNET_ABI_FLAG_STREAMED_MODEL) ? ADDERNET_FLAVOUR_STREAM : ADDERNET_FLAVOUR_ARENA;
  }
  /* The flavour must agree with the import: only the stream flavour reads the model. */
  if (m->kernel && (an_wasm_imports_function(m->kernel, m->kernel_bytes, "addernet", "read_model") == 1) !=
                       (m->flavour == ADDERNET_FLAVOUR_STREAM)) {
    an_error("kernel abi_flags() says the ", m->flavour == ADDERNET_FLAVOUR_STREAM ? "stream" : "arena",
             " flavour, but it does");
    an_error_more(m->flavour == ADDERNET_FLAVOUR_STREAM ? " not import" : " import");
    an_error_more(" addernet.read_model");
    return ADDERNET_E_ABI;
  }
  for (int i = 0; i < F_COUNT; i++) {
    if ((status = find(m, abi_funcs[i].name, abi_funcs[i].argc, 1, &m->f[i])) != 0) return status;
  }

  uint32_t ptr = 0;
  if (m->flavour == ADDERNET_FLAVOUR_ARENA) {
    an_func f_arena_ptr, f_arena_size;
    uint32_t arena_size = 0;
    if ((status = find(m, "arena_ptr", 0, 1, &f_arena_ptr)) != 0) return status;
    if ((status = find(m, "arena_size", 0, 1, &f_arena_size)) != 0) return status;
    if ((status = call_u32(m, f_arena_ptr, &ptr)) != 0) return status;
    if ((status = call_u32(m, f_arena_size, &arena_size)) != 0) return status;
    /* A model larger than the arena cannot be copied whole: copy what fits and let load()
       give its own verdict (BAD_BUFFER), as on every other runtime. */
    uint32_t copy = m->model_bytes < arena_size ? m->model_bytes : arena_size;
    if ((status = check_range(m, "arena_ptr()", ptr, copy)) != 0) return status;
    uint32_t size;
    if (copy) memcpy(an_backend_memory(m->inst, &size) + ptr, m->model, copy);
  }
  int32_t load_status = 0;
  if ((status = call(m, m->f[F_LOAD], 2, ptr, m->model_bytes, &load_status)) != 0) return status;
  if (load_status < 0) {
    if ((status = call(m, m->f[F_ERROR_OFFSET], 0, 0, 0, &m->error_offset)) != 0) return status;
    return load_status;
  }
  if ((status = call_u32(m, m->f[F_INPUT_PTR], &m->input_ptr)) != 0) return status;
  if ((status = call_u32(m, m->f[F_INPUT_SIZE], &m->input_size)) != 0) return status;
  if ((status = check_range(m, "input_ptr()", m->input_ptr, m->input_size)) != 0) return status;
  m->loaded = 1;
  return ADDERNET_STATUS_OK;
}

int addernet_open(addernet_model **out, const uint8_t *kernel, size_t kernel_bytes, const uint8_t *model,
                  size_t model_bytes) {
  if (out) *out = NULL;
  if (!initialised || !out || (!model && model_bytes) || model_bytes > UINT32_MAX || kernel_bytes > UINT32_MAX) {
    an_error("addernet_open: ", initialised ? "bad argument" : "addernet_init was not called", "");
    return ADDERNET_E_ARGUMENT;
  }
  addernet_model *m = an_backend_alloc(sizeof *m);
  if (!m) {
    an_error("addernet_open: the pool has no room for the model handle", "", "");
    return ADDERNET_E_NO_MEMORY;
  }
  memset(m, 0, sizeof *m);
  m->model = model;
  m->model_bytes = (uint32_t)model_bytes;
  m->kernel = kernel;
  m->kernel_bytes = kernel_bytes;
  m->flavour = ADDERNET_FLAVOUR_ARENA;
  m->error_offset = -1;
  uint32_t heap_base = 0;
  if (kernel && an_wasm_heap_base(kernel, kernel_bytes, &heap_base) != 0) heap_base = 0;
  int status = an_backend_instantiate(&m->inst, kernel, kernel_bytes, heap_base, m);
  if (status == ADDERNET_STATUS_OK) status = load_model(m);
  if (status == ADDERNET_STATUS_OK || (status < 0 && status > ADDERNET_E_ARGUMENT)) {
    *out = m; /* loaded, or refused by the kernel: the caller reads error_offset and closes */
    return status;
  }
  addernet_close(m);
  return status;
}

int32_t addernet_error_offset(const addernet_model *m) { return m ? m->error_offset : -1; }

int addernet_flavour(const addernet_model *m) { return m ? m->flavour : ADDERNET_FLAVOUR_ARENA; }

int8_t *addernet_input(addernet_model *m, size_t *bytes) {
  uint32_t size = 0;
  uint8_t *mem = m && m->loaded ? an_backend_memory(m->inst, &size) : NULL;
  if (bytes) *bytes = mem ? m->input_size : 0;
  return mem ? (int8_t *)(mem + m->input_ptr) : NULL;
}

int addernet_invoke(addernet_model *m) {
  if (!m || !m->inst) {
    an_error("addernet_invoke: no model", "", "");
    return ADDERNET_E_ARGUMENT;
  }
  int32_t result = 0;
  m->has_output = 0;
  int status = call(m, m->f[F_INVOKE], 0, 0, 0, &result);
  if (status != 0) return status;
  if (result < 0) return result;
  if ((status = call_u32(m, m->f[F_OUTPUT_PTR], &m->output_ptr)) != 0) return status;
  if ((status = call_u32(m, m->f[F_OUTPUT_SIZE], &m->output_size)) != 0) return status;
  if ((status = check_range(m, "output_ptr()", m->output_ptr, m->output_size)) != 0) return status;
  m->has_output = 1;
  return ADDERNET_STATUS_OK;
}

const int8_t *addernet_output(addernet_model *m, size_t *bytes) {
  uint32_t size = 0;
  uint8_t *mem = m && m->has_output ? an_backend_memory(m->inst, &size) : NULL;
  if (bytes) *bytes = mem ? m->output_size : 0;
  return mem ? (const int8_t *)(mem + m->output_ptr) : NULL;
}

void addernet_close(addernet_model *m) {
  if (!m) return;
  if (m->inst) an_backend_teardown(m->inst);
  an_backend_free(m);
}

#define NAME_CASE(name, value) \
  case value:                  \
    return #name;

const char *addernet_status_name(int status) {
  switch (status) {
    ADDERNET_STATUS_LIST(NAME_CASE)
    NAME_CASE(E_ARGUMENT, ADDERNET_E_ARGUMENT)
    NAME_CASE(E_NO_MEMORY, ADDERNET_E_NO_MEMORY)
    NAME_CASE(E_RUNTIME, ADDERNET_E_RUNTIME)
    NAME_CASE(E_ABI, ADDERNET_E_ABI)
    NAME_CASE(E_BOUNDS, ADDERNET_E_BOUNDS)
    default:
      return "UNKNOWN";
  }
}

const char *addernet_status_text(int status) {
  switch (status) {
    case ADDERNET_STATUS_OK: return "success";
    case ADDERNET_STATUS_TRUNCATED: return "the model has fewer bytes than its header or its file_size";
    case ADDERNET_STATUS_BAD_MAGIC: return "not a .addn model (bad magic)";
    case ADDERNET_STATUS_BAD_VERSION: return "unsupported .addn format version";
    case ADDERNET_STATUS_BAD_FLAGS: return "an unknown header flag is set";
    case ADDERNET_STATUS_BAD_CRC: return "the model's CRC-32 does not match its bytes";
    case ADDERNET_STATUS_BAD_LAYOUT: return "a section offset or size is not canonical, or a reserved field is not 0";
    case ADDERNET_STATUS_BAD_TENSOR: return "a tensor record is invalid (zero dimension, outside the activations)";
    case ADDERNET_STATUS_BAD_OP: return "an op record is invalid (opcode, tensor index or geometry)";
    case ADDERNET_STATUS_SHAPE_MISMATCH: return "an op's output shape does not follow from its inputs";
    case ADDERNET_STATUS_PARAM_OUT_OF_RANGE: return "a parameter array is misaligned or outside the params section";
    case ADDERNET_STATUS_ARENA_TOO_SMALL: return "the model and its activations do not fit the kernel's arena";
    case ADDERNET_STATUS_NOT_LOADED: return "invoke before a successful load";
    case ADDERNET_STATUS_BAD_QUANT: return "a quantization field is out of range";
    case ADDERNET_STATUS_BAD_BUFFER: return "the model buffer is outside the arena or misaligned";
    case ADDERNET_STATUS_BAD_GRAPH: return "a tensor is read before written, written twice, or overlaps its input";
    case ADDERNET_STATUS_READ_FAILED: return "the kernel could not read the model through addernet.read_model";
    case ADDERNET_E_ARGUMENT: return "bad argument, or a call out of order";
    case ADDERNET_E_NO_MEMORY: return "the pool given to addernet_init is exhausted";
    case ADDERNET_E_RUNTIME: return "the runtime refused the kernel or a kernel call trapped";
    case ADDERNET_E_ABI: return "the kernel does not have the exports of the kernel ABI";
    case ADDERNET_E_BOUNDS: return "the kernel reported a range outside its linear memory";
    default: return "unknown status";
  }
}

const char *addernet_last_error(void) { return last_error; }

size_t addernet_linear_memory_bytes(const addernet_model *m) {
  uint32_t size = 0;
  if (m && m->inst) an_backend_memory(m->inst, &size);
  return size;
}

size_t addernet_pool_high_water(void) { return an_backend_pool_high_water(); }

uint32_t addernet_crc32(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  while (n--) {
    c ^= *p++;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
  }
  return c ^ 0xffffffffu;
}
