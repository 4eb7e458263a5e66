"""``manage.py web``: the service-mode ASGI server alone (what ``make web`` and Docker run).

It replaces itself with the uvicorn command built by ``serve.web_command``, so the proxy
header policy (``FORWARDED_ALLOW_IPS``) and frame cap are the same everywhere.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand

from core.management.commands.serve import web_command


class Command(BaseCommand):
    help = "Run the ASGI server (uvicorn) with the project's proxy and frame settings."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
        parser.add_argument("--log-level", default="info")

    def handle(self, *args, host: str, port: int, workers: int, log_level: str, **opts) -> None:
        command = web_command(host, port, workers, log_level=log_level)
        os.execv(command[0], command)  # noqa: S606 - argv list, no shell
