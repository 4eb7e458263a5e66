"""Signal receivers: they only enqueue (after commit) the ingestion task for what changed.

Publishing, unpublishing, moving or deleting a page and saving or deleting an FAQ or a
catalogue item all go through ``content.tasks.ingest_source``, which works out whether the
source belongs in the index.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.queue import enqueue


def _enqueue(source_key: str) -> None:
    from content.tasks import ingest_source

    enqueue(ingest_source, source_key)


def on_page_changed(sender, instance, **kwargs) -> None:
    _enqueue(f"page:{instance.pk}")


def on_page_deleted(sender, instance, **kwargs) -> None:
    from content.services import indexable_page_models

    if isinstance(instance, indexable_page_models()):
        _enqueue(f"page:{instance.pk}")


def on_page_moved(sender, instance, **kwargs) -> None:
    _enqueue(f"page:{instance.pk}")


def on_faq_changed(sender, instance, **kwargs) -> None:
    _enqueue(f"faq:{instance.pk}")


def on_catalogue_changed(sender, instance, **kwargs) -> None:
    _enqueue(f"catalogue:{instance.pk}")


def connect() -> None:
    from content.models import FAQ, ServiceCatalogueItem
    from content.services import indexable_page_models

    page_published.connect(on_page_changed, dispatch_uid="content-kb-published")
    page_unpublished.connect(on_page_changed, dispatch_uid="content-kb-unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid="content-kb-moved")
    for model in indexable_page_models():
        post_delete.connect(on_page_deleted, sender=model, dispatch_uid=f"content-kb-del-{model}")
    for model, receiver in ((FAQ, on_faq_changed), (ServiceCatalogueItem, on_catalogue_changed)):
        post_save.connect(receiver, sender=model, dispatch_uid=f"content-kb-save-{model}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"content-kb-del-{model}")
