"""``manage.py start``: migrate, collect static files, load the demo content, then serve.

``make run``'s entry point. The preparation steps run as child processes: this process
stays alive as the supervisor of web, worker and beat, and would otherwise keep for
hours everything the demo load imported (issue 20: 246 MiB resident). On the first start
(no synthetic history yet) the demo load also generates the synthetic year and trains the
models on it in that child (``load_demo --history-if-missing --train``).
"""

import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(settings.BASE_DIR / "manage.py"), *args], check=True)


class Command(BaseCommand):
    help = "Migrate, load demo content (idempotent) and serve web + worker + beat."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=None)
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--no-demo", action="store_true", help="Skip loading demo content.")

    def handle(self, *args, host: str | None, port: int | None, no_demo: bool, **options) -> None:
        _manage("migrate", "--no-input", "--verbosity", "0")
        self.stdout.write("database migrated")
        # Compressed, content-hashed static files (whitenoise serves them with far-future
        # cache headers); the manifest must exist before the first page renders.
        _manage("collectstatic", "--no-input", "--verbosity", "0")
        self.stdout.write("static files collected")
        if not no_demo:
            # The SYNTHETIC history and the models trained on it, on the first start only
            # (a database without history); later starts only refresh the demo content.
            _manage("load_demo", "--history-if-missing", "--train")
        serve_options = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
        call_command("serve", **serve_options)
