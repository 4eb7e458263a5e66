"""Demo pages and snippets: topics, services, case studies, blog posts, resources, FAQs and
the service catalogue.
"""

from __future__ import annotations

import datetime as dt

from wagtail.models import Page

from content.demo.documents import _document
from content.demo_data.blog import BLOG_POSTS
from content.demo_data.case_studies import CASE_STUDIES
from content.demo_data.resources import RESOURCES
from content.demo_data.services import CATALOGUE, FAQS, SERVICES, TOPICS
from content.models import (
    FAQ,
    BlogIndexPage,
    BlogPage,
    CaseStudyIndexPage,
    CaseStudyPage,
    HomePage,
    ResourceIndexPage,
    ResourcePage,
    ServiceCatalogueItem,
    ServiceIndexPage,
    ServicePage,
    Topic,
)


def _stream(sections: list[tuple[str, list[str]]]) -> list[dict]:
    blocks: list[dict] = []
    for heading, paragraphs in sections:
        blocks.append({"type": "heading", "value": heading})
        blocks += [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs]
    return blocks


def _save(parent: Page, model, slug: str, fields: dict, topics: list[Topic] | None = None):
    page = model.objects.filter(slug=slug).first()
    if page is None:
        page = model(slug=slug)
    for name, value in fields.items():
        setattr(page, name, value)
    if topics is not None:
        page.topics = topics
    if page.pk is None:
        parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _topics() -> dict[str, Topic]:
    out = {}
    for name, slug, description in TOPICS:
        topic, _ = Topic.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        out[slug] = topic
    return out


def _index(home: HomePage, model, slug: str, title: str, intro: str, seo: str):
    return _save(home, model, slug, {"title": title, "intro": intro, "seo_description": seo})


def _services(home: HomePage, topics: dict[str, Topic]) -> dict[str, ServicePage]:
    index = _index(
        home,
        ServiceIndexPage,
        "services",
        "Services",
        "From a two-week readiness sprint to platforms we run for you: every engagement "
        "starts with a measurable goal.",
        "EmenTech AI services: chatbots, process automation, data and ML platforms, strategy.",
    )
    out = {}
    for data in SERVICES:
        out[data["slug"]] = _save(
            index,
            ServicePage,
            data["slug"],
            {
                "title": data["title"],
                "summary": data["summary"],
                "price_from": data["price_from"],
                "price_to": data["price_to"],
                "duration": data["duration"],
                "outcomes": data["outcomes"],
                "difficulty": data["difficulty"],
                "seo_description": data["summary"][:300],
                "body": _stream(data["sections"]),
            },
            [topics[t] for t in data["topics"]],
        )
    return out


def _case_studies(home: HomePage, topics: dict[str, Topic]) -> None:
    index = _index(
        home,
        CaseStudyIndexPage,
        "case-studies",
        "Case studies",
        "What our systems changed for lenders, hospitals, retailers, insurers and logistics "
        "companies — with the numbers.",
        "EmenTech AI case studies in fintech, logistics, healthcare, retail and insurance.",
    )
    for data in CASE_STUDIES:
        _save(
            index,
            CaseStudyPage,
            data["slug"],
            {
                "title": data["title"],
                "summary": data["summary"],
                "client_name": data["client_name"],
                "industry": data["industry"],
                "company_size": data["company_size"],
                "difficulty": data["difficulty"],
                "challenge": data["challenge"],
                "results": [
                    {"type": "result", "value": {"value": v, "label": label}}
                    for v, label in data["results"]
                ],
                "seo_description": data["summary"][:300],
                "body": _stream(data["sections"]),
            },
            [topics[t] for t in data["topics"]],
        )


def _blog(home: HomePage, topics: dict[str, Topic]) -> None:
    index = _index(
        home,
        BlogIndexPage,
        "blog",
        "Insights",
        "Practical notes from the projects we run: retrieval, automation, MLOps and the "
        "economics of AI.",
        "EmenTech insights on applied AI: RAG, chatbots, MLOps, ROI and data readiness.",
    )
    for data in BLOG_POSTS:
        _save(
            index,
            BlogPage,
            data["slug"],
            {
                "title": data["title"],
                "date": dt.date.fromisoformat(data["date"]),
                "author": data["author"],
                "summary": data["summary"],
                "difficulty": data["difficulty"],
                "seo_description": data["summary"][:300],
                "body": _stream(data["sections"]),
            },
            [topics[t] for t in data["topics"]],
        )


def _resources(home: HomePage, topics: dict[str, Topic]) -> None:
    index = _index(
        home,
        ResourceIndexPage,
        "resources",
        "Resources",
        "Guides, reports and checklists from sixty AI projects. Free — we only ask for what "
        "we need to send you something useful.",
        "Free AI guides, ROI benchmarks and production checklists from EmenTech.",
    )
    for data in RESOURCES:
        document = _document(data)
        _save(
            index,
            ResourcePage,
            data["slug"],
            {
                "title": data["title"],
                "summary": data["summary"],
                "resource_type": data["resource_type"],
                "document": document,
                "file_format": "PDF",
                "page_count": data["page_count"],
                "is_gated": True,
                "required_fields": data["required_fields"],
                "value_exchange": data["value_exchange"],
                "difficulty": data["difficulty"],
                "seo_description": data["summary"][:300],
                "body": _stream(data["sections"]),
            },
            [topics[t] for t in data["topics"]],
        )


def _snippets(topics: dict[str, Topic], services: dict[str, ServicePage]) -> None:
    for order, (question, answer, topic) in enumerate(FAQS):
        FAQ.objects.update_or_create(
            question=question,
            defaults={"answer": f"<p>{answer}</p>", "topic": topics[topic], "sort_order": order},
        )
    for order, (name, summary, low, high, duration, service) in enumerate(CATALOGUE):
        ServiceCatalogueItem.objects.update_or_create(
            name=name,
            defaults={
                "summary": summary,
                "price_from": low,
                "price_to": high,
                "duration": duration,
                "service_page": services.get(service),
                "sort_order": order,
            },
        )
