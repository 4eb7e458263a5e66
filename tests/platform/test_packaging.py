"""The installable package list and the image take the whole tree minus tests and bench:
every first-party app (a directory with ``apps.py``) and every other package is shipped."""

from __future__ import annotations

import tomllib

from setuptools import find_packages

from tests.platform.source_tree import ROOT

LEFT_OUT = {"tests", "bench"}


def _packaged() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    find = config["tool"]["setuptools"]["packages"]["find"]
    return set(find_packages(str(ROOT), include=find["include"], exclude=find["exclude"]))


def _first_party_packages() -> set[str]:
    """Every directory with an ``__init__.py`` below a top-level package, outside
    ``LEFT_OUT``, as a dotted name."""
    found = set()
    for init in ROOT.rglob("__init__.py"):
        parts = init.parent.relative_to(ROOT).parts
        if not parts or parts[0] in LEFT_OUT or parts[0].startswith("."):
            continue
        if any(p.startswith(".") or p == "__pycache__" for p in parts):
            continue
        if all(
            (ROOT.joinpath(*parts[: n + 1]) / "__init__.py").exists() for n in range(len(parts))
        ):
            found.add(".".join(parts))
    return found


def test_every_app_is_a_package_of_the_distribution():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert {"scoring", "mail", "nurture", "tools", "core", "experiments", "integrations"} <= apps
    missing = sorted(apps - _packaged())
    assert not missing, f"apps left out of pyproject's package list: {missing}"


def test_package_list_is_the_whole_tree_minus_tests_and_bench():
    packaged = _packaged()
    expected = _first_party_packages()
    assert {"ementech", "predictions", "integrations.hubspot"} <= expected
    assert not sorted(expected - packaged), f"not packaged: {sorted(expected - packaged)}"
    stray = sorted(p for p in packaged if p.split(".")[0] in LEFT_OUT)
    assert not stray, f"packaged but development-only: {stray}"


def test_image_copies_the_tree_minus_tests_and_bench():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY . ." in dockerfile and "pip install ." in dockerfile
    ignored = {
        line.strip().strip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert ignored >= LEFT_OUT
    top_level = {name.split(".")[0] for name in _first_party_packages()}
    assert not sorted(top_level & ignored), f"packages the image leaves out: {top_level & ignored}"
