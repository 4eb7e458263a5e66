"""``POST /api/track`` against a bare Django endpoint, side by side in one run (issue 20).

Service mode as in production: PostgreSQL, Redis, the project under uvicorn (2 workers,
DEBUG off), one Celery worker (concurrency 2) draining the tracking buffer, and the bare
Django ceiling (``bench/bare_django.py``: parse the JSON body, answer 202; no database, no
middleware) under uvicorn with 2 workers too. The same wrk load goes to both, shape by
shape, so the ratio is of one moment on a shared machine:

- one page view per request at 4 and 16 connections (no visitor cookie: a new visitor
  each request, as a first page view is), then batches of 100 at 4 connections;
- req/s, p50 and p99 of each, the ratio of req/s and of p99 to the ceiling's;
- events accepted (2xx) against events stored, the backlog left when the load stops and
  how fast the worker drains it.

Targets: single event >= 0.50 of the ceiling's req/s and p99 <= 3x its p99; batches
>= 30,000 events/s; sent = stored, the backlog drained within the length of the run.

    .venv/bin/python bench/track.py [--seconds 10] [--shapes single:4,single:16,batch:4]
        [--app DIR]   # another checkout of the project (e.g. main, for a before/after)

Needs wrk (``apt-get install wrk``). Environment: ``DATABASE_URL`` (default database
``engage_perf``), ``REDIS_URL`` (default Redis db 9), ``BENCH_WEB_WORKERS`` (2).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def service_env(out: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/engage_perf")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
    env.update(
        DJANGO_SETTINGS_MODULE="ementech.settings.base",
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        RATE_LIMIT_TRACK="100000000/m",
        EMENTECH_VAR_DIR=str(out / "var"),
    )
    return env


def spawn(cmd: list[str], cwd: Path, env: dict, log: Path) -> subprocess.Popen:
    with open(log, "wb") as handle:
        return subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def uvicorn(app: str, port: int, workers: int, extra: list[str] | None = None) -> list[str]:
    return [
        PYTHON, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--lifespan", "off", "--log-level", "warning",
        "--no-access-log", *(extra or []),
    ]  # fmt: skip


def wait_ready(url: str, body: bytes, timeout: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            req = urllib.request.Request(
                url, data=body, headers={"Content-Type": "application/json"}, method="POST"
            )
            with urllib.request.urlopen(req, timeout=2):  # noqa: S310 - localhost
                return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up")


def lua(body: dict) -> str:
    return "\n".join(
        [
            'wrk.method = "POST"',
            'wrk.headers["Content-Type"] = "application/json"',
            'wrk.headers["Cookie"] = "em_consent=1.a1.m0"',
            f"wrk.body = {json.dumps(json.dumps(body))}",
        ]
    )


def bodies(session: str) -> dict[str, dict]:
    single = {
        "session_id": session,
        "type": "page_view",
        "properties": {"url": "http://site.test/pricing", "path": "/pricing", "duration": 42},
    }
    batch = {
        "events": [
            {
                "session_id": session,
                "type": "page_view",
                "properties": {"url": f"http://site.test/p{i}", "path": f"/p{i}", "duration": 42},
            }
            for i in range(100)
        ]
    }
    return {"single": single, "batch": batch}


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(found: re.Match | None) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)$", found[1]) if found else None
    return float(match[1]) * _UNITS[match[2]] if match else float("nan")


def wrk(port: int, script: Path, conns: int, seconds: int, log: Path | None = None) -> dict:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "-s", str(script), "--latency",
         f"http://127.0.0.1:{port}/api/track"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    if log is not None:  # a figure printed as nan can be read from wrk's own words
        with log.open("a") as handle:
            handle.write(f"--- {script.name} at {conns} conns, port {port}\n{out}\n")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M)),
        "p99": _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M)),
        "requests": int(re.search(r"(\d+) requests in", out)[1]),
        "non2xx": int(non2xx[1]) if non2xx else 0,
        "errors": errors[1] if errors else "",
    }


def tree_cpu_seconds(root: int) -> float:
    """CPU time (user + system) of a process and its descendants (uvicorn's and Celery's
    workers), in seconds: a figure the other load on a shared machine does not change."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def psql(env: dict, sql: str) -> str:
    return subprocess.run(
        ["psql", env["DATABASE_URL"], "-tAc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


def stored_count(env: dict, session: str) -> int:
    where = f"session_id = '{session}'"  # the bench's own hex id
    sql = "SELECT count(*) FROM analytics_interaction WHERE " + where  # noqa: S608
    return int(psql(env, sql))


def exact_phase(port: int, session: str, singles: int = 1000, batches: int = 100) -> int:
    """Closed-loop requests counted exactly (wrk's totals miss requests in flight when it
    stops): single events, then batches each sent twice with its batch id (the retry must
    store nothing). Returns the events the server accepted (its ``accepted``, duplicates
    excluded)."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    url = f"http://127.0.0.1:{port}/api/track"
    body = bodies(session)

    def one(i: int) -> int:
        with httpx.Client(cookies={"em_consent": "1.a1.m0"}, timeout=60) as client:
            if i < singles:
                resp = client.post(url, json=body["single"])
                resp.raise_for_status()
                return resp.json()["accepted"]
            batch = {**body["batch"], "batch_id": f"{session}-{i}"}
            total = 0
            for _attempt in range(2):
                resp = client.post(url, json=batch)
                resp.raise_for_status()
                if not resp.json().get("duplicate"):
                    total += resp.json()["accepted"]
            return total

    with ThreadPoolExecutor(8) as pool:
        return sum(pool.map(one, range(singles + batches)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="seconds of load per shape")
    parser.add_argument("--shapes", default="single:4,single:16,batch:4")
    parser.add_argument("--app", default=str(ROOT), help="the project checkout to measure")
    parser.add_argument("--drain-timeout", type=float, default=300)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    app = Path(args.app).resolve()
    out = Path(tempfile.mkdtemp(prefix="bench-track-"))
    env = service_env(out)
    workers = int(os.environ.get("BENCH_WEB_WORKERS", "2"))
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=app, env=env, check=True
    )
    session = f"bench-{uuid.uuid4().hex[:12]}"
    scripts = {}
    for name, body in bodies(session).items():
        scripts[name] = out / f"{name}.lua"
        scripts[name].write_text(lua(body))

    port, bare_port = free_port(), free_port()
    bare_env = {k: v for k, v in env.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    procs = [
        spawn(uvicorn("ementech.asgi:application", port, workers), app, env, out / "web.log"),
        spawn(
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "ementech",
                "worker",
                "--concurrency",
                "2",
                "--loglevel",
                "WARNING",
            ],
            app,
            env,
            out / "worker.log",
        ),  # fmt: skip
        spawn(
            uvicorn("bare_django:application", bare_port, workers, ["--app-dir", "bench"]),
            ROOT,
            bare_env,
            out / "bare.log",
        ),  # fmt: skip
    ]
    results: list[tuple[str, int, dict, dict]] = []
    sent = 0
    try:
        probe = json.dumps(bodies(session + "-warm")["single"]).encode()
        wait_ready(f"http://127.0.0.1:{port}/api/track", probe)
        wait_ready(f"http://127.0.0.1:{bare_port}/api/track", probe)
        for name in ("single", "batch"):  # warm both (connections, code paths)
            warm = out / f"warm-{name}.lua"
            warm.write_text(lua(bodies(session + "-warm")[name]))
            wrk(port, warm, 4, 2)
            wrk(bare_port, warm, 4, 2)
        load_started = time.monotonic()
        for shape in args.shapes.split(","):
            name, conns = shape.split(":")
            cpu = tree_cpu_seconds(procs[0].pid), tree_cpu_seconds(procs[1].pid)
            project = wrk(port, scripts[name], int(conns), args.seconds, out / "wrk.log")
            project["web_cpu"] = tree_cpu_seconds(procs[0].pid) - cpu[0]
            project["worker_cpu"] = tree_cpu_seconds(procs[1].pid) - cpu[1]
            cpu_bare = tree_cpu_seconds(procs[2].pid)
            bare = wrk(bare_port, scripts[name], int(conns), args.seconds, out / "wrk.log")
            bare["web_cpu"] = tree_cpu_seconds(procs[2].pid) - cpu_bare
            results.append((name, int(conns), project, bare))
            sent += (project["requests"] - project["non2xx"]) * (100 if name == "batch" else 1)
        load_seconds = time.monotonic() - load_started
        drain_started = time.monotonic()  # the backlog drains from the moment wrk stops
        at_end = stored = stored_count(env, session)
        while stored < sent and time.monotonic() - drain_started < args.drain_timeout:
            time.sleep(0.2)
            stored = stored_count(env, session)
        drain_seconds = time.monotonic() - drain_started
        exact_session = session + "-exact"
        exact_sent = exact_phase(port, exact_session)
        exact_stored = stored_count(env, exact_session)
        while exact_stored < exact_sent and time.monotonic() - drain_started < args.drain_timeout:
            time.sleep(0.5)
            exact_stored = stored_count(env, exact_session)
        time.sleep(3)  # anything stored twice would show now
        exact_stored = stored_count(env, exact_session)
    finally:
        for proc in procs:
            stop(proc)

    print(f"bench/track.py  app={app}  web workers={workers}  {args.seconds} s per shape")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print("| shape | this project | bare Django | req/s ratio (>= 0.50) | p99 ratio (<= 3) |")
    print("|---|---|---|---|---|")
    for name, conns, project, bare in results:
        events = 100 if name == "batch" else 1
        extra = f" = {project['rps'] * events:,.0f} events/s" if events > 1 else ""
        bad = f", {project['non2xx']} non-2xx" if project["non2xx"] else ""
        print(
            f"| {name}, {conns} conns | {project['rps']:,.0f} req/s{extra}, "
            f"p50 {project['p50']:.1f} ms, p99 {project['p99']:.1f} ms{bad} "
            f"| {bare['rps']:,.0f} req/s, p50 {bare['p50']:.1f} ms, p99 {bare['p99']:.1f} ms "
            f"| {project['rps'] / bare['rps']:.2f} | {project['p99'] / bare['p99']:.2f} |"
        )
    print(
        "CPU per request (user + system of the server's processes, so the other load on the "
        "machine does not count; the project's worker drains during the next shape too):"
    )
    for name, conns, project, bare in results:
        done = max(project["requests"], 1)
        print(
            f"  {name}, {conns} conns: project web {project['web_cpu'] / done * 1e6:,.0f} us "
            f"+ worker {project['worker_cpu'] / done * 1e6:,.0f} us; bare Django "
            f"{bare['web_cpu'] / max(bare['requests'], 1) * 1e6:,.0f} us"
        )
    backlog = sent - at_end
    rate = f"{backlog / drain_seconds:,.0f} events/s" if backlog > 0 and drain_seconds else "n/a"
    print(
        f"wrk load: {sent:,} events in the 2xx answers wrk counted, {stored:,} stored "
        f"(wrk does not count requests in flight when it stops, so stored may be a little "
        f"more); {max(backlog, 0):,} events were still buffered when the load stopped, stored "
        f"{drain_seconds:.1f} s later ({rate}, counted from the moment the load stopped); the "
        f"load lasted {load_seconds:.0f} s"
    )
    print(
        f"counted exactly (1,000 single events + 100 batches of 100, each batch sent twice "
        f"with its id): accepted {exact_sent:,}, stored {exact_stored:,} -> "
        f"{'OK' if exact_stored == exact_sent else 'MISMATCH'}"
    )
    print(f"logs: {out}")


if __name__ == "__main__":
    main()
