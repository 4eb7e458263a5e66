"""Wagtail page types the marketers edit in ``/cms/``, the snippets (topics, FAQs, the
service catalogue), and the knowledge-base and engagement tables behind search and
recommendations."""

from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from content.blocks import BodyBlock, ResultBlock


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


# --- Knowledge base ---------------------------------------------------------------------------


class ContentChunk(models.Model):
    """One embedded chunk of a page or snippet. Derived data: rebuilt by ingestion.

    ``source_key`` is ``page:<id>``, ``faq:<id>`` or ``catalogue:<id>``. The embedding is
    raw float32 bytes with its model name and dimension, so vectors from different models
    are never compared.
    """

    source_key = models.CharField(max_length=40, db_index=True)
    page_id = models.IntegerField(null=True, blank=True, db_index=True)
    chunk_index = models.PositiveIntegerField()
    vector_id = models.CharField(max_length=80)
    content_type = models.CharField(max_length=20)
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=500)
    text = models.TextField()
    content_hash = models.CharField(max_length=64)
    industry = models.CharField(max_length=30, blank=True)
    difficulty = models.CharField(max_length=20, blank=True)
    is_gated = models.BooleanField(default=False)
    model_name = models.CharField(max_length=100)
    dimension = models.PositiveIntegerField()
    embedding = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model_name", "vector_id"], name="chunk_unique_vector")
        ]
        indexes = [models.Index(fields=["model_name", "source_key"])]
        ordering = ["source_key", "chunk_index"]

    def __str__(self) -> str:
        return f"{self.source_key}#{self.chunk_index}"


class KnowledgeVersion(models.Model):
    """A counter bumped on every knowledge-base change; each process reloads its in-memory
    index when the counter moves (read through the cache)."""

    version = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"knowledge v{self.version}"


class KnowledgeIndex(models.Model):
    """The index of the knowledge base for one embedding model. Switching the model (an
    OpenAI key set or removed, ``EMBEDDING_MODEL``) builds the new model's index in the
    background; search keeps serving the previous ready one until it is done."""

    class State(models.TextChoices):
        BUILDING = "building", "Rebuilding"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    model_name = models.CharField(max_length=100, unique=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.BUILDING)
    chunks = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    # Touched by the worker as it goes: a "building" index whose worker died stops moving.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.model_name}: {self.get_state_display()}"

    def last_sign_of_life(self):
        """When the build last showed progress (its heartbeat, else its start)."""
        return self.heartbeat_at or self.started_at

    def is_stale(self, *, now, after_seconds: int) -> bool:
        """Marked building, but nothing moved for ``after_seconds``: its worker is gone."""
        if self.state != self.State.BUILDING:
            return False
        last = self.last_sign_of_life()
        return last is None or (now - last).total_seconds() > after_seconds


# --- Engagement and personalisation ---------------------------------------------------------


class ContentStats(models.Model):
    """Per-page counters (kept off the page so counting never creates revisions)."""

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    views = models.PositiveIntegerField(default=0)
    downloads = models.PositiveIntegerField(default=0)
    download_requests = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "content stats"

    def __str__(self) -> str:
        return f"stats for page {self.page_id}"


class EngagementKind(models.TextChoices):
    VIEW = "view", "View"
    DOWNLOAD_REQUEST = "download_request", "Download link requested"
    DOWNLOAD = "download", "Download"


class ContentEngagement(models.Model):
    """Who engaged with which page: the input of recommendations and journeys."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey(
        "leads.Visitor", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EngagementKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["visitor", "created_at"]),
            models.Index(fields=["lead", "created_at"]),
            models.Index(fields=["page", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of page {self.page_id}"


class PersonalisedFeed(models.Model):
    """Precomputed "for you" items of a visitor or lead (computed in Celery, read on render).

    ``subject_key`` is ``lead:<uuid>`` or ``visitor:<uuid>``; ``items`` is a list of
    ``{"page_id", "title", "url", "type", "reason", "score"}``.
    """

    subject_key = models.CharField(max_length=60, unique=True)
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    visitor = models.ForeignKey(
        "leads.Visitor", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    items = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"feed {self.subject_key}"


class DownloadGrant(models.Model):
    """A signed download link that was issued (for counting and auditing, not for auth:
    the signature in the link is what authorises it)."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(
        "leads.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    document_id = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    downloads = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"grant {self.pk} for page {self.page_id}"


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
