#!/usr/bin/env python3
"""Writes Sources/openkoi/hot-functions.txt: the functions `openkoi` runs on its common paths, which
the release link (lld's --symbol-ordering-file, Package.swift) places together in .text.

    Benchmarks/daemon/hot_functions.py [--bin PATH]    # needs valgrind (Debian `valgrind`)

Why: the code start-up runs is ~2.7 MiB spread over ~2,100 pages of a 20 MiB .text, and the kernel
maps 64 KiB around every page fault, so an idle daemon had ~16 MiB of the binary resident. Packed
together, the same code is a few hundred pages.

The binary (default: the release build, unstripped, with function sections) runs under callgrind:
`--version`, `--help`, `status`, then `daemon start --foreground` against a fake model while the API
is exercised (health, status, a task to the end, its events, the list, costs, a cancel), then
SIGTERM. Every function it entered is written, one symbol a line, in first-seen order. A function
renamed since is not found by the linker and stays where it was: the list ages gracefully; rerun it
after large changes (on a build from scripts/build-release.sh, whose every function has a section of
its own; the list is only as good as that).
"""
import argparse, json, os, pathlib, re, signal, subprocess, sys, tempfile, threading, time, urllib.request
from http.server import ThreadingHTTPServer

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from load import FakeModel  # noqa: E402  the same zero-latency model the load benchmark uses

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "Sources/openkoi/hot-functions.txt"


def executed(profile, binary):
    """Functions of `binary` in a callgrind profile, in the order the profile first names them."""
    objects, names, order, seen, current = {}, {}, [], set(), None
    for line in open(profile, errors="replace"):
        line = line.rstrip("\n")
        match = re.match(r"(c?ob)=\((\d+)\)(?: (.*))?$", line)
        if match:
            if match.group(3):
                objects[match.group(2)] = match.group(3)
            if match.group(1) == "ob":
                current = objects.get(match.group(2))
            continue
        match = re.match(r"(c?fn)=\((\d+)\)(?: (.*))?$", line)
        if match:
            if match.group(3):
                names[match.group(2)] = match.group(3)
            name = names.get(match.group(2))
            if match.group(1) == "fn" and current == binary and name and name not in seen:
                seen.add(name)
                order.append(name)
    return order


def callgrind(binary, args, env, work, tag):
    out = pathlib.Path(work, f"{tag}.callgrind")
    command = ["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}", binary, *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), out


def request(url, method="GET", body=None, timeout=60):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as response:
        return response.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=str(ROOT / ".build/release/openkoi"))
    args = parser.parse_args()
    if subprocess.run(["valgrind", "--version"], capture_output=True).returncode != 0:
        sys.exit("valgrind is needed: apt-get install valgrind")
    work = tempfile.mkdtemp(prefix="openkoi-hot-")
    # Valgrind gives up on the release build's DWARF; the symbol table is all it needs.
    binary = os.path.join(work, "openkoi")
    subprocess.run(["strip", "--strip-debug", "-o", binary, args.bin], check=True)

    model = ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    model.daemon_threads, model.stalled = True, False
    threading.Thread(target=model.serve_forever, daemon=True).start()
    home = pathlib.Path(work, "home")
    home.mkdir()
    (home / "config.toml").write_text('[api]\nport = 0\n\n[models]\nexecutor = "openai/gpt-4.1"\n')
    env = dict(os.environ, OPENKOI_HOME=str(home), OPENAI_API_KEY="hot-functions",
               OPENAI_BASE_URL=f"http://127.0.0.1:{model.server_address[1]}/v1")
    profiles = []
    for tag, command in [("version", ["--version"]), ("help", ["--help"]), ("status", ["status"])]:
        process, out = callgrind(binary, command, env, work, tag)
        process.wait()
        profiles.append(out)

    daemon, out = callgrind(binary, ["daemon", "start", "--foreground"], env, work, "daemon")
    state = home / "data/daemon.json"
    deadline = time.time() + 300
    while not state.exists():  # valgrind runs the daemon ~50 times slower
        if daemon.poll() is not None or time.time() > deadline:
            sys.exit("the daemon did not start under valgrind")
        time.sleep(0.2)
    url = f"http://127.0.0.1:{json.loads(state.read_text())['port']}/api/v1"
    request(url + "/health")
    request(url + "/status")
    task = json.loads(request(url + "/tasks", "POST", {"description": "What is 2+2?", "max_iterations": 1}))
    while json.loads(request(f"{url}/tasks/{task['task_id']}"))["status"] in ("queued", "running"):
        time.sleep(0.5)
    request(f"{url}/tasks/{task['task_id']}/events?starting_after=0", timeout=120)
    request(url + "/tasks?limit=10")
    request(url + "/cost")
    second = json.loads(request(url + "/tasks", "POST", {"description": "cancel me"}))
    request(f"{url}/tasks/{second['task_id']}/cancel", "POST")
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=300)
    profiles.append(out)

    order, seen = [], set()
    for profile in profiles:
        for name in executed(profile, binary):
            if name not in seen:
                seen.add(name)
                order.append(name)
    OUT.write_text("".join(name + "\n" for name in order))
    print(f"{len(order)} functions written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
