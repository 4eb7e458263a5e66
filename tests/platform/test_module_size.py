"""No first-party module outside migrations is over 500 lines (issue 12, acceptance 3): a
module that grows past that becomes a package along its own banners."""

from __future__ import annotations

from pathlib import Path

from tests.platform.source_tree import ROOT, first_party_files, relative

MAX_LINES = 500


def oversized(root: Path = ROOT, limit: int = MAX_LINES) -> list[str]:
    found = []
    for path in first_party_files(root):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{relative(path, root)}: {lines} lines")
    return found


def test_no_first_party_module_is_over_500_lines():
    too_long = oversized()
    assert not too_long, f"modules over {MAX_LINES} lines (split them):\n  " + "\n  ".join(too_long)


def test_the_rule_sees_a_long_module_and_skips_migrations_tests_and_bench(tmp_path):
    long_text = "x = 1\n" * (MAX_LINES + 1)
    for name in ("app/big.py", "app/migrations/0001_initial.py", "tests/t.py", "bench/b.py"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(long_text)
    (tmp_path / "app/small.py").write_text("x = 1\n" * MAX_LINES)
    assert oversized(tmp_path) == [f"app/big.py: {MAX_LINES + 1} lines"]
