"""The first-party source tree as the platform tests read it: every ``.py`` file of the
project outside migrations, the virtualenv, tests and benchmarks."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {
    ".venv",
    "venv",
    ".git",
    "tests",
    "bench",
    "migrations",
    "node_modules",
    "var",
    "static",
    "templates",
    "docs",
    "__pycache__",
}


def first_party_files(root: Path = ROOT) -> Iterator[Path]:
    """Every first-party ``.py`` file below ``root`` (sorted, skipping ``SKIPPED_DIRS``)."""
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts[:-1]):
            continue
        yield path


def relative(path: Path, root: Path = ROOT) -> str:
    return str(path.relative_to(root))


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
