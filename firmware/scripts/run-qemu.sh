#!/usr/bin/env bash
# Runs a firmware image in QEMU and exits with the firmware's own exit status.
#
#   firmware/scripts/run-qemu.sh --machine netduinoplus2|mps2-an500 [--timeout SECONDS] fw.elf
#
# Instructions are counted deterministically: -icount shift=0 makes every instruction take
# 1 ns of virtual time, which SysTick measures. Output and the exit status go through
# semihosting. QEMU never outlives the time limit: it gets SIGTERM, then SIGKILL 5 s later,
# and the script exits 124 with a message. A core that locks up (a fault while taking a
# fault, e.g. a stack overflow running off the bottom of SRAM) makes QEMU abort with
# "Lockup" and a register dump; the script then says so and exits with QEMU's status (134).
set -euo pipefail

machine=""
timeout_s=600
elf=""
while [ $# -gt 0 ]; do
  case "$1" in
    --machine) machine="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    -*) echo "run-qemu: unknown option $1" >&2; exit 2 ;;
    *) elf="$1"; shift ;;
  esac
done
case "$machine" in
  netduinoplus2 | mps2-an500) ;;
  *) echo "run-qemu: --machine must be netduinoplus2 or mps2-an500, found '$machine'" >&2; exit 2 ;;
esac
[ -f "$elf" ] || { echo "run-qemu: no firmware image '$elf'" >&2; exit 2; }

status=0
# Semihosting output goes to stdout (QEMU's default for it is stderr); QEMU's own messages
# stay on stderr.
timeout --kill-after=5 "$timeout_s" qemu-system-arm -M "$machine" -nographic -monitor none -serial null \
  -chardev stdio,id=semihost -semihosting-config enable=on,target=native,chardev=semihost \
  -icount shift=0 -kernel "$elf" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "run-qemu: $elf did not finish within $timeout_s s (QEMU stopped)" >&2
  exit 124
fi
if [ "$status" -ge 128 ]; then
  echo "run-qemu: QEMU stopped abnormally (status $status): a CPU lockup, e.g. a stack overflow, ends it this way" >&2
fi
exit "$status"
