#!/usr/bin/env bash
# Fuzzes every parser of outside input with libFuzzer for a bounded time each (default 30 s):
# SSE, NDJSON, TOML, the verdict parser, the JSON-in-text extractor, batch lines, SKILL.md.
# Usage: scripts/fuzz.sh [seconds-per-target] [target ...]
# A crash or a broken property stops the run with exit 1; the input is saved in .build/fuzz/<target>/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(sse ndjson toml verdict json-in-text batch-line skill)

# Every target gets AddressSanitizer and coverage instrumentation (so libFuzzer is guided by the
# parsers' own branches); only the fuzzer executable links libFuzzer (see Fuzz/Package.swift).
flags=(-Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp)
swift build -c release --package-path Fuzz "${flags[@]}" >&2
binary=$(swift build -c release --package-path Fuzz "${flags[@]}" --show-bin-path)/ParserFuzzer

seeds() {
  case "$1" in
    toml) echo Tests/Fixtures/toml-test/valid ;;
    *) echo "" ;;
  esac
}

for target in "${targets[@]}"; do
  work=".build/fuzz/$target"
  mkdir -p "$work/corpus"
  seed=$(seeds "$target")
  if [ -n "$seed" ]; then find "$seed" -name '*.toml' -exec cp {} "$work/corpus/" \; ; fi
  echo "[fuzz] $target for ${seconds}s" >&2
  FUZZ_TARGET="$target" "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus" 2> "$work/log.txt" || {
      echo "[fuzz] $target FAILED: see $work/log.txt and the crash-* input in $work/" >&2
      tail -30 "$work/log.txt" >&2
      exit 1
    }
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log.txt" | grep -o '[0-9]*$' || echo "?")
  echo "[fuzz] $target ok: $runs inputs" >&2
done
