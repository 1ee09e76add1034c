#!/usr/bin/env python3
"""Checks that every task of the suite is well formed:

  * the pristine workspace FAILS its check (there is something to do),
  * the workspace with solution/ laid over it PASSES its check (the task can be done),
  * the workspace has exactly one test_*.py and a pytest.ini, solution/ changes no test file,
  * task.txt is 1-4 sentences and check is one line.

    python3 verify.py [--tasks id1,id2]

Prints a table; exits 1 if any task is broken. Python stdlib + pytest only.
"""

import argparse
import re
import shutil
import sys
import time

from one_shot import _is_test, fresh_copy, last_line, load_tasks, overlay, restore_pristine, run_check


def structural_problems(task):
    problems = []
    files = task.workspace_files()
    tests = [f for f in files if _is_test(f)]
    if len(tests) != 1:
        problems.append(f"workspace has {len(tests)} test files (want exactly 1)")
    ini = task.workspace / "pytest.ini"
    if not ini.is_file() or ini.read_text() != "[pytest]\n":
        problems.append("workspace/pytest.ini missing or not '[pytest]\\n'")
    if not task.solution.is_dir() or not any(p.is_file() for p in task.solution.rglob("*")):
        problems.append("solution/ is empty")
    else:
        for path in task.solution.rglob("*"):
            if path.is_file() and (_is_test(path) or path.name in ("pytest.ini", "conftest.py")):
                problems.append(f"solution/ must not change the test harness ({path.name})")
    if len((task.dir / "check").read_text().strip().splitlines()) != 1:
        problems.append("check must be one line")
    sentences = len(re.findall(r"[.!?](?:\s|$)", task.text))
    if not 1 <= sentences <= 4:
        problems.append(f"task.txt has {sentences} sentences (want 1-4)")
    return problems


def verify(task):
    problems = structural_problems(task)

    before_dir = fresh_copy(task, prefix="verify-")
    try:
        before_pass, before_out = run_check(task, before_dir)
    finally:
        shutil.rmtree(before_dir, ignore_errors=True)
    if before_pass:
        problems.append("check passes on the pristine workspace")

    after_dir = fresh_copy(task, prefix="verify-")
    started = time.monotonic()
    try:
        overlay(task.solution, after_dir)
        restore_pristine(task, after_dir)  # what the runners do; must not undo the solution
        after_pass, after_out = run_check(task, after_dir)
    finally:
        shutil.rmtree(after_dir, ignore_errors=True)
    seconds = time.monotonic() - started
    if not after_pass:
        problems.append("check fails with the solution: " + last_line(after_out))

    size = sum((task.workspace / f).stat().st_size for f in task.workspace_files())
    return {
        "task": task.id, "before": "fail" if not before_pass else "PASS",
        "after": "pass" if after_pass else "FAIL", "before_summary": last_line(before_out),
        "seconds": seconds, "workspace_bytes": size, "problems": problems,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description="Verify every task: fails before, passes with its solution.")
    parser.add_argument("--tasks", help="comma-separated task ids (default: all)")
    args = parser.parse_args(argv)

    tasks = load_tasks(args.tasks)
    print(f"{'task':<24} {'before':<7} {'after':<6} {'ws bytes':>8}  {'before (pytest summary)':<34} problems")
    broken = 0
    for task in tasks:
        r = verify(task)
        broken += bool(r["problems"])
        print(f"{r['task']:<24} {r['before']:<7} {r['after']:<6} {r['workspace_bytes']:>8}  "
              f"{r['before_summary'][:34]:<34} {'; '.join(r['problems']) or 'ok'}", flush=True)
    print(f"{len(tasks) - broken}/{len(tasks)} tasks ok" + (f", {broken} broken" if broken else ""))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
