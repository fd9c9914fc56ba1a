/* Reads what the library needs to know from a .wasm file before instantiating it. */
#ifndef ADDERNET_WASM_SCAN_H
#define ADDERNET_WASM_SCAN_H

#include <stddef.h>
#include <stdint.h>

/*
 * The value of the global the module exports as __heap_base (an immutable i32 with an
 * i32.const initialiser): the end of the static data, i.e. the bytes of linear memory a
 * module that never grows its memory can touch. Returns 0 and sets *value, or -1 if the
 * module has no such export or is malformed (never reads outside [wasm, wasm+bytes)).
 */
int an_wasm_heap_base(const uint8_t *wasm, size_t bytes, uint32_t *value);

/*
 * The function index (imports first) the module exports under `name`: 0 and *index, or -1.
 * A module may export one function under several names (the kernel's optimiser merges
 * identical functions); runtimes that keep one name per function need this to find them.
 */
int an_wasm_export_function(const uint8_t *wasm, size_t bytes, const char *name, uint32_t *index);

/* 1 if the module imports function `module`.`name`, 0 if not, -1 if it is malformed. */
int an_wasm_imports_function(const uint8_t *wasm, size_t bytes, const char *module, const char *name);

#endif /* ADDERNET_WASM_SCAN_H */
