#!/usr/bin/env python3
"""Runs the openkoi agent over the suite, once per task and iteration setting.

    python3 run.py --bin /path/to/openkoi --model local/qwen2.5-coder-1.5b --iterations 1,3 \
        [--one-shot-url http://127.0.0.1:8081/v1] [--tasks id1,id2] [--timeout 600] \
        [--out results.json] [--extra-arg=--budget-tokens=40000 ...]

Each run gets a fresh copy of the workspace (the agent's cwd) and a fresh OPENKOI_HOME, so no user
config, history or memory leaks in. The agent is run as

    <bin> -m <model> -i <N> --yes --json "<task.txt>" [extra args]

with stdin from /dev/null; OPENKOI_LOCAL_BASE_URL is passed on when set. After it exits (or is
killed at --timeout) the pristine test files are restored and the task's check decides pass/fail.
Each run's stderr goes to <out>.logs/<task>-i<N>.log. Python stdlib only.
"""

import argparse
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from one_shot import default_model, fresh_copy, last_line, load_tasks, restore_pristine, run_check, run_one_shot

# Variables that would point the agent at the user's own config or data.
SCRUBBED_ENV = ("OPENKOI_DATA", "OPENKOI_CONFIG", "OPENKOI_MODEL")


def parse_json_object(stdout):
    """The single JSON object the agent prints with --json (last parseable line as a fallback)."""
    text = stdout.strip()
    if not text:
        return None
    try:
        value = json.loads(text)
        return value if isinstance(value, dict) else None
    except json.JSONDecodeError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
                if isinstance(value, dict):
                    return value
            except json.JSONDecodeError:
                continue
    return None


def stop(process, grace=10):
    """SIGTERM the agent's process group (the CLI cancels cleanly), SIGKILL after ``grace`` s."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run_agent(task, args, iterations, log_dir):
    workdir = fresh_copy(task, prefix="agent-run-")
    home = Path(tempfile.mkdtemp(prefix="openkoi-home-"))
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["OPENKOI_HOME"] = str(home)
    if args.log_level:
        env["OPENKOI_LOG_LEVEL"] = args.log_level
    command = [args.bin, "-m", args.model, "-i", str(iterations), "--yes", "--json", task.text] + args.extra
    log_path = log_dir / f"{task.id}-i{iterations}.log"
    result = {
        "task": task.id, "setting": f"i{iterations}", "iterations_limit": iterations, "passed": False,
        "exit_code": None, "timed_out": False, "wall_s": None, "agent": None,
        "iterations": None, "tokens": None, "decision": None, "status": None, "score": None,
        "error": None, "check_output": "", "log": str(log_path), "command": command,
    }
    started = time.monotonic()
    with open(log_path, "w") as log:
        log.write(f"# {shlex.join(command)}\n# cwd {workdir}\n# OPENKOI_HOME {home}\n")
        log.flush()
        try:
            process = subprocess.Popen(
                command, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=log, text=True, start_new_session=True,
            )
        except OSError as exc:
            result["error"] = f"could not start {args.bin}: {exc}"
            process = None
        stdout = ""
        if process is not None:
            try:
                stdout, _ = process.communicate(timeout=args.timeout)
            except subprocess.TimeoutExpired:
                result["timed_out"] = True
                stop(process)
                stdout, _ = process.communicate()
            result["exit_code"] = process.returncode
    result["wall_s"] = round(time.monotonic() - started, 1)
    with open(log_path, "a") as log:
        log.write(f"\n# exit {result['exit_code']} after {result['wall_s']} s"
                  + (" (killed at --timeout)" if result["timed_out"] else "") + "\n# stdout:\n" + (stdout or "") + "\n")

    document = parse_json_object(stdout or "")
    result["agent"] = document
    if document:
        for key in ("iterations", "tokens", "decision", "status", "score", "error"):
            if document.get(key) is not None:
                result[key] = document[key]
    elif not result["error"]:
        result["error"] = "timed out" if result["timed_out"] else "no JSON object on stdout"

    restore_pristine(task, workdir)
    result["passed"], output = run_check(task, workdir)
    result["check_output"] = output[-4000:]
    if args.keep:
        result["workdir"] = str(workdir)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    return result


def row(r):
    def n(value):
        return "-" if value is None else str(value)

    decision = r.get("decision") or ("timeout" if r.get("timed_out") else ("error" if r.get("error") else "-"))
    return (f"{r['task']:<24} {r['setting']:<9} {'pass' if r['passed'] else 'FAIL':<5} {n(r.get('iterations')):>5} "
            f"{n(r.get('tokens')):>7} {n(r.get('wall_s')):>7}  {decision}")


HEADER = f"{'task':<24} {'setting':<9} {'res':<5} {'iters':>5} {'tokens':>7} {'wall s':>7}  decision"


def summarize(results, settings):
    lines = [f"{'setting':<9} {'passed':>8} {'median wall s':>14} {'total tokens':>13}"]
    summary = {}
    for setting in settings:
        runs = [r for r in results if r["setting"] == setting]
        if not runs:
            continue
        walls = [r["wall_s"] for r in runs if r.get("wall_s") is not None]
        tokens = sum(r.get("tokens") or 0 for r in runs)
        passed = sum(r["passed"] for r in runs)
        median = round(statistics.median(walls), 1) if walls else None
        summary[setting] = {"passed": passed, "total": len(runs), "median_wall_s": median, "total_tokens": tokens}
        lines.append(f"{setting:<9} {f'{passed}/{len(runs)}':>8} {median if median is not None else '-':>14} {tokens:>13}")
    return "\n".join(lines), summary


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run the openkoi agent over the agent-quality suite.")
    parser.add_argument("--bin", required=True, help="path to the openkoi binary")
    parser.add_argument("--model", required=True, help="model for -m, e.g. local/qwen2.5-coder-1.5b")
    parser.add_argument("--iterations", default="1,3", help="comma-separated -i settings (default 1,3)")
    parser.add_argument("--one-shot-url", help="also run the one-shot baseline against this base URL")
    parser.add_argument("--one-shot-model", help="model name for the baseline (default: the server's first)")
    parser.add_argument("--tasks", help="comma-separated task ids (default: all)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per agent run (default 600)")
    parser.add_argument("--out", default="results.json", help="results JSON (default results.json); logs go to <out>.logs/")
    parser.add_argument("--extra-arg", action="append", default=[], metavar="ARG",
                        help="extra argument(s) for the agent; repeatable, each is split like a shell word list")
    parser.add_argument("--log-level", default=os.environ.get("OPENKOI_LOG_LEVEL") or "debug",
                        help="OPENKOI_LOG_LEVEL for the agent's stderr log (default debug)")
    parser.add_argument("--keep", action="store_true", help="keep the temp workspaces (paths go into the JSON)")
    args = parser.parse_args(argv)

    args.bin = str(Path(args.bin).expanduser().resolve())
    if not os.access(args.bin, os.X_OK):
        raise SystemExit(f"not an executable: {args.bin}")
    args.extra = [part for extra in args.extra_arg for part in shlex.split(extra)]
    try:
        settings = [int(s) for s in args.iterations.split(",") if s.strip()]
    except ValueError:
        raise SystemExit(f"--iterations wants numbers like 1,3 (got {args.iterations!r})")
    tasks = load_tasks(args.tasks)
    out = Path(args.out)
    log_dir = Path(str(out) + ".logs")
    log_dir.mkdir(parents=True, exist_ok=True)

    print(f"agent suite: {len(tasks)} tasks x settings {', '.join(f'i{s}' for s in settings)}"
          + (" + one-shot" if args.one_shot_url else "") + f"; model {args.model}; logs in {log_dir}/", flush=True)
    print(HEADER, flush=True)
    results = []
    for task in tasks:
        for iterations in settings:
            r = run_agent(task, args, iterations, log_dir)
            results.append(r)
            print(row(r), flush=True)
        if args.one_shot_url:
            model = args.one_shot_model or default_model(args.one_shot_url)
            r = run_one_shot(task, args.one_shot_url, model)
            results.append(r)
            print(row(r), flush=True)
        _write(out, args, settings, results, None)

    setting_names = [f"i{s}" for s in settings] + (["one-shot"] if args.one_shot_url else [])
    print()
    print(HEADER)
    for task in tasks:
        for r in results:
            if r["task"] == task.id:
                print(row(r))
    print()
    text, summary = summarize(results, setting_names)
    print(text)
    failed_notes = [(r["task"], r["setting"], r.get("error") or last_line(r["check_output"]))
                    for r in results if not r["passed"]]
    if failed_notes:
        print("\nwhy the failures failed (error or last line of the check):")
        for task_id, setting, note in failed_notes:
            print(f"  {task_id:<24} {setting:<9} {str(note)[:90]}")
    _write(out, args, settings, results, summary)
    print(f"\nresults: {out}   logs: {log_dir}/")
    return 0


def _write(out, args, settings, results, summary):
    document = {
        "bin": args.bin, "model": args.model, "iterations": settings, "one_shot_url": args.one_shot_url,
        "timeout_s": args.timeout, "extra_args": args.extra, "summary": summary, "results": results,
    }
    out.write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
