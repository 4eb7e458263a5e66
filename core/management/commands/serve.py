"""``manage.py serve``: the embedded stack in one command (what ``make run`` starts).

Runs the ASGI server (uvicorn: HTTP + WebSocket), a Celery worker and Celery beat as child
processes, and stops them all when one exits or on Ctrl-C. In embedded mode they all talk
to the Redis server ``manage.py`` started on the socket under ``var/`` (see
``ementech.embedded_redis``), so an event raised in the worker reaches the dashboard socket
served by uvicorn exactly as in service mode. The children get ``HOST`` and ``PORT`` so the
settings derive ``SITE_URL`` (links in emails) from the address actually served.

In service mode run the three separately (``make web``, ``make worker``, ``make beat``) so
each scales on its own.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


def web_command(host: str, port: int, workers: int = 1, log_level: str = "warning") -> list[str]:
    """The uvicorn command line every entry point runs (``make web``, ``serve``, Docker).

    Forwarded headers are honoured only from ``FORWARDED_ALLOW_IPS`` (the proxies' own
    addresses); by default the socket's peer is the client, so a forged ``X-Forwarded-For``
    never changes the address the rate limiter sees. Frames above ``WS_MAX_FRAME_BYTES``
    (hard cap) are refused by the protocol layer before anything reads them.
    """
    proxies = settings.FORWARDED_ALLOW_IPS
    proxy = ["--no-proxy-headers"]
    if proxies:
        proxy = ["--proxy-headers", "--forwarded-allow-ips", proxies]
    return [
        sys.executable, "-m", "uvicorn", "ementech.asgi:application",
        "--host", host, "--port", str(port), "--workers", str(workers),
        "--lifespan", "off", "--no-server-header", "--log-level", log_level,
        "--ws-max-size", str(settings.WS_MAX_FRAME_BYTES), *proxy,
    ]  # fmt: skip


def worker_command(concurrency: int = 2) -> list[str]:
    # One task at a time runs in the worker process itself (solo pool): a prefork parent
    # would hold a second copy of Django (~200 MiB) only to supervise its one child.
    pool = ["--pool", "solo"] if concurrency == 1 else ["--concurrency", str(concurrency)]
    return [
        sys.executable, "-m", "celery", "-A", "ementech", "worker", "--loglevel", "INFO", *pool,
    ]  # fmt: skip


def beat_command() -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "ementech", "beat", "--loglevel", "INFO",
        "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME,
    ]  # fmt: skip


class Command(BaseCommand):
    help = "Serve the site with a background Celery worker and beat (embedded default)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-worker", action="store_true", help="Web only.")

    def handle(self, *args, host: str, port: int, no_worker: bool, **options) -> None:
        commands = {"web": web_command(host, port)}
        if not no_worker:
            # SQLite has one writer at a time and the knowledge ingestion holds a write
            # transaction while it embeds: one worker process at a time there.
            sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
            commands["worker"] = worker_command(concurrency=1 if sqlite else 2)
            commands["beat"] = beat_command()
        from ementech import embedded_redis

        embedded_redis.ensure_for_settings()
        child_env = {**os.environ, "HOST": host, "PORT": str(port)}
        self.stdout.write(f"EmenTech Engage at http://{host}:{port}/  (Ctrl-C to stop)")
        self.stdout.flush()
        # This process becomes the lean supervisor (core/supervise.py, run by path: no
        # Django), which starts the three, stops them together and then the embedded Redis.
        spec = {
            "commands": commands,
            "env": child_env,
            "after": [proc.pid for proc in embedded_redis.STARTED if proc.poll() is None],
        }
        script = str(Path(__file__).resolve().parents[2] / "supervise.py")
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, script, json.dumps(spec)])  # noqa: S606
