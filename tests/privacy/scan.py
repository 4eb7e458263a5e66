"""Test helper: search every table of the database for strings (raw SQL, every column).

Independent of the registry on purpose: it reads what is really stored, table by table,
including tables no model of ours declares (M2M, Wagtail, Django's own).
"""

from __future__ import annotations

from django.db import connection


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def database_matches(needles: list[str]) -> list[tuple[str, str, str]]:
    """``(table, column, value excerpt)`` for every stored value containing a needle."""
    wanted = [n.lower() for n in needles if n]
    hits: list[tuple[str, str, str]] = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - table names from introspection
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = _as_text(value).lower()
                    for needle in wanted:
                        if needle in text:
                            hits.append((table, column, text[:120]))
    return hits
