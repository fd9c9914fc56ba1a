/*
 * Every Cortex-M board under QEMU: vector table, reset, fault handlers, SysTick instruction
 * counting, semihosting output and exit, and the few C library hooks newlib-nano needs.
 * Boards differ only by their linker script and these definitions (see the Makefile):
 *   BOARD_NAME        printed as board=
 *   BOARD_SYSTICK_HZ  the clock QEMU drives SysTick with when CLKSOURCE = processor clock
 *
 * RAM layout (the board's .ld and cortex-m.ld): the stack first, at the bottom of SRAM, so
 * an overflow leaves SRAM and faults instead of corrupting data; then .data and .bss; the
 * rest of SRAM is the library's pool.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "addernet.h"
#include "board.h"

#ifndef BOARD_NAME
#error "BOARD_NAME is not defined (see firmware/Makefile)"
#endif
#ifndef BOARD_SYSTICK_HZ
#error "BOARD_SYSTICK_HZ is not defined (see firmware/Makefile)"
#endif

extern uint32_t __stack_bottom[], __stack_top[];
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern uint8_t __pool_start[], __pool_end[];

int main(int argc, char **argv);

/* ---- semihosting (ARM semihosting over bkpt 0xab, QEMU -semihosting-config) ---- */

enum { SYS_WRITE0 = 0x04, SYS_EXIT_EXTENDED = 0x20, ADP_STOPPED_APPLICATION_EXIT = 0x20026 };

static int semihost(int op, const void *arg) {
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void board_write(const char *text) { semihost(SYS_WRITE0, text); }

void board_exit(int code) {
  const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
  semihost(SYS_EXIT_EXTENDED, block);
  for (;;) __asm__ volatile("bkpt 0"); /* not reached under QEMU */
}

void addernet_port_log(const char *text) { board_write(text); }
void *addernet_port_stack_limit(void) { return __stack_bottom; }

/* ---- system control registers ---- */

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SCB_CPACR REG(0xE000ED88)
#define SCB_CFSR REG(0xE000ED28)
#define SCB_HFSR REG(0xE000ED2C)
#define SCB_MMFAR REG(0xE000ED34)
#define SCB_BFAR REG(0xE000ED38)
#define SYST_CSR REG(0xE000E010)
#define SYST_RVR REG(0xE000E014)
#define SYST_CVR REG(0xE000E018)

/* ---- instruction counting: SysTick on the processor clock, 24 bits, wraps counted ---- */

#define SYST_MAX 0x00FFFFFFu
static volatile uint32_t systick_wraps;

static void systick_handler(void) { systick_wraps++; }

static void systick_start(void) {
  SYST_RVR = SYST_MAX;
  SYST_CVR = 0;
  SYST_CSR = 7; /* CLKSOURCE = processor clock, TICKINT, ENABLE */
}

static uint64_t systick_ticks(void) {
  uint32_t wraps, value;
  do {
    wraps = systick_wraps;
    value = SYST_CVR;
  } while (wraps != systick_wraps); /* a wrap in between: read again */
  return (uint64_t)wraps * (SYST_MAX + 1u) + (SYST_MAX - value);
}

/* Under QEMU -icount shift=0 one instruction takes 1 ns of virtual time and SysTick counts
   BOARD_SYSTICK_HZ ticks per second of it. */
int board_instructions(uint64_t *count) {
  *count = systick_ticks() * 1000000000u / BOARD_SYSTICK_HZ;
  return 1;
}

/* A loop of exactly 2n + 1 instructions, to check the conversion above. */
__attribute__((naked, noinline)) static void spin(uint32_t n) {
  (void)n;
  __asm__ volatile(
      "1: subs r0, r0, #1\n"
      "   bne 1b\n"
      "   bx lr\n");
}

int board_count_check(uint64_t *measured, uint64_t *expected) {
  const uint32_t n = 1000000;
  uint64_t t0, t1;
  board_instructions(&t0);
  spin(n);
  board_instructions(&t1);
  *measured = t1 - t0;
  *expected = 2ull * n + 1;
  return 1;
}

/* ---- stack: painted at reset, high-water found by the first word changed ---- */

#define PAINT 0xA5C3A5C3u

static void paint_stack(void) {
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t *p = __stack_bottom; p < sp - 16; p++) *p = PAINT;
}

size_t board_stack_bytes(void) { return (size_t)((uint8_t *)__stack_top - (uint8_t *)__stack_bottom); }

size_t board_stack_high_water(void) {
  const uint32_t *p = __stack_bottom;
  while (p < __stack_top && *p == PAINT) p++;
  return (size_t)((const uint8_t *)__stack_top - (const uint8_t *)p);
}

/* ---- the rest of the board interface ---- */

const char *board_name(void) { return BOARD_NAME; }

void *board_pool(size_t *bytes) {
  *bytes = (size_t)(__pool_end - __pool_start);
  return __pool_start;
}

/* The assets are linked into flash by assets.S. */
extern const uint8_t asset_kernel[], asset_kernel_end[];
extern const uint8_t asset_model[], asset_model_end[];
extern const uint8_t asset_inputs[], asset_inputs_end[];

int board_init(int argc, char **argv, board_assets *a) {
  (void)argc;
  (void)argv;
  a->kernel = asset_kernel;
  a->kernel_bytes = (size_t)(asset_kernel_end - asset_kernel);
  a->model = asset_model;
  a->model_bytes = (size_t)(asset_model_end - asset_model);
  a->inputs = asset_inputs;
  a->inputs_bytes = (size_t)(asset_inputs_end - asset_inputs);
  return 0;
}

/* ---- newlib-nano hooks: no heap, exit through semihosting ---- */

void *_sbrk(ptrdiff_t increment);
void _exit(int code);
int _kill(int pid, int sig);
int _getpid(void);

static unsigned sbrk_calls;

int board_sbrk_calls(unsigned *calls) {
  *calls = sbrk_calls;
  return 1;
}

void *_sbrk(ptrdiff_t increment) {
  (void)increment;
  sbrk_calls++;
  errno = ENOMEM; /* no malloc: everything comes from the pool */
  return (void *)-1;
}

void _exit(int code) { board_exit(code); }
int _kill(int pid, int sig) {
  (void)pid;
  (void)sig;
  errno = EINVAL;
  return -1;
}
int _getpid(void) { return 1; }

/* A failed assert() (wasm2c's output has a few): report it like a fault. */
void __assert_func(const char *file, int line, const char *func, const char *expr);
void __assert_func(const char *file, int line, const char *func, const char *expr) {
  (void)line;
  board_write("fault=assert\nfault_assert=");
  board_write(expr);
  board_write(" in ");
  board_write(func ? func : "?");
  board_write(" (");
  board_write(file);
  board_write(")\nexit=1\n");
  board_exit(ADDERNET_EXIT_FAILURE);
}

/* ---- reset and exceptions ---- */

static void put_hex(char *out, uint32_t v) {
  static const char digits[] = "0123456789abcdef";
  out[0] = '0';
  out[1] = 'x';
  for (int i = 0; i < 8; i++) out[2 + i] = digits[(v >> (28 - 4 * i)) & 15];
  out[10] = '\0';
}

static void write_kv_hex(const char *key, uint32_t v) {
  char hex[11];
  put_hex(hex, v);
  board_write(key);
  board_write("=");
  board_write(hex);
  board_write("\n");
}

/* Called by the fault handlers with the exception frame: prints where and why, exits 1. */
void fault_report(const uint32_t *frame, uint32_t exception);
__attribute__((used, noreturn)) void fault_report(const uint32_t *frame, uint32_t exception) {
  board_write("fault=cpu\n");
  write_kv_hex("fault_exception", exception);
  write_kv_hex("fault_pc", frame[6]);
  write_kv_hex("fault_lr", frame[5]);
  write_kv_hex("fault_cfsr", SCB_CFSR);
  write_kv_hex("fault_hfsr", SCB_HFSR);
  write_kv_hex("fault_bfar", SCB_BFAR);
  write_kv_hex("fault_mmfar", SCB_MMFAR);
  board_write("exit=1\n");
  board_exit(ADDERNET_EXIT_FAILURE);
}

/* Any fault or unexpected exception: find the frame (MSP or PSP) and report. After a stack
   overflow the frame may be unwritable; the report then uses the MSP value as it is. */
__attribute__((naked)) static void fault_handler(void) {
  __asm__ volatile(
      "tst lr, #4\n"
      "ite eq\n"
      "mrseq r0, msp\n"
      "mrsne r0, psp\n"
      "mrs r1, ipsr\n"
      "b fault_report\n");
}

void reset_handler(void);
__attribute__((noreturn)) void reset_handler(void) {
  SCB_CPACR |= 0xFu << 20; /* CP10, CP11: the FPU the code is compiled for */
  __asm__ volatile("dsb\nisb" ::: "memory");
  memcpy(__data_start, __data_load, (size_t)((uint8_t *)__data_end - (uint8_t *)__data_start));
  memset(__bss_start, 0, (size_t)((uint8_t *)__bss_end - (uint8_t *)__bss_start));
  paint_stack();
  systick_start();
  board_exit(main(0, NULL));
}

/* The Cortex-M system exceptions; no peripheral interrupt is enabled. */
__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))__stack_top, /* initial SP */
    reset_handler,
    fault_handler, /* NMI */
    fault_handler, /* HardFault */
    fault_handler, /* MemManage */
    fault_handler, /* BusFault */
    fault_handler, /* UsageFault */
    0, 0, 0, 0,
    fault_handler, /* SVCall */
    fault_handler, /* DebugMonitor */
    0,
    fault_handler, /* PendSV */
    systick_handler,
};
