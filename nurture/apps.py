"""App config for nurture."""

from django.apps import AppConfig


class NurtureConfig(AppConfig):
    name = "nurture"
    verbose_name = "Nurture"
