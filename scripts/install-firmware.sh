#!/usr/bin/env bash
# Installs what firmware/ needs to build and run the Cortex-M firmware, and makes the
# WAMR and wasm3 C sources available. Idempotent: when everything is present it only
# checks (well under a second).
#
#   Debian packages   gcc-arm-none-eabi + libnewlib-arm-none-eabi (cross compiler, newlib-nano),
#                     qemu-system-arm (the boards), wabt (wasm2c and wat2wasm for the aot backend),
#                     libsimde-dev (SIMDe headers for WAMR's SIMD build, backend wamr-simd)
#   build/firmware/third_party/wamr   -> WAMR's tree as vendored by the crate wamrx-sys 0.3.0
#   build/firmware/third_party/wasm3  -> wasm3 0.5's sources as vendored by the crate wasm3-sys 0.3.0
#   build/firmware/third_party/simde-include/simde -> /usr/include/simde (so the cross build
#                     sees SIMDe without seeing the host's /usr/include)
#
# The two crates are the ones harness/Cargo.lock pins, fetched by cargo into its own cache.
#
# Usage: scripts/install-firmware.sh
set -euo pipefail

DEBIAN_PACKAGES=(gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm wabt libsimde-dev)
# Versions the firmware build is checked against (see firmware/README.md).
GCC_MAJOR="12"
QEMU_SERIES="7.2"
WABT_VERSION="1.0.32"
WAMR_CRATE="wamrx-sys"
WAMR_CRATE_VERSION="0.3.0"
WASM3_CRATE="wasm3-sys"
WASM3_CRATE_VERSION="0.3.0"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
THIRD_PARTY="$ROOT/build/firmware/third_party"
MANIFEST="$ROOT/harness/Cargo.toml"

say() { printf 'install-firmware: %s\n' "$*"; }
fail() { printf 'install-firmware: error: %s\n' "$*" >&2; exit 1; }

# shellcheck source=debian-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-packages.sh"

check_versions() {
  local gcc qemu wabt
  command -v arm-none-eabi-gcc >/dev/null || fail "arm-none-eabi-gcc not found after installing gcc-arm-none-eabi"
  gcc="$(arm-none-eabi-gcc -dumpversion)"
  [ "${gcc%%.*}" = "$GCC_MAJOR" ] || fail "arm-none-eabi-gcc $gcc found, the firmware is built and measured with $GCC_MAJOR.x"
  # newlib-nano: the firmware links with --specs=nano.specs
  [ -n "$(arm-none-eabi-gcc -print-file-name=nano.specs | grep /)" ] || fail "nano.specs not found (libnewlib-arm-none-eabi)"
  command -v qemu-system-arm >/dev/null || fail "qemu-system-arm not found"
  qemu="$(qemu-system-arm --version | sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p')"
  case "$qemu" in
    "$QEMU_SERIES" | "$QEMU_SERIES".*) ;;
    *) fail "QEMU $qemu found, the instruction counts are measured with $QEMU_SERIES.x" ;;
  esac
  command -v wasm2c >/dev/null || fail "wasm2c not found (wabt)"
  wabt="$(wasm2c --version)"
  [ "$wabt" = "$WABT_VERSION" ] || fail "wasm2c $wabt found, the aot backend is written for wabt $WABT_VERSION (its wasm-rt.h API)"
  [ -f /usr/src/wasm2c/wasm-rt.h ] || fail "/usr/src/wasm2c/wasm-rt.h not found (wabt $WABT_VERSION ships it there)"
  command -v wat2wasm >/dev/null || fail "wat2wasm not found (wabt)"
  say "arm-none-eabi-gcc $gcc, QEMU $qemu, wasm2c $wabt"
}

# Prints the directory of crate $1 (version $2) from cargo metadata.
crate_dir() {
  node -e '
    const [name, version] = process.argv.slice(1);
    let data = "";
    process.stdin.on("data", (c) => (data += c)).on("end", () => {
      const p = JSON.parse(data).packages.find((p) => p.name === name && p.version === version);
      if (!p) { console.error(`${name} ${version} is not in harness/Cargo.lock`); process.exit(1); }
      console.log(require("node:path").dirname(p.manifest_path));
    });' "$1" "$2" < "$METADATA"
}

link_sources() {
  command -v cargo >/dev/null || fail "cargo not found (the WAMR and wasm3 sources come from the crates harness/Cargo.lock pins)"
  cargo fetch --locked --quiet --manifest-path "$MANIFEST"
  METADATA="$(mktemp)"
  trap 'rm -f "$METADATA"' EXIT
  cargo metadata --format-version 1 --locked --manifest-path "$MANIFEST" > "$METADATA"
  local wamr wasm3
  wamr="$(crate_dir "$WAMR_CRATE" "$WAMR_CRATE_VERSION")/wasm-micro-runtime"
  wasm3="$(crate_dir "$WASM3_CRATE" "$WASM3_CRATE_VERSION")/wasm3/source"
  [ -f "$wamr/core/iwasm/include/wasm_export.h" ] || fail "no WAMR tree at $wamr"
  [ -f "$wasm3/wasm3.h" ] || fail "no wasm3 sources at $wasm3"
  [ -f /usr/include/simde/wasm/simd128.h ] || fail "no SIMDe headers at /usr/include/simde (libsimde-dev)"
  mkdir -p "$THIRD_PARTY/simde-include"
  ln -sfn "$wamr" "$THIRD_PARTY/wamr"
  ln -sfn "$wasm3" "$THIRD_PARTY/wasm3"
  ln -sfn /usr/include/simde "$THIRD_PARTY/simde-include/simde"
  say "WAMR ($WAMR_CRATE $WAMR_CRATE_VERSION) -> build/firmware/third_party/wamr"
  say "wasm3 ($WASM3_CRATE $WASM3_CRATE_VERSION) -> build/firmware/third_party/wasm3"
}

start=$(date +%s%N)
install_debian_packages --no-install-recommends
check_versions
link_sources
say "done in $(( ($(date +%s%N) - start) / 1000000 )) ms"
