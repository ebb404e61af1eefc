#!/usr/bin/env bash
# regen.sh: regenerate the face goldens with the TF.js oracle.
#   internal/face/testdata/regen.sh [path/to/tfjs-oracle]
# The oracle (../shared/tools/tfjs-oracle by default) installs itself into
# ~/.cache on first use.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
ORACLE="${1:-$ROOT/../shared/tools/tfjs-oracle}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

cd "$ROOT"
# 1. the pixels Go decodes, as PNG
go run ./internal/face/testdata/pngify -out "$TMP" "$HERE"/faces/* >/dev/null
# 2. the whole chain on each image
for png in "$TMP"/*.png; do
  name="$(basename "$png" .png)"
  (cd "$TMP" && "$ORACLE/run.sh" chain.js "$name.png" --compact) >"$HERE/chain/$name.json"
done
# 3. each net on deterministic synthetic inputs (written by the Go test)
go test ./internal/face/faceapi -run TestWriteSyntheticInputs -synthetic-dir "$TMP" >/dev/null
for net in landmarks recognition; do
  (cd "$TMP" && "$ORACLE/run.sh" faceapi.js --net "$net" --input "synthetic_$net.f32" --compact) \
    >"$ROOT/internal/face/faceapi/testdata/synthetic_$net.json"
done
echo "goldens regenerated" >&2
