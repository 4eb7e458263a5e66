"""Production configuration: ``check --deploy`` is clean; no SECRET_KEY refuses to start.

The embedded mode (no DATABASE_URL) generates its key once into ``var/`` instead.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(
    args: list[str], extra_env: dict[str, str], tmp_path: Path, unset: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    unset = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", *unset}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "ementech.settings.base", "EMENTECH_VAR_DIR": str(tmp_path)}
    )
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_for_production(tmp_path):
    result = _manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "DEBUG": "0",
            "SECRET_KEY": "k7Gq2-Zp9xW4mR8tV1yB6nC3sD5fH0jL-aQeUiOoPlKjHgFdSaZxCvBnM-test",
            "ALLOWED_HOSTS": "engage.example.com",
            "SITE_URL": "https://engage.example.com",
            "DATABASE_URL": "postgres://engage@db.invalid:5432/engage",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_secret_key_fails_clearly(tmp_path):
    """Service mode (a DATABASE_URL) must be given its key: nodes have to share one."""
    result = _manage(
        ["check"],
        {
            "DEBUG": "0",
            "ALLOWED_HOSTS": "engage.example.com",
            "DATABASE_URL": "postgres://engage@db.invalid:5432/engage",
        },
        tmp_path,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_embedded_mode_generates_its_secret_key_once(tmp_path):
    args = ["shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"]
    embedded = ("DATABASE_URL", "REDIS_URL")
    first = _manage(args, {"DEBUG": "0"}, tmp_path, unset=embedded)
    assert first.returncode == 0, first.stderr
    second = _manage(args, {"DEBUG": "0"}, tmp_path, unset=embedded)
    key = (tmp_path / "secret_key").read_text().strip()
    assert len(key) >= 50
    assert first.stdout.strip().endswith(key)
    assert second.stdout.strip().endswith(key)
