"""EmenTech Engage project package: settings, URLs, ASGI/WSGI entry points, Celery app."""

from .celery import app as celery_app

__all__ = ("celery_app",)
