#!/usr/bin/env python3
"""Load on the daemon's REST queue from a second process (wrk), with a zero-latency fake model.

    Benchmarks/daemon/load.py [--bin .build/release/openkoi] [--posts 2000] [--connections 16] [--seconds 10]
        [--queue postgres://openkoi@127.0.0.1:55432/openkoi] [--stalled-model]

Starts a fake OpenAI-compatible model (answers at once), `openkoi daemon start --foreground` on an
ephemeral port with a fresh OPENKOI_HOME, and measures its idle RSS. Then (1) exactly --posts POSTs
from client threads, each with its own body and Idempotency-Key, after which the API must list every
answered task id once (none lost, none doubled); (2) wrk for --seconds: enqueue throughput and
latency percentiles. Workers run the queued tasks meanwhile (the fake model answers at once).
"""
import argparse, json, os, pathlib, signal, subprocess, sys, tempfile, threading, time, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent


class FakeModel(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        if self.server.stalled:
            time.sleep(3600)  # --stalled-model: workers hold their first tasks, the rest stay queued
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        judge = "# Rubric" in body
        text = '{"scores":{"relevance":0.9,"quality":0.9,"completeness":0.9},"findings":[]}' if judge else "4"
        events = [
            {"choices": [{"index": 0, "delta": {"role": "assistant", "content": text}}]},
            {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
            {"choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": 2}},
        ]
        payload = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
        data = payload.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def rss_kib(pid, field="VmRSS:"):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field):
            return int(line.split()[1])
    return 0


def get(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=str(ROOT / ".build/release/openkoi"))
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--queue", default="sqlite",
                        help="[daemon] queue: sqlite, or a postgres:// URL (its queue tables are dropped first)")
    parser.add_argument("--stalled-model", action="store_true",
                        help="the model never answers: measures enqueueing alone, without workers running tasks")
    args = parser.parse_args()

    model = ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    model.daemon_threads = True
    model.stalled = args.stalled_model
    threading.Thread(target=model.serve_forever, daemon=True).start()
    home = tempfile.mkdtemp(prefix="openkoi-load-")
    if args.queue != "sqlite":
        subprocess.run(["psql", args.queue, "-qc", "DROP TABLE IF EXISTS queue_events, queue_idempotency, "
                        "webhook_outbox, queue_tasks"], check=True)
    pathlib.Path(home, "config.toml").write_text(
        f"[api]\nport = 0\n\n[daemon]\nmax_queued = 100000\nqueue = \"{args.queue}\"\n\n"
        "[models]\nexecutor = \"openai/gpt-4.1\"\n")
    env = dict(os.environ, OPENKOI_HOME=home, OPENAI_API_KEY="load-test",
               OPENAI_BASE_URL=f"http://127.0.0.1:{model.server_address[1]}/v1")
    log = open(pathlib.Path(home, "daemon.log"), "w")
    daemon = subprocess.Popen([args.bin, "daemon", "start", "--foreground"], env=env, stdout=log, stderr=log)
    state_file = pathlib.Path(home, "data/daemon.json")
    try:
        deadline = time.time() + 60
        while not state_file.exists():
            if daemon.poll() is not None or time.time() > deadline:
                sys.exit(f"the daemon did not start; see {log.name}")
            time.sleep(0.02)
        url = f"http://127.0.0.1:{json.loads(state_file.read_text())['port']}"
        get(url + "/api/v1/health")
        time.sleep(1)  # let start-up allocations settle before reading the idle footprint
        idle = rss_kib(daemon.pid)
        idle_anon = rss_kib(daemon.pid, "RssAnon:")

        # 1. Exactly --posts POSTs from client threads, every 201's task_id kept: none lost, none doubled.
        answers, failures = [], []
        lock = threading.Lock()

        def client(worker):
            import http.client
            connection = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=30)
            for n in range(worker, args.posts, args.connections):
                body = json.dumps({"description": f"load task {n}: what is {n}+{n}?", "max_iterations": 0})
                connection.request("POST", "/api/v1/tasks", body=body,
                                   headers={"Content-Type": "application/json", "Idempotency-Key": f"load-{n}"})
                response = connection.getresponse()
                payload = json.loads(response.read())
                with lock:
                    (answers if response.status == 201 else failures).append(payload.get("task_id") or payload)

        started = time.time()
        clients = [threading.Thread(target=client, args=(w,)) for w in range(args.connections)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        exact_seconds = time.time() - started
        ids, cursor = [], None
        while True:
            page = get(url + "/api/v1/tasks?limit=500" + (f"&after={cursor}" if cursor else ""))
            ids += [task["task_id"] for task in page["tasks"]]
            cursor = page["next"]
            if not cursor:
                break
        missing = set(answers) - set(ids)

        # 2. wrk for --seconds: enqueue throughput and latency percentiles from a native client.
        out = subprocess.run(
            ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s", "-s", str(HERE / "post.lua"), url],
            capture_output=True, text=True, check=True).stdout
        result = next(line for line in out.splitlines() if line.startswith("RESULT"))
        fields = dict(item.split("=") for item in result.split()[1:])
        duration = int(fields["duration_us"]) / 1e6
        loaded = rss_kib(daemon.pid)
        print(json.dumps({
            "exact_run": {
                "posts": args.posts, "answered_201": len(answers), "refused": len(failures),
                "tasks_in_queue": len(ids), "distinct_task_ids": len(set(ids)),
                "answered_but_missing": len(missing), "duplicates": len(ids) - len(set(ids)),
                "enqueues_per_second_python_client": round(len(answers) / exact_seconds),
            },
            "wrk_run": {
                "seconds": round(duration, 2), "created": int(fields["created"]), "other_statuses": int(fields["other"]),
                "enqueues_per_second": round(int(fields["created"]) / duration),
                "latency_ms": {k: int(fields[f"{k}_us"]) / 1000 for k in ("p50", "p90", "p99", "max")},
            },
            "idle_rss_mib": round(idle / 1024, 1), "idle_anonymous_mib": round(idle_anon / 1024, 1),
            "rss_after_load_mib": round(loaded / 1024, 1),
        }, indent=2))
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            daemon.kill()


if __name__ == "__main__":
    main()
