#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ementech.settings.base")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    try:
        embedded = settings.EMBEDDED_REDIS
    except Exception:  # noqa: BLE001 - broken settings are reported by the command itself
        embedded = False
    if embedded:
        # Embedded mode: start the bundled redis-server on var/redis.sock unless one answers
        # there already; it stops when this command exits (``start`` keeps it for the web,
        # worker and beat processes it runs).
        from ementech import embedded_redis

        embedded_redis.start(settings.VAR_DIR)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
