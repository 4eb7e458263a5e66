"""System checks: ``manage.py check`` warns about personal data the registry does not cover."""

from __future__ import annotations

from django.core import checks


@checks.register("privacy")
def registry_covers_models(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from privacy.registry import declaration_problems, uncovered_models

    found: list[checks.CheckMessage] = []
    for label, reasons in sorted(uncovered_models().items()):
        found.append(
            checks.Warning(
                f"{label} looks like it holds personal data ({', '.join(reasons)}) but is not "
                "in privacy.registry.REGISTRY or NON_PERSONAL.",
                hint="Declare how to find, export and erase its rows in privacy/registry/tables.py",
                id="privacy.W001",
            )
        )
    for problem in declaration_problems():
        found.append(checks.Warning(problem, id="privacy.W002"))
    return found
