"""WSGI entry point (HTTP only); the ASGI app in ``asgi.py`` is what we serve."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ementech.settings.base")
application = get_wsgi_application()
