"""Content pages: services, case studies, blog posts and gated resources, with their index
pages and tags.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from content.blocks import BodyBlock, ResultBlock
from content.models.site import SeoMixin
from content.models.taxonomy import CompanySize, Difficulty, Industry, Topic

# --- Content pages --------------------------------------------------------------------------


class ContentPage(SeoMixin, Page):  # noqa: DJ008 - Page defines __str__
    """Fields every piece of marketing content has (abstract)."""

    summary = models.TextField(
        blank=True, help_text="One or two sentences; used on cards and as the excerpt."
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topics = ParentalManyToManyField(Topic, blank=True, related_name="%(class)s_pages")
    industry = models.CharField(max_length=30, choices=Industry.choices, default=Industry.GENERAL)
    difficulty = models.CharField(
        max_length=20, choices=Difficulty.choices, default=Difficulty.BEGINNER
    )
    seo_keywords = models.CharField(max_length=250, blank=True, help_text="Comma-separated.")
    body = StreamField(BodyBlock(), blank=True)

    # The kind shown on cards and used as the ``type`` filter of the content API.
    content_kind = "page"

    taxonomy_panels = [
        MultiFieldPanel(
            [
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
                FieldRowPanel([FieldPanel("industry"), FieldPanel("difficulty")]),
            ],
            heading="Topics, tags and audience",
        )
    ]
    promote_panels = [*SeoMixin.promote_panels, FieldPanel("seo_keywords")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("industry"),
        index.FilterField("difficulty"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("industry"),
        APIField("difficulty"),
        APIField("body"),
    ]

    class Meta:
        abstract = True

    @property
    def reading_minutes(self) -> int:
        from content.text import page_plain_text

        words = len(page_plain_text(self).split())
        return max(1, round(words / 220))


class ServiceIndexPage(SeoMixin, Page):  # noqa: DJ008
    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    subpage_types = ["content.ServicePage"]
    max_count = 1

    class Meta:
        verbose_name = "service index page"

    def get_context(self, request, *args, **kwargs):
        from content.selectors import catalogue_items

        context = super().get_context(request, *args, **kwargs)
        context["services"] = ServicePage.objects.child_of(self).live().specific()
        context["catalogue"] = catalogue_items()
        return context


class ServicePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.ServicePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ServicePage(ContentPage):  # noqa: DJ008
    content_kind = "service"

    price_from = models.PositiveIntegerField(
        null=True, blank=True, help_text="USD, lower end of a typical engagement."
    )
    price_to = models.PositiveIntegerField(null=True, blank=True, help_text="USD, upper end.")
    duration = models.CharField(max_length=60, blank=True, help_text="e.g. 6–10 weeks")
    outcomes = models.TextField(blank=True, help_text="One outcome per line.")
    tags = ClusterTaggableManager(through=ServicePageTag, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("price_from"), FieldPanel("price_to")]),
                FieldPanel("duration"),
                FieldPanel("outcomes"),
            ],
            heading="Pricing and duration",
        ),
        FieldPanel("body"),
        *ContentPage.taxonomy_panels,
    ]
    parent_page_types = ["content.ServiceIndexPage"]
    subpage_types: list[str] = []
    api_fields = [*ContentPage.api_fields, APIField("price_from"), APIField("price_to")]

    class Meta:
        verbose_name = "service page"

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        from content.selectors import faqs_for_page, related_pages

        context = super().get_context(request, *args, **kwargs)
        context["faqs"] = faqs_for_page(self)
        context["related"] = related_pages(self)
        return context


class CaseStudyIndexPage(SeoMixin, Page):  # noqa: DJ008
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["content.CaseStudyPage"]
    max_count = 1

    class Meta:
        verbose_name = "case study index page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        studies = CaseStudyPage.objects.child_of(self).live().specific()
        industry = request.GET.get("industry", "")
        if industry in Industry.values:
            studies = studies.filter(industry=industry)
        context["studies"] = studies
        context["industries"] = Industry.choices
        context["current_industry"] = industry
        return context


class CaseStudyPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.CaseStudyPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class CaseStudyPage(ContentPage):  # noqa: DJ008
    content_kind = "case_study"

    client_name = models.CharField(
        max_length=120, help_text="As the client agreed to be named (may be anonymised)."
    )
    company_size = models.CharField(max_length=10, choices=CompanySize.choices, blank=True)
    challenge = models.TextField(blank=True)
    results = StreamField(
        [("result", ResultBlock())], blank=True, help_text="Headline numbers, e.g. 94% / fraud"
    )
    tags = ClusterTaggableManager(through=CaseStudyPageTag, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [FieldPanel("client_name"), FieldPanel("company_size"), FieldPanel("challenge")],
            heading="Client",
        ),
        FieldPanel("results"),
        FieldPanel("body"),
        *ContentPage.taxonomy_panels,
    ]
    parent_page_types = ["content.CaseStudyIndexPage"]
    subpage_types: list[str] = []
    api_fields = [*ContentPage.api_fields, APIField("client_name"), APIField("company_size")]

    class Meta:
        verbose_name = "case study"
        verbose_name_plural = "case studies"

    def get_context(self, request, *args, **kwargs):
        from content.selectors import related_pages

        context = super().get_context(request, *args, **kwargs)
        context["related"] = related_pages(self)
        return context


class BlogIndexPage(SeoMixin, Page):  # noqa: DJ008
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["content.BlogPage"]
    max_count = 1

    class Meta:
        verbose_name = "blog index page"

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        posts = BlogPage.objects.child_of(self).live().specific().order_by("-date", "-id")
        topic = request.GET.get("topic", "")
        if topic:
            posts = posts.filter(topics__slug=topic)
        context["posts"] = Paginator(posts, 12).get_page(request.GET.get("page"))
        context["topics"] = Topic.objects.filter(blogpage_pages__live=True).distinct()
        context["current_topic"] = topic
        return context


class BlogPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.BlogPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class BlogPage(ContentPage):  # noqa: DJ008
    content_kind = "blog"

    date = models.DateField("post date")
    author = models.CharField(max_length=120, blank=True)
    tags = ClusterTaggableManager(through=BlogPageTag, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("author")]),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
        *ContentPage.taxonomy_panels,
    ]
    parent_page_types = ["content.BlogIndexPage"]
    subpage_types: list[str] = []
    api_fields = [*ContentPage.api_fields, APIField("date"), APIField("author")]

    class Meta:
        verbose_name = "blog post"

    def get_context(self, request, *args, **kwargs):
        from content.selectors import related_pages

        context = super().get_context(request, *args, **kwargs)
        context["related"] = related_pages(self)
        return context


class ResourceIndexPage(SeoMixin, Page):  # noqa: DJ008
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["content.ResourcePage"]
    max_count = 1

    class Meta:
        verbose_name = "resource index page"

    def get_context(self, request, *args, **kwargs):
        from content.selectors import for_you_block

        context = super().get_context(request, *args, **kwargs)
        resources = ResourcePage.objects.child_of(self).live().specific()
        kind = request.GET.get("type", "")
        if kind in ResourceType.values:
            resources = resources.filter(resource_type=kind)
        context["resources"] = resources
        context["resource_types"] = ResourceType.choices
        context["current_type"] = kind
        context["for_you"] = for_you_block(request=request)
        return context


class ResourceType(models.TextChoices):
    GUIDE = "guide", "Guide"
    REPORT = "report", "Report"
    CHECKLIST = "checklist", "Checklist"
    WHITEPAPER = "whitepaper", "Whitepaper"


# Lead fields a gated resource may require (names of ``leads.Lead`` fields).
GATE_FIELD_CHOICES = [
    ("email", "Email"),
    ("name", "Name"),
    ("company", "Company"),
    ("role", "Job title"),
    ("company_size", "Company size"),
    ("industry", "Industry"),
    ("phone", "Phone"),
]


class ResourcePageForm(WagtailAdminPageForm):
    required_fields = forms.MultipleChoiceField(
        choices=GATE_FIELD_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="What a visitor must have given before the download is released. "
        "Email is always required for gated resources.",
    )

    def clean(self):
        cleaned = super().clean()
        fields = list(cleaned.get("required_fields") or [])
        if cleaned.get("is_gated") and "email" not in fields:
            fields.insert(0, "email")
        cleaned["required_fields"] = fields
        if cleaned.get("is_gated") and not cleaned.get("document"):
            self.add_error("document", "A gated resource needs a document to release.")
        return cleaned


class ResourcePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.ResourcePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ResourcePage(ContentPage):  # noqa: DJ008
    content_kind = "resource"
    base_form_class = ResourcePageForm

    resource_type = models.CharField(
        max_length=20, choices=ResourceType.choices, default=ResourceType.GUIDE
    )
    document = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_format = models.CharField(max_length=40, blank=True, default="PDF")
    page_count = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    is_gated = models.BooleanField(
        default=True, help_text="Ask for contact details before releasing the document."
    )
    required_fields = models.JSONField(default=list, blank=True)
    value_exchange = models.TextField(
        blank=True,
        help_text="Why we ask and what the visitor gets, shown beside the form.",
    )
    tags = ClusterTaggableManager(through=ResourcePageTag, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("resource_type"),
                FieldPanel("document"),
                FieldRowPanel([FieldPanel("file_format"), FieldPanel("page_count")]),
            ],
            heading="The resource",
        ),
        MultiFieldPanel(
            [FieldPanel("is_gated"), FieldPanel("required_fields"), FieldPanel("value_exchange")],
            heading="Gating",
        ),
        FieldPanel("body"),
        *ContentPage.taxonomy_panels,
    ]
    parent_page_types = ["content.ResourceIndexPage"]
    subpage_types: list[str] = []
    api_fields = [
        *ContentPage.api_fields,
        APIField("resource_type"),
        APIField("is_gated"),
        APIField("value_exchange"),
    ]

    class Meta:
        verbose_name = "resource"

    def get_context(self, request, *args, **kwargs):
        from content.selectors import download_form_fields, related_pages

        context = super().get_context(request, *args, **kwargs)
        context["related"] = related_pages(self)
        context["ask_fields"] = download_form_fields(page=self, request=request)
        return context


CONTENT_PAGE_MODELS = (ServicePage, CaseStudyPage, BlogPage, ResourcePage)
