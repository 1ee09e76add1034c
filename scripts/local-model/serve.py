#!/usr/bin/env python3
"""Run llama.cpp's OpenAI-compatible HTTP server in-process via xllamacpp.

Why this file exists: the only registries reachable from our machines are
PyPI and Debian, and neither ships a llama.cpp *binary* with a CLI.  The
`xllamacpp` wheel does ship a prebuilt llama.cpp server, but only as a Python
extension module, so this small launcher is the "llama-server" executable.

Contract (relied on by start.sh / stop.sh and by anyone scripting around it):
  * stdout stays empty; every log line (ours and llama.cpp's) goes to stderr,
    so a caller can redirect one log file without it mixing with data.
  * SIGTERM / SIGINT shut the server down cleanly and exit 0.
  * Exit codes: 0 clean shutdown, 2 bad arguments / unusable model file,
    3 xllamacpp missing, 4 the server failed to start (e.g. port busy).

Example:
  python3 serve.py --model /path/model.gguf --port 8080 --alias smollm2-135m
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time

# A long-lived server must not keep its launcher's descriptors: a caller that ran start.sh under
# `flock` (or with a pipe open) would otherwise stay locked (or blocked) for the server's life.
os.closerange(3, 65536)

# Pinned so the HTTP behaviour recorded in NOTES.md stays true; install.sh
# installs exactly this version.
XLLAMACPP_VERSION = "2026.10.11549"

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NO_XLLAMACPP = 3
EXIT_START_FAILED = 4


def log(msg: str) -> None:
    # Logs go to stderr only: stdout is reserved (and kept empty) by contract.
    print(f"[serve.py] {msg}", file=sys.stderr, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Serve a GGUF model over an OpenAI-compatible HTTP API "
        "(llama.cpp server via xllamacpp).")
    p.add_argument("--model", required=True, help="path to a .gguf model file")
    p.add_argument("--port", type=int, default=8080)
    # Loopback only by default: the server has no API key and allows all CORS
    # origins, so it must not be reachable from other hosts.
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--alias", default=None,
                   help="model name reported by /v1/models and accepted in "
                   "requests (default: the file name without .gguf)")
    p.add_argument("--ctx", type=int, default=4096,
                   help="context window in tokens (prompt + completion), shared by the slots")
    # Two slots let the executor's and the judge's prompts each keep their KV cache between
    # iterations (llama.cpp picks the slot whose cached prompt is most similar); each slot gets
    # ctx / slots tokens.
    p.add_argument("--slots", type=int, default=1,
                   help="parallel slots (each gets ctx/slots tokens and its own prompt cache)")
    # One thread each: measured on our 2-vCPU machines, two threads were
    # 5-100x slower (they fight with the HTTP thread and the caller).
    p.add_argument("--threads", type=int, default=1,
                   help="CPU threads for generation and prompt processing")
    p.add_argument("--pid-file", default=None,
                   help="write our pid here; removed again on clean exit")
    args = p.parse_args(argv)
    if not 1 <= args.port <= 65535:
        p.error(f"--port must be in 1..65535, got {args.port}")
    if args.ctx < 64:
        p.error(f"--ctx must be at least 64, got {args.ctx}")
    if args.threads < 1:
        p.error(f"--threads must be at least 1, got {args.threads}")
    if not 1 <= args.slots <= 8:
        p.error(f"--slots must be in 1..8, got {args.slots}")
    return args


def check_model(path: str) -> str | None:
    """Return an error message if `path` is not a readable GGUF file."""
    if not os.path.exists(path):
        return f"model file not found: {path} (run scripts/local-model/install.sh)"
    if not os.path.isfile(path):
        return f"model path is not a regular file: {path}"
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except OSError as e:
        return f"cannot read model file {path}: {e}"
    # Checking the magic here gives a one-line error instead of llama.cpp's
    # multi-line loader failure (or worse, an abort) deep in native code.
    if magic != b"GGUF":
        return f"not a GGUF file (bad magic {magic!r}): {path}"
    return None


def write_pid_file(path: str) -> None:
    # Written by the server itself (not only by start.sh's `$!`) so the file
    # names the process that actually holds the port even if a wrapper such
    # as setsid/nohup forked.  Temp + rename: readers never see a half file.
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{os.getpid()}\n")
    os.replace(tmp, path)


def remove_pid_file(path: str) -> None:
    # Only remove it if it is still ours: a newer server may have replaced it.
    try:
        with open(path, encoding="ascii") as f:
            if f.read().strip() == str(os.getpid()):
                os.unlink(path)
    except OSError:
        pass


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.pid_file:
        write_pid_file(args.pid_file)
    try:
        return serve(args)
    finally:
        if args.pid_file:
            remove_pid_file(args.pid_file)


def serve(args: argparse.Namespace) -> int:

    model = os.path.abspath(args.model)
    err = check_model(model)
    if err:
        log(f"error: {err}")
        return EXIT_USAGE

    try:
        import xllamacpp  # noqa: PLC0415 - imported late for a clear error
    except ImportError as e:
        log(f"error: cannot import xllamacpp ({e}); install it with: "
            f"{sys.executable} -m pip install xllamacpp=={XLLAMACPP_VERSION}")
        return EXIT_NO_XLLAMACPP
    version = getattr(xllamacpp, "__version__", "unknown")
    if version != XLLAMACPP_VERSION:
        # Not fatal: newer builds probably work, but the documented response
        # shapes were measured on the pinned one.
        log(f"warning: xllamacpp {version} != pinned {XLLAMACPP_VERSION}")

    alias = args.alias or os.path.basename(model).removesuffix(".gguf")

    params = xllamacpp.CommonParams()
    params.model.path = model
    params.hostnames = [args.host]
    params.port = args.port
    params.n_ctx = args.ctx
    # One slot gets the whole context window; with more, llama.cpp splits n_ctx between them.
    params.n_parallel = args.slots
    # Jinja runs the chat template embedded in the GGUF, which is what makes
    # /v1/chat/completions format messages (and tool calls) the model's way.
    params.use_jinja = True
    # Never try to reach a model hub: there is no internet here.
    params.offline = True
    params.model_alias = {alias}
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads

    # Signal handlers only set a flag; all teardown happens on the main
    # thread below, outside the handler.  Install them before the (slow for
    # big models) load so an early SIGTERM is not lost or fatal.
    stop = threading.Event()
    received: list[int] = []

    def on_signal(signum: int, _frame) -> None:
        received.append(signum)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)

    log(f"loading {model} as '{alias}' (ctx {args.ctx}, slots {args.slots}, threads {args.threads}, "
        f"xllamacpp {version})")
    started = time.monotonic()
    try:
        # Server() loads the model and starts the HTTP thread; it returns once
        # listening (raises if the model fails to load or the port is busy).
        server = xllamacpp.Server(params)
    except Exception as e:  # noqa: BLE001 - any failure here means "no server"
        log(f"error: server failed to start on {args.host}:{args.port}: {e}")
        return EXIT_START_FAILED
    address = getattr(server, "listening_address", f"http://{args.host}:{args.port}")
    log(f"listening on {address} (ready in {time.monotonic() - started:.1f}s); "
        f"OpenAI base URL {address}/v1, model '{alias}'")

    # Event.wait with a timeout keeps the main thread returning to the
    # interpreter so Python signal handlers actually get to run.
    while not stop.wait(1.0):
        pass

    name = signal.Signals(received[0]).name if received else "signal"
    log(f"received {name}, shutting down")
    # Dropping the last reference runs the native destructor, which stops the
    # HTTP loop and frees the model before we exit.
    del server
    log("stopped")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
