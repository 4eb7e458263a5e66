"""The site's own pages: home, standard pages and the contact form page, with the SEO
fields every page shares.
"""

from __future__ import annotations

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
from wagtail.fields import StreamField
from wagtail.models import Page

from content.blocks import BodyBlock
from core.pages import SeoMixin


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

    def get_context(self, request, *args, **kwargs):
        from content.selectors import for_you_block

        context = super().get_context(request, *args, **kwargs)
        context["for_you"] = for_you_block(request=request)
        return context


class StandardPage(SeoMixin, Page):  # noqa: DJ008 - Page defines __str__
    """A plain page: about, privacy policy, terms."""

    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    class Meta:
        verbose_name = "standard page"


# --- Contact ------------------------------------------------------------------------------


class ContactFormField(AbstractFormField):
    """A field of the contact form, edited by marketers in the CMS."""

    page = ParentalKey("ContactPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactPage(SeoMixin, AbstractForm):  # noqa: DJ008 - Page defines __str__
    """The contact page: a Wagtail form whose submissions become leads (with the consent
    ledger) instead of stored form submissions, and notify sales. Fields named ``email``,
    ``name``, ``company``, ``phone``, ``role``, ``company_size`` and ``message`` map onto the
    lead; ``topic`` = "demo" marks a demo request; ``consent`` (required) and ``marketing``
    checkboxes are recorded with their wording."""

    intro = models.TextField(blank=True)
    thank_you_text = models.TextField(
        blank=True, default="Thank you — we will reply within one working day."
    )
    consent_wording = models.TextField(
        default="I agree that EmenTech may store these details to answer my request, as "
        "described in the privacy policy."
    )

    content_panels = [
        *AbstractForm.content_panels,
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("consent_wording"),
        FieldPanel("thank_you_text"),
    ]
    parent_page_types = ["content.HomePage"]
    max_count = 1

    class Meta:
        verbose_name = "contact page"

    def serve(self, request, *args, **kwargs):
        from content.contact import serve_contact

        return serve_contact(self, request, *args, **kwargs)
