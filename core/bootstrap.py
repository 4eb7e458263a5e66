"""The rows the project cannot run without, restored after a database flush.

Wagtail creates its root page, default locale and root collection in data migrations. A
``flush`` (ops resetting a database, or the test runner after a transactional test) empties
them but only re-sends ``post_migrate``; this puts them back, idempotently.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType


def wagtail_tree_ensure() -> None:
    from wagtail.models import Collection, Locale, Page

    if not Locale.objects.exists():
        Locale.objects.create(language_code=settings.LANGUAGE_CODE)
    if not Page.objects.filter(depth=1).exists():
        Page.objects.create(
            title="Root",
            slug="root",
            content_type=ContentType.objects.get_for_model(Page),
            path="0001",
            depth=1,
            numchild=0,
            url_path="/",
            locale=Locale.objects.first(),
        )
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
