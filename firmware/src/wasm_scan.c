#include "wasm_scan.h"

#include <string.h>

typedef struct {
  const uint8_t *p, *end;
  int bad;
} reader;

static uint8_t byte(reader *r) {
  if (r->p >= r->end) {
    r->bad = 1;
    return 0;
  }
  return *r->p++;
}

static uint32_t leb_u32(reader *r) {
  uint32_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    uint8_t b = byte(r);
    v |= (uint32_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  r->bad = 1;
  return 0;
}

static int32_t leb_s32(reader *r) {
  uint32_t v = 0;
  int shift = 0;
  uint8_t b;
  do {
    b = byte(r);
    if (shift < 32) v |= (uint32_t)(b & 0x7f) << shift;
    shift += 7;
  } while ((b & 0x80) && shift < 35 && !r->bad);
  if (b & 0x80) r->bad = 1;
  if (shift < 32 && (b & 0x40)) v |= ~(uint32_t)0 << shift;
  return (int32_t)v;
}

static void skip_leb(reader *r) {
  for (int i = 0; i < 10; i++) {
    if (!(byte(r) & 0x80)) return;
  }
  r->bad = 1;
}

static void skip(reader *r, uint32_t n) {
  if ((size_t)(r->end - r->p) < n) {
    r->bad = 1;
    r->p = r->end;
  } else {
    r->p += n;
  }
}

static void skip_limits(reader *r) {
  uint8_t flags = byte(r);
  leb_u32(r);
  if (flags & 1) leb_u32(r);
}

enum { SEC_IMPORT = 2, SEC_GLOBAL = 6, SEC_EXPORT = 7, KIND_GLOBAL = 3, OP_I32_CONST = 0x41, OP_END = 0x0b };

/* Calls visit(section id, body reader) for each section; stops early when it returns 1. */
static int each_section(const uint8_t *wasm, size_t bytes, int (*visit)(uint8_t, reader *, void *), void *ctx) {
  static const uint8_t header[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  if (!wasm || bytes < 8 || memcmp(wasm, header, 8) != 0) return -1;
  reader r = {wasm + 8, wasm + bytes, 0};
  while (r.p < r.end && !r.bad) {
    uint8_t id = byte(&r);
    uint32_t size = leb_u32(&r);
    if (r.bad || (size_t)(r.end - r.p) < size) return -1;
    reader body = {r.p, r.p + size, 0};
    if (visit(id, &body, ctx)) return body.bad ? -1 : 0;
    r.p += size;
  }
  return r.bad ? -1 : 0;
}

/* Does the name at r (a length-prefixed string) equal `want`? Advances past it. */
static int name_is(reader *r, const char *want) {
  uint32_t len = leb_u32(r);
  const uint8_t *text = r->p;
  skip(r, len);
  return !r->bad && strlen(want) == len && memcmp(text, want, len) == 0;
}

typedef struct {
  const char *name;   /* export or import field name looked for */
  const char *module; /* import module (imports only) */
  int found;
  uint32_t index;
} lookup;

static int find_export_function(uint8_t id, reader *r, void *ctx) {
  lookup *l = ctx;
  if (id != SEC_EXPORT) return 0;
  for (uint32_t n = leb_u32(r); n-- && !r->bad;) {
    int match = name_is(r, l->name);
    uint8_t kind = byte(r);
    uint32_t index = leb_u32(r);
    if (match && kind == 0 && !r->bad) {
      l->found = 1;
      l->index = index;
      break;
    }
  }
  return 1;
}

int an_wasm_export_function(const uint8_t *wasm, size_t bytes, const char *name, uint32_t *index) {
  lookup l = {name, NULL, 0, 0};
  if (each_section(wasm, bytes, find_export_function, &l) != 0 || !l.found) return -1;
  *index = l.index;
  return 0;
}

static int find_import_function(uint8_t id, reader *r, void *ctx) {
  lookup *l = ctx;
  if (id != SEC_IMPORT) return 0;
  for (uint32_t n = leb_u32(r); n-- && !r->bad;) {
    int match = name_is(r, l->module);
    match = name_is(r, l->name) && match;
    switch (byte(r)) {
      case 0: leb_u32(r); l->found |= match; break;
      case 1: byte(r); skip_limits(r); break;
      case 2: skip_limits(r); break;
      case 3: byte(r); byte(r); break;
      default: r->bad = 1;
    }
  }
  return 1;
}

int an_wasm_imports_function(const uint8_t *wasm, size_t bytes, const char *module, const char *name) {
  lookup l = {name, module, 0, 0};
  if (each_section(wasm, bytes, find_import_function, &l) != 0) return -1;
  return l.found;
}

typedef struct {
  int found_export;
  uint32_t global_index; /* in the global index space (imports first) */
  uint32_t imported_globals;
  int found_value;
  uint32_t value;
} scan;

static int find_export(uint8_t id, reader *r, void *ctx) {
  scan *s = ctx;
  if (id == SEC_IMPORT) {
    for (uint32_t n = leb_u32(r); n-- && !r->bad;) {
      skip(r, leb_u32(r)); /* module */
      skip(r, leb_u32(r)); /* field */
      switch (byte(r)) {
        case 0: leb_u32(r); break;               /* function: type index */
        case 1: byte(r); skip_limits(r); break;  /* table */
        case 2: skip_limits(r); break;           /* memory */
        case 3: byte(r); byte(r); s->imported_globals++; break;
        default: r->bad = 1;
      }
    }
  } else if (id == SEC_EXPORT) {
    static const char name[] = "__heap_base";
    for (uint32_t n = leb_u32(r); n-- && !r->bad;) {
      uint32_t len = leb_u32(r);
      const uint8_t *text = r->p;
      skip(r, len);
      uint8_t kind = byte(r);
      uint32_t index = leb_u32(r);
      if (!r->bad && kind == KIND_GLOBAL && len == sizeof name - 1 && memcmp(text, name, len) == 0) {
        s->found_export = 1;
        s->global_index = index;
        return 1;
      }
    }
    return 1;
  }
  return r->bad;
}

static int find_global(uint8_t id, reader *r, void *ctx) {
  scan *s = ctx;
  if (id != SEC_GLOBAL) return 0;
  if (s->global_index < s->imported_globals) return 1; /* an imported global: value unknown */
  uint32_t want = s->global_index - s->imported_globals;
  uint32_t n = leb_u32(r);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    uint8_t type = byte(r);
    uint8_t mut = byte(r);
    uint8_t op = byte(r);
    if (i == want) {
      if (type != 0x7f || mut != 0 || op != OP_I32_CONST) return 1;
      int32_t v = leb_s32(r);
      if (byte(r) == OP_END && !r->bad) {
        s->found_value = 1;
        s->value = (uint32_t)v;
      }
      return 1;
    }
    /* skip this initialiser: constant expressions end at the first 0x0b outside an immediate */
    while (!r->bad && op != OP_END) {
      switch (op) {
        case 0x41: skip_leb(r); break;          /* i32.const */
        case 0x42: skip_leb(r); break;          /* i64.const */
        case 0x43: skip(r, 4); break;           /* f32.const */
        case 0x44: skip(r, 8); break;           /* f64.const */
        case 0x23: leb_u32(r); break;           /* global.get */
        case 0xd0: byte(r); break;              /* ref.null */
        case 0xd2: leb_u32(r); break;           /* ref.func */
        case 0xfd: leb_u32(r); skip(r, 16); break; /* v128.const */
        default: r->bad = 1;
      }
      op = byte(r);
    }
  }
  return 1;
}

int an_wasm_heap_base(const uint8_t *wasm, size_t bytes, uint32_t *value) {
  scan s = {0, 0, 0, 0, 0};
  if (each_section(wasm, bytes, find_export, &s) != 0 || !s.found_export) return -1;
  if (each_section(wasm, bytes, find_global, &s) != 0 || !s.found_value) return -1;
  *value = s.value;
  return 0;
}
