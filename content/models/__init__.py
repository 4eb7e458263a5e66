"""Models of the content app, one module per concern (re-exported here: Django loads
``content.models``, and ``from content.models import ...`` keeps working): ``site`` (home,
standard and contact pages), ``taxonomy`` (choices and snippets), ``pages`` (services, case
studies, blog, resources), ``knowledge`` (the knowledge-base chunks and indexes) and
``engagement`` (counters, feeds, download grants).
"""

from __future__ import annotations

from content.models.engagement import (
    ContentEngagement,
    ContentStats,
    DownloadGrant,
    EngagementKind,
    PersonalisedFeed,
)
from content.models.knowledge import (
    ContentChunk,
    KnowledgeIndex,
    KnowledgeVersion,
)
from content.models.pages import (
    CONTENT_PAGE_MODELS,
    GATE_FIELD_CHOICES,
    BlogIndexPage,
    BlogPage,
    BlogPageTag,
    CaseStudyIndexPage,
    CaseStudyPage,
    CaseStudyPageTag,
    ContentPage,
    ResourceIndexPage,
    ResourcePage,
    ResourcePageForm,
    ResourcePageTag,
    ResourceType,
    ServiceIndexPage,
    ServicePage,
    ServicePageTag,
)
from content.models.site import (
    ContactFormField,
    ContactPage,
    HomePage,
    SeoMixin,
    StandardPage,
)
from content.models.taxonomy import (
    FAQ,
    CompanySize,
    Difficulty,
    Industry,
    ServiceCatalogueItem,
    Topic,
)

__all__ = [
    "BlogIndexPage",
    "BlogPage",
    "BlogPageTag",
    "CONTENT_PAGE_MODELS",
    "CaseStudyIndexPage",
    "CaseStudyPage",
    "CaseStudyPageTag",
    "CompanySize",
    "ContactFormField",
    "ContactPage",
    "ContentChunk",
    "ContentEngagement",
    "ContentPage",
    "ContentStats",
    "Difficulty",
    "DownloadGrant",
    "EngagementKind",
    "FAQ",
    "GATE_FIELD_CHOICES",
    "HomePage",
    "Industry",
    "KnowledgeIndex",
    "KnowledgeVersion",
    "PersonalisedFeed",
    "ResourceIndexPage",
    "ResourcePage",
    "ResourcePageForm",
    "ResourcePageTag",
    "ResourceType",
    "SeoMixin",
    "ServiceCatalogueItem",
    "ServiceIndexPage",
    "ServicePage",
    "ServicePageTag",
    "StandardPage",
    "Topic",
]
