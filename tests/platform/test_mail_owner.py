"""Only the mail app sends email (issue 12): no first-party module outside ``mail/`` uses
Django's sending API (``send_mail``, ``EmailMessage``, ``EmailMultiAlternatives``,
``get_connection``, ...). Everything else calls ``mail.facade``, so every email is a row,
is sent by the worker, never inside a request, and is tracked and erasable.

The check also runs on a small planted tree, so a check that cannot fail fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.platform.source_tree import ROOT, first_party_files, parsed, relative

SENDING_API = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
    "get_connection",
}
OWNER = "mail"


def _imports_mail(node: ast.AST) -> bool:
    if isinstance(node, ast.Import):
        return any(alias.name.startswith("django.core.mail") for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        module = node.module or ""
        return module.startswith("django.core.mail") or (
            module == "django.core" and any(alias.name == "mail" for alias in node.names)
        )
    return False


def mail_api_uses(root: Path = ROOT) -> list[str]:
    found = []
    for path in first_party_files(root):
        if path.relative_to(root).parts[0] == OWNER:
            continue
        tree = parsed(path) if root == ROOT else ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            where = f"{relative(path, root)}:{getattr(node, 'lineno', 0)}"
            if _imports_mail(node):
                found.append(f"{where} imports django.core.mail")
            elif isinstance(node, ast.Attribute) and node.attr in SENDING_API:
                found.append(f"{where} uses .{node.attr}")
    return sorted(found)


def test_only_the_mail_app_uses_the_sending_api():
    assert mail_api_uses() == []


PLANTED = {
    "mail/services.py": "from django.core.mail import EmailMultiAlternatives\n",
    "events/emails.py": (
        "from django.core import mail\n"
        "from django.core.mail import send_mail\n"
        "\n"
        "def notify():\n"
        "    mail.EmailMessage('s', 'b', to=['a@example.com']).send()\n"
    ),
    "privacy/links.py": "import django.core.mail.message\n",
    "chat/ok.py": "from mail.facade import queue_email\n",
}


def test_the_check_finds_planted_senders(tmp_path: Path):
    for name, text in PLANTED.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert mail_api_uses(tmp_path) == [
        "events/emails.py:1 imports django.core.mail",
        "events/emails.py:2 imports django.core.mail",
        "events/emails.py:5 uses .EmailMessage",
        "privacy/links.py:1 imports django.core.mail",
    ]
