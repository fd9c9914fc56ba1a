/*
 * The app on the host (x86-64 Linux): the same library and backends, built with the
 * host's gcc, for fast tests. The assets come from files named on the command line and
 * are mapped read-only, so a runtime that wrote into its input bytes would crash here.
 *
 *   fw <kernel.wasm | -> <model.addn> <inputs.bin>      (- : no kernel bytes, for aot)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addernet.h"
#include "board.h"

#define POOL_BYTES (64u << 20)
static _Alignas(16) unsigned char pool[POOL_BYTES];

static const uint8_t *map_file(const char *path, size_t *bytes) {
  *bytes = 0;
  if (path[0] == '-' && path[1] == '\0') return NULL;
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    fprintf(stderr, "fw: cannot open %s\n", path);
    exit(ADDERNET_EXIT_FAILURE);
  }
  *bytes = (size_t)st.st_size;
  void *p = NULL;
  if (*bytes) {
    p = mmap(NULL, *bytes, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      fprintf(stderr, "fw: cannot map %s\n", path);
      exit(ADDERNET_EXIT_FAILURE);
    }
  }
  close(fd);
  return p;
}

int board_init(int argc, char **argv, board_assets *a) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s <kernel.wasm | -> <model.addn> <inputs.bin>\n", argv[0]);
    exit(ADDERNET_EXIT_USAGE);
  }
  a->kernel = map_file(argv[1], &a->kernel_bytes);
  a->model = map_file(argv[2], &a->model_bytes);
  a->inputs = map_file(argv[3], &a->inputs_bytes);
  return 0;
}

const char *board_name(void) { return "host"; }
void board_write(const char *text) { fputs(text, stdout); }

void board_exit(int code) {
  fflush(stdout);
  exit(code);
}

void *board_pool(size_t *bytes) {
  *bytes = sizeof pool;
  return pool;
}

int board_instructions(uint64_t *count) {
  (void)count;
  return 0;
}

int board_count_check(uint64_t *measured, uint64_t *expected) {
  (void)measured;
  (void)expected;
  return 0;
}

size_t board_stack_bytes(void) { return 0; }
size_t board_stack_high_water(void) { return 0; }

int board_sbrk_calls(unsigned *calls) {
  (void)calls;
  return 0;
}

void addernet_port_log(const char *text) { fputs(text, stderr); }
