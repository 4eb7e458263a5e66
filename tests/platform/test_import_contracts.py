"""Issue 12, acceptance 1: the import-linter contracts in ``pyproject.toml``
(``[tool.importlinter]``) hold on the real tree, and a module that imports another app's
services directly breaks them (so the check in ``make check`` and ``.ci/run`` can fail)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.platform.source_tree import ROOT

# The packages the contracts cover, as pyproject.toml lists them.
ROOT_PACKAGES = tuple(
    tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
)


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [exe, "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _copy_tree(dest: Path) -> None:
    """The first-party packages' ``.py`` files and the contracts, as they are now."""
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    for package in ROOT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "__pycache__" in path.parts:
                continue
            target = dest / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def test_contracts_hold_on_the_tree():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Contracts: \d+ kept, 0 broken", result.stdout), result.stdout


def test_a_direct_import_of_another_apps_services_breaks_them(tmp_path):
    _copy_tree(tmp_path)
    (tmp_path / "chat" / "planted_violation.py").write_text(
        '"""Planted by the test: reaches into leads without its facade."""\n\n'
        "from leads.services import lead_capture\n\n"
        "__all__ = ['lead_capture']\n"
    )
    (tmp_path / "ementech" / "ai" / "planted_violation.py").write_text(
        '"""Planted by the test: the AI library importing an app."""\n\n'
        "from chat.facade import handoff\n\n"
        "__all__ = ['handoff']\n"
    )

    result = _lint_imports(tmp_path)

    assert result.returncode != 0, result.stdout
    assert "Apps import each other only through <app>.facade BROKEN" in result.stdout
    assert "chat.planted_violation -> leads.services" in result.stdout
    assert "The AI library (ementech.ai) imports no app BROKEN" in result.stdout
    assert "ementech.ai.planted_violation -> chat.facade" in result.stdout


def test_the_copy_without_the_plant_passes(tmp_path):
    """The copy itself is sound: what breaks the contracts above is the plant alone."""
    _copy_tree(tmp_path)
    result = _lint_imports(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_first_party_app_is_under_the_contracts():
    """A new app in INSTALLED_APPS is checked too (else its imports would go unseen)."""
    from django.conf import settings

    first_party = {
        name.split(".")[0]
        for name in settings.INSTALLED_APPS
        if (ROOT / name.split(".")[0] / "__init__.py").is_file()
    }
    assert first_party, settings.INSTALLED_APPS
    assert first_party <= set(ROOT_PACKAGES), first_party - set(ROOT_PACKAGES)
