"""What every Wagtail page type shares, whichever app defines it (content's pages, the
events' pages): the search-engine fields and their panel."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class SeoMixin(models.Model):
    """Search-engine fields shared by every page type."""

    seo_description = models.CharField(
        max_length=300, blank=True, help_text="Shown in search results; 150–160 characters."
    )

    promote_panels = [*Page.promote_panels, FieldPanel("seo_description")]

    class Meta:
        abstract = True
