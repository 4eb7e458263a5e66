"""Back-office helpers: the lead's predictions panel (``ai_data["predicted"]``)."""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html, format_html_join


def lead_predictions(obj: Any) -> str:
    """The values the models wrote on the lead, each with where it came from."""
    predicted = (getattr(obj, "ai_data", None) or {}).get("predicted") or {}
    if not predicted:
        return "No prediction yet: no model has been trained or none is active."
    rows = [
        (name.replace("_", " "), json.dumps(e.get("value")), e.get("source", ""), e.get("at", ""))
        for name, e in sorted(predicted.items())
    ]
    return format_html(
        '<table class="bo-predictions"><thead><tr><th>Value</th><th>Prediction</th>'
        "<th>Source</th><th>At</th></tr></thead><tbody>{}</tbody></table>",
        format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
    )


lead_predictions.short_description = "Predictions"  # type: ignore[attr-defined]
