"""Rendering of a subject-access export: one JSON document, or a zip of one CSV per model."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

FORMATS = ("json", "csv")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
README = (
    "Everything EmenTech holds about you, one file per kind of record.\n"
    "Files are named after the internal record type (for example leads.Lead is your profile,\n"
    "analytics.Interaction the pages you viewed, leads.ConsentRecord your consent history).\n"
    "Questions: reply to the email that brought you here.\n"
)


def export_document(data: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "format": "ementech-personal-data/1",
        "generated_at": timezone.now().isoformat(),
        "counts": {label: len(rows) for label, rows in data.items()},
        "data": data,
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in FORMULA_PREFIXES:
        # Keep spreadsheets from running formulas a visitor typed into a form.
        return "'" + value
    return str(value)


def export_render(data: dict[str, list[dict[str, Any]]], fmt: str) -> tuple[bytes, str, str]:
    """``(body, content type, file extension)`` of the export in ``fmt`` (json or csv)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    document = export_document(data)
    if fmt == "json":
        body = json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        return body.encode(), "application/json", "json"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README + f"Generated at {document['generated_at']}\n")
        for label, rows in data.items():
            columns: list[str] = []
            for row in rows:
                columns.extend(k for k in row if k not in columns)
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row.get(c)) for c in columns])
            archive.writestr(f"{label}.csv", out.getvalue())
    return buffer.getvalue(), "application/zip", "zip"
