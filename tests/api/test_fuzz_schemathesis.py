"""Schemathesis over every operation of ``/api/schema`` against the live ASGI app.

The app runs under uvicorn (service mode: this test database and Redis) on a free port;
schemathesis sends seeded, generated requests (examples, schema-coverage and fuzzing
phases) with a staff token so staff operations are reached too, and checks that nothing
answers 5xx, every response conforms to its documented schema, and every status code is
documented. Any finding fails the test, and so CI. The seed makes a failure reproducible:
rerun with the same ``SCHEMATHESIS_SEED``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Logs go outside var/: var/ holds only declared stores (tests/privacy/test_file_stores.py).
LOG_DIR = Path(tempfile.gettempdir()) / "ementech-fuzz"
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "20261203"))
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer")


@pytest.fixture
def live_asgi(transactional_db):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("the fuzzer runs in service mode (DATABASE_URL on PostgreSQL, REDIS_URL)")
    settings_dict = connection.settings_dict
    database_url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
        **{k: settings_dict.get(k) or "" for k in ("USER", "HOST", "PORT", "NAME")}
    )
    if settings_dict.get("PASSWORD"):
        database_url = database_url.replace(
            f"{settings_dict['USER']}@", f"{settings_dict['USER']}:{settings_dict['PASSWORD']}@"
        )
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "ementech.settings.test",
        "PYTHONPATH": str(ROOT),
        # Generous limits so the fuzzer reaches the logic behind them (the limiter itself
        # is tested elsewhere; a 429 it does meet is documented and so conforms).
        **{
            "RATE_LIMIT_" + scope.upper().replace("-", "_").replace(".", "_"): "100000/m"
            for scope in django_settings.RATE_LIMITS
        },
    }
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = open(LOG_DIR / "fuzz-uvicorn.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "ementech.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--lifespan", "off", "--no-access-log"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/api/schema", proc)
        # The first search loads the embedding model; load it before the clock starts.
        _wait_for(base + "/api/search?q=warm-up", proc, timeout=300)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.mark.slow
def test_schemathesis_finds_nothing(live_asgi, superuser, tmp_path):
    from rest_framework.authtoken.models import Token

    st = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")
    assert st, "schemathesis is a test dependency (pip install -e '.[test]')"
    token, _ = Token.objects.get_or_create(user=superuser)
    command = [
        st, "run", f"{live_asgi}/api/schema",
        "--checks", CHECKS,
        "--header", f"Authorization: Token {token.key}",
        "--seed", str(SEED),
        "--max-examples", str(MAX_EXAMPLES),
        "--phases", "examples,coverage,fuzzing",
        "--workers", "1",
        "--request-timeout", "30",
        "--suppress-health-check", "all",
        "--no-color",
    ]  # fmt: skip
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=900, check=False
    )
    output = result.stdout + result.stderr
    (LOG_DIR / "schemathesis.log").write_text(output)
    generated = re.search(r"(\d+) generated", output)
    print(
        f"schemathesis: {generated.group(1) if generated else '?'} cases generated, "
        f"seed {SEED}, {time.monotonic() - started:.0f} s"
    )
    operations = re.search(r"Tested: (\d+)", output)
    assert operations and int(operations.group(1)) > 30, output[-3000:]
    assert result.returncode == 0, output[-8000:]
