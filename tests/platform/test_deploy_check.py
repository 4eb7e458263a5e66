"""Production configuration: ``check --deploy`` is clean; no SECRET_KEY refuses to start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(
    args: list[str], extra_env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess:
    unset = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
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
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_secret_key_fails_clearly(tmp_path):
    result = _manage(["check"], {"DEBUG": "0", "ALLOWED_HOSTS": "engage.example.com"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
