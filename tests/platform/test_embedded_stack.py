"""The embedded default, started the way ``make run`` starts it (``manage.py start``).

No DATABASE_URL or REDIS_URL: SQLite in a temp directory and the embedded redis-server on
a socket there (cache, channel layer, broker, results), DEBUG off, and a Celery worker that
must execute a task sent from another process.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.slow
def test_embedded_stack_serves_and_runs_tasks(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ementech.settings.base",
            "EMENTECH_VAR_DIR": str(tmp_path / "var"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    port = _free_port()
    log = open(tmp_path / "stack.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "start", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 480
        status = None
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "stack.log").read_text()[-3000:]
            try:
                status, _ = _get(base + "/health")
                break
            except OSError:
                time.sleep(1)
        assert status == 200, (tmp_path / "stack.log").read_text()[-3000:]
        home_status, home = _get(base + "/")
        assert home_status == 200
        assert b"AI that earns its place" in home

        sender = subprocess.run(
            [
                sys.executable, "-c",
                "import django; django.setup();"
                "from core.tasks import ping;"
                "print(ping.delay('embedded-ok').get(timeout=240)['pong'])",
            ],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert sender.returncode == 0, sender.stderr[-3000:]
        assert sender.stdout.strip().endswith("embedded-ok")
        assert (tmp_path / "var" / "db.sqlite3").exists()
        assert (tmp_path / "var" / "redis.sock").exists()
        assert not (tmp_path / "var" / "celery-broker.sqlite3").exists()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
