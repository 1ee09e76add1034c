#!/usr/bin/env python3
"""One-shot baseline: one chat-completions request per task, no tools, no iteration.

    python3 one_shot.py --base-url http://127.0.0.1:8081/v1 [--model NAME] [--tasks id1,id2] [--out results.json]

For each task the workspace is copied to a fresh temp dir, the model gets the task and every file
in one message, and every file it sends back (as `### FILE: <path>` + fenced block) is written
into the copy. The pristine test files are then restored and the task's check is run.

This module also holds the helpers shared with verify.py (task discovery, workspace
copies, restoring pristine tests, running a check). Python stdlib only.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

SUITE = Path(__file__).resolve().parent
CHECK_TIMEOUT = 120

# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


class Task:
    def __init__(self, directory):
        self.dir = Path(directory)
        self.id = self.dir.name
        self.text = (self.dir / "task.txt").read_text().strip()
        self.check = (self.dir / "check").read_text().strip()
        self.workspace = self.dir / "workspace"
        self.solution = self.dir / "solution"

    def workspace_files(self):
        """Relative paths of the starting files, sources first, tests last."""
        files = [p.relative_to(self.workspace) for p in self.workspace.rglob("*") if p.is_file() and not _junk(p)]
        return sorted(files, key=lambda p: (_is_test(p), str(p)))

    def __repr__(self):
        return f"Task({self.id})"


def _junk(path):
    return "__pycache__" in path.parts or ".pytest_cache" in path.parts or path.suffix == ".pyc"


def _is_test(path):
    return Path(path).name.startswith("test_") and Path(path).suffix == ".py"


def load_tasks(selection=None):
    """Every folder of the suite that has a task.txt, sorted; ``selection`` is 'id1,id2' or a list."""
    tasks = [Task(d) for d in sorted(SUITE.iterdir()) if (d / "task.txt").is_file()]
    if selection:
        wanted = [s.strip() for s in (selection.split(",") if isinstance(selection, str) else selection) if s.strip()]
        known = {t.id: t for t in tasks}
        missing = [w for w in wanted if w not in known]
        if missing:
            raise SystemExit(f"unknown task(s): {', '.join(missing)} (known: {', '.join(known)})")
        tasks = [known[w] for w in wanted]
    return tasks


def fresh_copy(task, prefix="agent-suite-"):
    """A new temp dir holding a copy of the task's workspace; the caller removes it."""
    root = Path(tempfile.mkdtemp(prefix=f"{prefix}{task.id}-"))
    for rel in task.workspace_files():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(task.workspace / rel, target)
    return root


def overlay(source_dir, target_dir):
    """Copy every file of ``source_dir`` over ``target_dir`` (used for solution/)."""
    for path in Path(source_dir).rglob("*"):
        if path.is_file() and not _junk(path):
            target = Path(target_dir) / path.relative_to(source_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def restore_pristine(task, directory):
    """Undo anything a solver did to the test harness: put back every test_*.py and pytest.ini
    from the original workspace and delete conftest.py files that were not there to begin with."""
    directory = Path(directory)
    for rel in task.workspace_files():
        if _is_test(rel) or rel.name == "pytest.ini":
            target = directory / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(task.workspace / rel, target)
    for conftest in directory.rglob("conftest.py"):
        if not (task.workspace / conftest.relative_to(directory)).exists():
            conftest.unlink()


def run_check(task, directory, timeout=CHECK_TIMEOUT):
    """Run the task's check in ``directory``; returns (passed, combined output)."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    try:
        done = subprocess.run(
            ["sh", "-c", task.check], cwd=directory, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return False, out + f"\n[check timed out after {timeout}s]"
    return done.returncode == 0, done.stdout


def last_line(text):
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


# --------------------------------------------------------------------------------------------
# The one-shot prompt and reply parsing
# --------------------------------------------------------------------------------------------

SYSTEM_PROMPT = """You are an expert Python programmer. You get a task and all files of a small project.
Solve the task in a single reply. For every file you change or create, write a line
### FILE: <path>
followed by a fenced code block with the complete new content of that file (not a diff, not an excerpt).
Only include files you change or create. Do not change the test files."""

FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([\w+.-]*)\s*$")
FILE_HEADER = re.compile(r"^\s*#{1,6}\s*FILE\s*:?\s*(.+?)\s*$", re.IGNORECASE)
PATH_BEFORE_FENCE = re.compile(r"`([^`\s]+\.\w+)`(?:\*\*|__)?\s*:?\s*$|^\s*(?:\*\*|__)?([\w./-]+\.\w+)(?:\*\*|__)?\s*:\s*$")
PATH_IN_FENCE = re.compile(r"^\s*#\s*(?:file(?:name)?\s*:\s*)?([\w./-]+\.\w+)\s*$", re.IGNORECASE)


def _clean_path(raw):
    return raw.strip().strip("`*_'\"").strip()


def fence_language_for(path):
    return {".py": "python", ".ini": "ini", ".txt": "text", ".md": "markdown", ".json": "json"}.get(Path(path).suffix, "")


def build_messages(task, directory):
    parts = [task.text, "", "Project files:", ""]
    for rel in task.workspace_files():
        content = (Path(directory) / rel).read_text()
        parts += [f"### FILE: {rel}", f"```{fence_language_for(rel)}", content.rstrip("\n"), "```", ""]
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "\n".join(parts).rstrip() + "\n"},
    ]


def parse_reply(reply):
    """[(path, content, complete)] for every fenced block the reply attributes to a file.

    A block's path comes from the nearest `### FILE: <path>` line before it, or a "`path`:" /
    "path:" line right before the fence, or a `# path` comment as the block's first line.
    ``complete`` is False for a block cut off by the end of the reply (max_tokens)."""
    lines = reply.splitlines()
    found = []
    pending = None  # path named by a FILE header, waiting for its fence
    i = 0
    while i < len(lines):
        header = FILE_HEADER.match(lines[i])
        if header:
            pending = _clean_path(header.group(1))
            i += 1
            continue
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        opened_at, marker = i, fence.group(1)
        body, closed = [], False
        i += 1
        while i < len(lines):
            closing = FENCE.match(lines[i])
            if closing and closing.group(1)[0] == marker[0] and len(closing.group(1)) >= len(marker) and not closing.group(2):
                closed = True
                break
            body.append(lines[i])
            i += 1
        i += 1
        path = pending
        if path is None:
            previous = _previous_nonblank(lines, opened_at - 1)
            named = PATH_BEFORE_FENCE.search(previous) if previous is not None else None
            if named:
                path = named.group(1) or named.group(2)
        if path is None and body:
            inside = PATH_IN_FENCE.match(body[0])
            if inside:
                path = inside.group(1)
        if path:
            found.append((_clean_path(path), "\n".join(body) + "\n", closed))
        pending = None
    return found


def _previous_nonblank(lines, index):
    while index >= 0:
        if lines[index].strip():
            return lines[index]
        index -= 1
    return None


def write_files(found, directory):
    """Write parsed files into ``directory``; paths outside it are skipped. Returns the written paths."""
    root = Path(directory).resolve()
    written, skipped = [], []
    for path, content, _complete in found:
        target = (root / path).resolve()
        if os.path.isabs(path) or root not in target.parents:
            skipped.append(path)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
        written.append(str(target.relative_to(root)))
    return written, skipped


# --------------------------------------------------------------------------------------------
# The request
# --------------------------------------------------------------------------------------------


def default_model(base_url, timeout=10):
    try:
        with urllib.request.urlopen(base_url.rstrip("/") + "/models", timeout=timeout) as response:
            data = json.load(response)
        return data["data"][0]["id"]
    except Exception:
        return "default"


def chat(base_url, model, messages, max_tokens=1500, timeout=900):
    body = json.dumps({
        "model": model, "messages": messages, "temperature": 0, "max_tokens": max_tokens, "stream": False,
    }).encode()
    request = urllib.request.Request(
        base_url.rstrip("/") + "/chat/completions", data=body, headers={"Content-Type": "application/json"},
    )
    api_key = os.environ.get("ONE_SHOT_API_KEY")
    if api_key:
        request.add_header("Authorization", f"Bearer {api_key}")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def run_one_shot(task, base_url, model=None, max_tokens=1500, keep=False):
    """One task, one request. Returns a result dict (see the keys below)."""
    model = model or default_model(base_url)
    directory = fresh_copy(task, prefix="one-shot-")
    result = {
        "task": task.id, "setting": "one-shot", "model": model, "passed": False,
        "prompt_tokens": None, "completion_tokens": None, "tokens": None, "wall_s": None,
        "finish_reason": None, "files_written": [], "files_skipped": [], "truncated_files": [],
        "check_output": "", "error": None,
    }
    started = time.monotonic()
    try:
        response = chat(base_url, model, build_messages(task, directory), max_tokens=max_tokens)
        result["wall_s"] = round(time.monotonic() - started, 1)
        usage = response.get("usage") or {}
        result["prompt_tokens"] = usage.get("prompt_tokens")
        result["completion_tokens"] = usage.get("completion_tokens")
        if result["prompt_tokens"] is not None and result["completion_tokens"] is not None:
            result["tokens"] = result["prompt_tokens"] + result["completion_tokens"]
        choice = response["choices"][0]
        result["finish_reason"] = choice.get("finish_reason")
        reply = choice["message"].get("content") or ""
        result["reply"] = reply
        found = parse_reply(reply)
        result["truncated_files"] = [path for path, _c, complete in found if not complete]
        result["files_written"], result["files_skipped"] = write_files(found, directory)
    except (urllib.error.URLError, OSError, KeyError, IndexError, ValueError) as exc:
        result["wall_s"] = round(time.monotonic() - started, 1)
        result["error"] = f"{type(exc).__name__}: {exc}"
    restore_pristine(task, directory)
    result["passed"], output = run_check(task, directory)
    result["check_output"] = output[-4000:]
    if keep:
        result["workdir"] = str(directory)
    else:
        shutil.rmtree(directory, ignore_errors=True)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8081/v1")
    parser.add_argument("--model", help="model name (default: the first one the server lists)")
    parser.add_argument("--tasks", help="comma-separated task ids (default: all)")
    parser.add_argument("--max-tokens", type=int, default=1500)
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temp workspaces (paths go into the JSON)")
    args = parser.parse_args(argv)

    tasks = load_tasks(args.tasks)
    model = args.model or default_model(args.base_url)
    print(f"one-shot baseline: {len(tasks)} tasks, model {model} at {args.base_url}", flush=True)
    print(f"{'task':<24} {'result':<6} {'prompt':>7} {'compl':>6} {'wall s':>7}  note", flush=True)
    results = []
    for task in tasks:
        r = run_one_shot(task, args.base_url, model, max_tokens=args.max_tokens, keep=args.keep)
        results.append(r)
        note = r["error"] or ("" if r["passed"] else last_line(r["check_output"]))
        if r["finish_reason"] == "length":
            note = "(hit max_tokens) " + note
        if not r["error"] and not r["files_written"]:
            note = "(no files in reply) " + note
        print(f"{task.id:<24} {'pass' if r['passed'] else 'FAIL':<6} {_n(r['prompt_tokens']):>7} "
              f"{_n(r['completion_tokens']):>6} {_n(r['wall_s']):>7}  {note[:70]}", flush=True)
    passed = sum(r["passed"] for r in results)
    print(f"one-shot: {passed}/{len(results)} passed", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps({"model": model, "base_url": args.base_url, "results": results}, indent=2) + "\n")
    return 0


def _n(value):
    return "-" if value is None else str(value)


if __name__ == "__main__":
    sys.exit(main())
