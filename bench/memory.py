"""Resident memory of ``make run`` after the demo load and 1,000 mixed requests (issue 20,
acceptance 6: at most 1.2 GiB in all).

Starts ``manage.py start`` exactly as ``make run`` does (embedded mode: SQLite and the
embedded Redis in a temporary directory, a real worker and beat), waits for the demo
content to be indexed by the worker, sends 1,000 requests from 4 threads — pages, the
hybrid search API, chat turns over HTTP (server-sent events, read to the end), content
and events APIs — and prints RSS and PSS for every process of the tree and the total.
PSS splits pages shared between processes (the mapped knowledge index, the ONNX model
file, forked workers' copy-on-write pages) so its total is what the machine really holds.

    .venv/bin/python bench/memory.py [--requests 1000] [--keep]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.content.retrieval_set import QUESTIONS  # noqa: E402

PAGES = ["/", "/about/", "/services/", "/blog/", "/case-studies/", "/resources/", "/events/"]
UNLIMITED = "100000/m"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, body: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    req = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(req, timeout=120) as response:  # noqa: S310
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code
    except OSError:
        return 0


def children(pid: int) -> list[int]:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        return []
    return out + [g for c in out for g in children(c)]


def label(pid: int) -> str:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(a.decode(errors="replace") for a in args if a)
    for key, name in (
        ("supervise.py", "supervisor (core/supervise.py)"),
        ("uvicorn", "web (uvicorn)"),
        ("worker", "worker (celery)"),
        ("beat", "beat (celery)"),
        ("redis-server", "redis (embedded)"),
        ("manage.py start", "supervisor (manage.py start)"),
        ("multiprocessing", "web (uvicorn child)"),
    ):
        if key in text:
            return name
    return text[:60]


def memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


def modules_loaded(pid: int) -> str:
    """Which heavy libraries a process has mapped (from /proc/<pid>/maps)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return ""
    found = [
        name
        for name, marker in (
            ("torch", "libtorch"),
            ("onnxruntime", "onnxruntime"),
            ("usearch", "usearch"),
            ("scikit-learn", "/sklearn/"),
            ("scipy", "/scipy/"),
            ("knowledge index", "/knowledge/"),
        )
        if marker in maps
    ]
    return ", ".join(found)


def mixed(base: str, n: int, rng: random.Random) -> list[tuple[str, str, dict | None]]:
    questions = [q for q, _ in QUESTIONS]
    out = []
    for i in range(n):
        roll = rng.random()
        q = rng.choice(questions) + ("" if i % 3 else f" ({i})")
        if roll < 0.35:
            out.append(("page", base + rng.choice(PAGES), None))
        elif roll < 0.65:
            out.append(("search", f"{base}/api/search?q={urllib.parse.quote(q)}", None))
        elif roll < 0.80:
            out.append(("chat", base + "/api/chat/rag", {"message": q}))
        elif roll < 0.90:
            out.append(("content api", base + "/api/content", None))
        else:
            out.append(("events api", base + "/api/events", None))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="engage-memory-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DEBUG", "SECRET_KEY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ementech.settings.base",
        EMENTECH_VAR_DIR=str(tmp / "var"),
        PYTHONUNBUFFERED="1",
        RATE_LIMIT_SEARCH=UNLIMITED,
        RATE_LIMIT_CHAT_HTTP=UNLIMITED,
        RATE_LIMIT_CHAT_MESSAGE=UNLIMITED,
        RATE_LIMIT_CHAT_NEW_CONVERSATION_BROWSER=UNLIMITED,
        RATE_LIMIT_CHAT_NEW_CONVERSATION_IP=UNLIMITED,
    )
    onnx = ROOT / "var" / "models" / "all-MiniLM-L6-v2.onnx"
    if onnx.exists() and "EMBEDDING_ONNX_PATH" not in env:
        env["EMBEDDING_ONNX_PATH"] = str(onnx)  # what `make install` exported
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp / "stack.log"
    log = open(log_path, "w")  # noqa: SIM115
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "start", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        while request(base + "/health") != 200:
            if proc.poll() is not None or time.monotonic() - started > 900:
                raise SystemExit(log_path.read_text()[-3000:])
            time.sleep(2)
        print(f"stack up in {time.monotonic() - started:.0f}s (load {os.getloadavg()[0]:.1f})")
        probe = f"{base}/api/search?q=chatbot"
        while True:  # the worker indexes the demo pages after the demo load
            req = urllib.request.Request(probe)  # noqa: S310
            with urllib.request.urlopen(req, timeout=120) as response:  # noqa: S310
                if json.loads(response.read()).get("results"):
                    break
            if time.monotonic() - started > 1800:
                raise SystemExit("the knowledge base was never indexed")
            time.sleep(5)
        print(f"demo indexed after {time.monotonic() - started:.0f}s")
        rng = random.Random(7)
        plan = mixed(base, args.requests, rng)
        statuses: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        start = time.monotonic()
        with ThreadPoolExecutor(4) as pool:
            results = pool.map(lambda item: (item[0], request(item[1], item[2])), plan)
            for kind, status in results:
                statuses[kind][status] += 1
        took = time.monotonic() - start
        print(f"{len(plan)} requests in {took:.0f}s (load {os.getloadavg()[0]:.1f}):")
        for kind, counter in sorted(statuses.items()):
            print(f"  {kind:12s} {sum(counter.values()):4d}  statuses {dict(counter)}")
        time.sleep(5)  # let the worker finish what the requests queued
        pids = [proc.pid, *children(proc.pid)]
        total_rss = total_pss = 0
        print(f"\n{'pid':>7} {'process':32s} {'RSS MiB':>8} {'PSS MiB':>8}  libraries mapped")
        for pid in pids:
            rss, pss = memory(pid)
            if not rss:
                continue
            total_rss += rss
            total_pss += pss
            print(
                f"{pid:7d} {label(pid):32s} {rss / 2**20:8.1f} {pss / 2**20:8.1f}  "
                f"{modules_loaded(pid)}"
            )
        print(
            f"{'':7s} {'total':32s} {total_rss / 2**20:8.1f} {total_pss / 2**20:8.1f}  "
            f"(target <= 1228.8 MiB = 1.2 GiB; load {os.getloadavg()[0]:.1f})"
        )
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}")


if __name__ == "__main__":
    main()
