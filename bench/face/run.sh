#!/usr/bin/env bash
# bench/face/run.sh: the face engine's speed in Go (go test -bench, 1 and 2
# cores) and TF.js WASM with and without SIMD, in one run, summarised as
# min / median per benchmark (docs/benchmarks/face.md). Needs the TF.js
# oracle installed once: ../shared/tools/tfjs-oracle/run.sh --setup.
#   bench/face/run.sh [COUNT]        # COUNT go test -count, default 10
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT="${1:-10}"
OUT="$(mktemp -d)"
echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) x$(nproc), load $(cut -d' ' -f1-3 /proc/loadavg)"
go test ./internal/face/faceapi ./internal/face -run '^$' -bench . -cpu 1,2 -count "$COUNT" -benchtime 20x >"$OUT/go.txt"
echo "## Go ($(go version | cut -d' ' -f3)), go test -bench -count $COUNT -benchtime 20x: ms/op min / median"
echo "| benchmark | 1 core | 2 cores |"
echo "|---|---|---|"
awk '/^Benchmark/ {
  name = $1; cpu = 1
  if (match(name, /-[0-9]+$/)) { cpu = substr(name, RSTART + 1); name = substr(name, 1, RSTART - 1) }
  sub(/^Benchmark/, "", name)
  key = name SUBSEP cpu; v[key, ++n[key]] = $3 / 1e6
  if (!(name in seen)) { seen[name] = 1; order[++m] = name }
}
function stat(key,   i, j, t, k, a) {
  k = n[key]; if (k == 0) return ""
  for (i = 1; i <= k; i++) a[i] = v[key, i]
  for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
  return sprintf("%.1f / %.1f", a[1], a[int((k + 1) / 2)])
}
END { for (i = 1; i <= m; i++) printf "| %s | %s | %s |\n", order[i], stat(order[i] SUBSEP 1), stat(order[i] SUBSEP 2) }' "$OUT/go.txt"
echo "load after Go: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## TF.js 4.22 (node bench/face/faceapi-bench.js --runs 50 --warmup 10)"
node bench/face/faceapi-bench.js --runs 50 --warmup 10 --backend wasm,wasm-nosimd 2>/dev/null
echo "load after TF.js: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$OUT"
