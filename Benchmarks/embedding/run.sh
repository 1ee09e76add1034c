#!/usr/bin/env bash
# The offline embedder's benchmarks (README.md beside this script has the numbers):
# cold starts in fresh processes, then latency, search and recall quality.
#
#   Benchmarks/embedding/run.sh              # release-builds EmbeddingBenchmarks, then measures
#   Benchmarks/embedding/run.sh --no-build   # measures the binary as it is
#
# COLD_RUNS overrides the number of cold starts (10). Needs the model: scripts/embedder/install.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench="$(dirname "$here")"
bin="$bench/.build/release/EmbeddingBenchmarks"
runs="${COLD_RUNS:-10}"

if [[ "${1:-}" != "--no-build" ]]; then
    echo "building $bin (release)…" >&2
    (cd "$bench" && flock /tmp/openkoi-swift.lock nice -n 10 swift build -c release --product EmbeddingBenchmarks >&2)
fi
[[ -x "$bin" ]] || { echo "no executable at $bin (build it first)" >&2; exit 1; }

# median NAME... < rows: the median of each column of numbers, one name per column.
median() {
    python3 -c '
import statistics, sys
rows = [list(map(float, line.split())) for line in sys.stdin if line.strip()]
for name, column in zip(sys.argv[1:], zip(*rows)):
    print(f"    {name}: median {statistics.median(column):.2f} ms (min {min(column):.2f}, max {max(column):.2f})")' "$@"
}

# Each cold run is a new process: mmap of the weights, tokenizer.json parsed, first forward pass
# (the file itself is in the page cache, as it is for every run after the first since boot).
echo "cold start, $runs fresh processes each:"
for _ in $(seq "$runs"); do "$bin" --cold; done | median "first embed() (load + pass)" "second embed()"
for _ in $(seq "$runs"); do "$bin" --cold-preload; done | median "preload() (load + 2-token pass)" "first embed() after it"
"$bin"
