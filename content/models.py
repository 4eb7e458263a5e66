"""Wagtail page types the marketers edit in ``/cms/``."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from content.blocks import BodyBlock


class SeoMixin(models.Model):
    """Search-engine fields shared by every page type."""

    seo_description = models.CharField(
        max_length=300, blank=True, help_text="Shown in search results; 150–160 characters."
    )

    promote_panels = [*Page.promote_panels, FieldPanel("seo_description")]

    class Meta:
        abstract = True


class HomePage(SeoMixin, Page):  # noqa: DJ008 - Page defines __str__
    hero_title = models.CharField(max_length=160)
    hero_text = models.TextField(blank=True)
    hero_cta_label = models.CharField(max_length=60, blank=True)
    hero_cta_url = models.CharField(max_length=300, blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("hero_cta_label"),
        FieldPanel("hero_cta_url"),
        FieldPanel("body"),
    ]
    max_count = 1

    class Meta:
        verbose_name = "home page"


class StandardPage(SeoMixin, Page):  # noqa: DJ008 - Page defines __str__
    """A plain page: about, privacy policy, terms."""

    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    class Meta:
        verbose_name = "standard page"
