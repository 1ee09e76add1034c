#!/usr/bin/env bash
# Builds the shipped binary and prints its path: release, static Swift stdlib, every function in a
# section of its own (so the link can put the hot ones together: Package.swift, releaseLink).
# Unstripped (symbols for perf and Benchmarks/daemon/hot_functions.py); `install -s` strips it.
#
#   scripts/build-release.sh        # -> .build/.../release/openkoi on stdout, build log on stderr
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
flags=(-c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections)
# Objects compiled without function sections are reused when their code is unchanged (swiftc keeps
# an object whose module hash matches), so a build directory from before this flag gets it here.
marker=.build/release-function-sections
if [[ -d .build && ! -e $marker ]]; then
    find .build -path '*/release/*' -name '*.swift.o' -delete
fi
bin="$(swift build "${flags[@]}" --show-bin-path)/openkoi"
# The link reads this list, but SwiftPM does not know it: a newer list needs a new link.
if [[ -e $bin && Sources/openkoi/hot-functions.txt -nt $bin ]]; then rm -f "$bin"; fi
swift build "${flags[@]}" --product openkoi >&2
mkdir -p .build && touch "$marker"
echo "$bin"
