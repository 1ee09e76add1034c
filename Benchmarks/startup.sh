#!/usr/bin/env bash
# Whole-process startup of the shipped binary (DESIGN.md §4): median of 30 runs of
# `openkoi --version` and `openkoi --help`, and the stripped binary size.
#
#   Benchmarks/startup.sh                 # release-builds the main package first, then measures
#   OPENKOI_BIN=/path/openkoi startup.sh  # measures that binary, builds nothing
#   startup.sh --no-build                 # measures .build/release/openkoi as it is
#
# RUNS and WARMUP override the counts (30 and 3). Timing uses hyperfine without a shell (-N);
# without hyperfine, a python3 loop does the same.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
runs="${RUNS:-30}"
warmup="${WARMUP:-3}"
build=1
[[ "${1:-}" == "--no-build" ]] && build=0

if [[ -n "${OPENKOI_BIN:-}" ]]; then
    bin="$OPENKOI_BIN"
else
    bin="$root/.build/release/openkoi"
    if [[ $build == 1 ]]; then
        echo "building $bin (scripts/build-release.sh)…" >&2
        # The shared lock keeps this build from racing other builds and test runs on the machine.
        (cd "$root" && flock /tmp/openkoi-swift.lock nice -n 10 scripts/build-release.sh >/dev/null)
    fi
fi
[[ -x "$bin" ]] || { echo "no executable at $bin (build it, or set OPENKOI_BIN)" >&2; exit 1; }

for flag in --version --help; do
    "$bin" "$flag" >/dev/null || { echo "'$bin $flag' failed; nothing measured" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Prints the median wall time of `$bin $1` in milliseconds.
median_ms() {
    local flag="$1" json="$work/${1#--}.json"
    if command -v hyperfine >/dev/null; then
        hyperfine -N --runs "$runs" --warmup "$warmup" --export-json "$json" "$bin $flag" >/dev/null
        python3 -c 'import json, statistics, sys
times = json.load(open(sys.argv[1]))["results"][0]["times"]
print(f"{statistics.median(times) * 1000:.2f}")' "$json"
    else
        python3 - "$bin" "$flag" "$runs" "$warmup" <<'EOF'
import statistics, subprocess, sys, time
bin, flag, runs, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def once():
    start = time.perf_counter()
    subprocess.run([bin, flag], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start
for _ in range(warmup):
    once()
print(f"{statistics.median([once() for _ in range(runs)]) * 1000:.2f}")
EOF
    fi
}

echo "binary: $bin"
echo "--version median: $(median_ms --version) ms"
echo "--help median: $(median_ms --help) ms"
strip -o "$work/openkoi.stripped" "$bin"
size="$(stat -c %s "$work/openkoi.stripped")"
echo "stripped size: $size bytes ($(python3 -c "print(f'{$size / 1048576:.1f}')") MiB)"
