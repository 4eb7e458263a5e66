"""Taxonomy: industries, difficulty and company-size choices, and the topic, FAQ and
service-catalogue snippets.
"""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField
from wagtail.search import index
from wagtail.snippets.models import register_snippet

# --- Taxonomy -----------------------------------------------------------------------------


class Industry(models.TextChoices):
    GENERAL = "general", "All industries"
    FINTECH = "fintech", "Financial services"
    LOGISTICS = "logistics", "Logistics"
    HEALTHCARE = "healthcare", "Healthcare"
    RETAIL = "retail", "Retail and e-commerce"
    INSURANCE = "insurance", "Insurance"
    MANUFACTURING = "manufacturing", "Manufacturing"
    AGRICULTURE = "agriculture", "Agriculture"


class Difficulty(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class CompanySize(models.TextChoices):
    S1 = "1-10", "1–10"
    S11 = "11-50", "11–50"
    S51 = "51-200", "51–200"
    S201 = "201-500", "201–500"
    S500 = "500+", "500+"


@register_snippet
class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@register_snippet
class FAQ(index.Indexed, models.Model):
    """A question and answer; shown on service pages and indexed for search and chat."""

    question = models.CharField(max_length=250)
    answer = RichTextField(features=["bold", "italic", "link", "ol", "ul"])
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL)
    sort_order = models.PositiveIntegerField(default=0)
    live = models.BooleanField(default=True, help_text="Unticked FAQs are hidden and unindexed.")

    panels = [
        FieldPanel("question"),
        FieldPanel("answer"),
        FieldPanel("topic"),
        FieldRowPanel([FieldPanel("sort_order"), FieldPanel("live")]),
    ]
    search_fields = [index.SearchField("question"), index.SearchField("answer")]

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"

    def __str__(self) -> str:
        return self.question


@register_snippet
class ServiceCatalogueItem(models.Model):
    """One line of the services catalogue: what it is, what it costs, how long it takes."""

    name = models.CharField(max_length=120)
    summary = models.TextField()
    price_from = models.PositiveIntegerField(help_text="USD")
    price_to = models.PositiveIntegerField(help_text="USD")
    duration = models.CharField(max_length=60, help_text="e.g. 6–10 weeks")
    service_page = models.ForeignKey(
        "content.ServicePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sort_order = models.PositiveIntegerField(default=0)
    live = models.BooleanField(default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("price_from"), FieldPanel("price_to")]),
        FieldPanel("duration"),
        FieldPanel("service_page"),
        FieldRowPanel([FieldPanel("sort_order"), FieldPanel("live")]),
    ]

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = "service catalogue item"

    def __str__(self) -> str:
        return self.name
