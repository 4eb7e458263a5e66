"""Demo content: home and about, the services, case studies, blog and resources sections
with their pages, topics, FAQs and the service catalogue (idempotent, keyed by slug).

Publishing the pages enqueues their knowledge-base ingestion (after commit); run
``manage.py reindex_knowledge`` to index synchronously.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from wagtail.models import Page, Site

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
    StandardPage,
    Topic,
)

HOME_BODY = [
    {
        "type": "features",
        "value": {
            "heading": "What we build",
            "features": [
                {
                    "title": "AI chatbots and assistants",
                    "text": "Customer-service and sales assistants that answer from your own "
                    "knowledge base, hand over to a person when it matters, and typically "
                    "cut first-response times by 30–40%.",
                    "link": "/services/",
                },
                {
                    "title": "Process automation",
                    "text": "Document intake, invoice matching and back-office workflows "
                    "automated with language models and clear human checkpoints.",
                    "link": "/services/",
                },
                {
                    "title": "Data and ML platforms",
                    "text": "Forecasting, lead scoring and recommendation systems on the data "
                    "you already have, deployed on infrastructure you control.",
                    "link": "/services/",
                },
            ],
        },
    },
    {
        "type": "stats",
        "value": [
            {"value": "60+", "label": "AI projects delivered across East Africa and Europe"},
            {"value": "8 weeks", "label": "median time from kickoff to a system in production"},
            {"value": "35%", "label": "average reduction in support costs for chatbot clients"},
        ],
    },
    {"type": "heading", "value": "Start with value, not a sales call"},
    {
        "type": "paragraph",
        "value": "<p>Read our implementation guides, estimate your return with the ROI "
        "calculator, take the ten-minute AI maturity assessment, or ask our AI specialist "
        "anything about applying AI in your business. When you are ready, we will scope a "
        "pilot with you.</p>",
    },
    {
        "type": "call_to_action",
        "value": {
            "title": "Download the AI Implementation Guide",
            "text": "A 40-page playbook: picking the first use case, data readiness, "
            "build-versus-buy, and measuring return in the first 90 days.",
            "button_label": "Get the guide",
            "button_url": "/resources/",
        },
    },
]


def _home(root: Page) -> HomePage:
    home = HomePage.objects.filter(slug="home").first()
    if home is None:
        placeholder = (
            Page.objects.filter(depth=2, slug="home")
            .exclude(content_type__model="homepage")
            .first()
        )
        if placeholder is not None:
            placeholder.slug = "wagtail-welcome"
            placeholder.save_revision().publish()
            placeholder.unpublish()
        home = HomePage(title="EmenTech", slug="home")
    home.hero_title = "AI that earns its place in your business"
    home.hero_text = (
        "EmenTech designs, builds and runs AI systems for B2B companies — chatbots that "
        "resolve real tickets, automation that removes busywork, and analytics your teams "
        "actually use."
    )
    home.hero_cta_label = "Explore our services"
    home.hero_cta_url = "/services/"
    home.seo_description = (
        "EmenTech builds AI chatbots, process automation and data platforms for B2B "
        "companies, from first pilot to production."
    )
    home.body = HOME_BODY
    if home.pk is None:
        root.add_child(instance=home)
    home.save_revision().publish()
    return home


def _about(home: HomePage) -> None:
    about = StandardPage.objects.filter(slug="about").first()
    if about is None:
        about = StandardPage(title="About EmenTech", slug="about")
    about.intro = (
        "We are a Nairobi-based team of engineers, data scientists and designers who have "
        "shipped AI systems for banks, logistics companies, insurers and retailers since 2019."
    )
    about.body = [
        {
            "type": "paragraph",
            "value": "<p>We start every engagement with a two-week discovery: the process, "
            "the data and the people who will use the system. Then we build in short "
            "iterations with a working pilot by week four, and we stay on to run and improve "
            "what we built.</p>",
        }
    ]
    if about.pk is None:
        home.add_child(instance=about)
    about.save_revision().publish()


def load(log) -> None:
    root = Page.get_first_root_node()
    home = _home(root)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="EmenTech",
        )
    elif site.root_page_id != home.id:
        site.root_page = home
        site.site_name = "EmenTech"
        site.save(update_fields=["root_page", "site_name"])
    _about(home)
    topics = _topics()
    services = _services(home, topics)
    _case_studies(home, topics)
    _blog(home, topics)
    _resources(home, topics)
    _snippets(topics, services)
    log(
        f"pages: home, about, {len(SERVICES)} services, {len(CASE_STUDIES)} case studies, "
        f"{len(BLOG_POSTS)} blog posts, {len(RESOURCES)} resources; {len(FAQS)} FAQs"
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


def _pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF with the resource's title and summary."""
    text = [f"({title.replace('(', '[').replace(')', ']')}) Tj"]
    for line in lines:
        safe = line.replace("(", "[").replace(")", "]").encode("ascii", "replace").decode()
        text.append(f"0 -18 Td ({safe[:90]}) Tj")
    stream = "BT /F1 12 Tf 50 780 Td " + " ".join(text) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out.encode()))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out.encode())
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode()


def _document(title: str, slug: str, lines: list[str]):
    from wagtail.documents import get_document_model

    Document = get_document_model()  # noqa: N806
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save(f"{slug}.pdf", ContentFile(_pdf(title, lines)), save=False)
        document.save()
    return document


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
        lines = [data["summary"]] + [p for _h, ps in data["sections"] for p in ps]
        document = _document(data["title"], data["slug"], lines)
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
