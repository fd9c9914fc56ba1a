#!/usr/bin/env bash
# Installs the ONNX backend test data that `npm run onnx-suite` and its test run (docs/ONNX.md,
# "The import suite"): the models PyTorch exported and their inputs and outputs, as the `onnx`
# wheel ships them. Pinned and idempotent: when present, a second run only checks a marker.
#
#   .tools/onnx-tests/onnx-<version>/pytorch-converted/test_*/   model.onnx, test_data_set_0/*.pb
#   .tools/onnx-tests/onnx-<version>/pytorch-operator/test_*/
#   .tools/onnx-tests/onnx-<version>/node/test_*/                (only if the wheel has it)
#
# The wheel is downloaded with pip (no dependencies, nothing installed, nothing imported) and
# only the data folders are unpacked. onnx 1.23.x ships no `node` test data.
set -euo pipefail

ONNX_VERSION="1.23.2"
# One wheel, named by its tags, so every machine unpacks the same bytes (the data is the same in
# every wheel of a version); its SHA-256 is checked before anything is unpacked.
WHEEL="onnx-${ONNX_VERSION}-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl"
WHEEL_SHA256="c03ecf6b835d136108eeaeeafbd0026fc7b3cf98661409fbc6b63d5a29361348"
SUITES=(pytorch-converted pytorch-operator node)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.tools/onnx-tests/onnx-$ONNX_VERSION"
MARKER="$DEST/.installed"

say() { printf 'install-onnx-tests: %s\n' "$*"; }

if [ -f "$MARKER" ]; then
  say "onnx $ONNX_VERSION test data present in $DEST"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
say "downloading the onnx $ONNX_VERSION wheel (pip download, no dependencies)"
PIP_ROOT_USER_ACTION=ignore python3 -m pip download --quiet --disable-pip-version-check --no-deps \
  --only-binary=:all: --python-version 3.11 --implementation cp --abi cp311 --platform manylinux_2_28_x86_64 \
  --dest "$work" "onnx==$ONNX_VERSION"
[ -f "$work/$WHEEL" ] || { echo "install-onnx-tests: expected $WHEEL, pip gave: $(ls "$work")" >&2; exit 1; }
echo "$WHEEL_SHA256  $work/$WHEEL" | sha256sum --check --quiet

rm -rf "$DEST"
mkdir -p "$DEST"
# Unpack only onnx/backend/test/data/<suite>/ (python's zipfile module; no onnx import).
python3 - "$work/$WHEEL" "$DEST" "${SUITES[@]}" <<'EOF'
import os, sys, zipfile
wheel, dest, suites = sys.argv[1], sys.argv[2], sys.argv[3:]
prefix = "onnx/backend/test/data/"
found = {s: 0 for s in suites}
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        if not info.filename.startswith(prefix) or info.is_dir():
            continue
        rel = info.filename[len(prefix):]
        suite = rel.split("/", 1)[0]
        if suite not in found:
            continue
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, "wb") as out:
            out.write(src.read())
        found[suite] += 1
for suite, count in found.items():
    print(f"install-onnx-tests: {suite}: {count} files" if count else f"install-onnx-tests: {suite}: not in this wheel")
EOF
touch "$MARKER"
say "onnx $ONNX_VERSION test data -> $DEST"
