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
                    "link": "/services/ai-chatbots/",
                },
                {
                    "title": "Process automation",
                    "text": "Document intake, invoice matching and back-office workflows "
                    "automated with language models and clear human checkpoints.",
                    "link": "/services/process-automation/",
                },
                {
                    "title": "Data and ML platforms",
                    "text": "Forecasting, lead scoring and recommendation systems on the data "
                    "you already have, deployed on infrastructure you control.",
                    "link": "/services/data-ml-platforms/",
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
            placeholder.delete()  # Wagtail's "Welcome to your new Wagtail site!"
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


CONTACT_FIELDS = [
    ("Name", "singleline", True, ""),
    ("Email", "email", True, ""),
    ("Company", "singleline", False, ""),
    ("Phone", "singleline", False, ""),
    ("Topic", "dropdown", True, "Book a demo\nA project\nSomething else"),
    ("Message", "multiline", False, ""),
    ("Consent", "checkbox", True, ""),
    ("Marketing", "checkbox", False, ""),
]


def _contact(home: HomePage) -> None:
    """The contact page (a Wagtail form page feeding lead capture)."""
    from content.models import ContactFormField, ContactPage

    page = ContactPage.objects.filter(slug="contact").first()
    if page is None:
        page = ContactPage(title="Contact us", slug="contact")
    page.intro = (
        "Tell us what you are working on, or ask for a 30-minute demo. A person replies "
        "within one working day."
    )
    page.seo_description = "Contact EmenTech or book a demo of our AI systems."
    page.thank_you_text = (
        "Thank you — a member of our team will reply within one working day, usually sooner."
    )
    if page.pk is None:
        home.add_child(instance=page)
    if not page.form_fields.exists():
        for order, (label, kind, required, choices) in enumerate(CONTACT_FIELDS):
            help_text = ""
            if label == "Marketing":
                help_text = "Also send me occasional emails about new guides and events."
            ContactFormField.objects.create(
                page=page,
                sort_order=order,
                label=label,
                field_type=kind,
                required=required,
                choices=choices,
                help_text=help_text,
            )
    page.save_revision().publish()


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
    for leftover in Page.objects.filter(depth=2, slug="wagtail-welcome"):
        leftover.delete()  # the placeholder earlier versions of this loader kept
    _about(home)
    _contact(home)
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


def _pdf(title: str, sections: list[tuple[str, list[str]]], *, pages: int, summary: str) -> bytes:
    """The resource as a real A4 PDF of exactly ``pages`` pages (reportlab): a cover, the
    contents, then one chapter per section followed by its worksheet pages."""
    import io
    import textwrap

    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    navy, teal, grey = HexColor("#14213d"), HexColor("#0f766e"), HexColor("#5b6472")
    width, height = A4
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor("EmenTech")
    pdf.setSubject(summary)

    def paragraph(text: str, y: float, size: int = 11, wrap: int = 88) -> float:
        pdf.setFont("Helvetica", size)
        pdf.setFillColor(navy)
        for line in textwrap.wrap(text, wrap):
            pdf.drawString(56, y, line)
            y -= size * 1.45
        return y - 8

    def footer(number: int) -> None:
        pdf.setFont("Helvetica", 8)
        pdf.setFillColor(grey)
        pdf.drawString(56, 32, f"{title} · EmenTech")
        pdf.drawRightString(width - 56, 32, f"{number} / {pages}")

    # Cover.
    pdf.setFillColor(navy)
    pdf.rect(0, height - 330, width, 330, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#ffffff"))
    pdf.setFont("Helvetica-Bold", 26)
    y = height - 140
    for line in textwrap.wrap(title, 32):
        pdf.drawString(56, y, line)
        y -= 34
    pdf.setFont("Helvetica", 12)
    pdf.drawString(56, height - 300, "EmenTech · practical AI for B2B companies")
    paragraph(summary, height - 400, size=13, wrap=70)
    footer(1)
    pdf.showPage()

    body_pages = max(pages - 2, len(sections))
    per_section = [body_pages // len(sections)] * len(sections)
    for n in range(body_pages - sum(per_section)):
        per_section[n] += 1
    starts, page_no = [], 3
    for count in per_section:
        starts.append(page_no)
        page_no += count

    # Contents.
    pdf.setFont("Helvetica-Bold", 20)
    pdf.setFillColor(navy)
    pdf.drawString(56, height - 90, "Contents")
    y = height - 140
    for number, ((heading, _paragraphs), start) in enumerate(
        zip(sections, starts, strict=True), start=1
    ):
        pdf.setFont("Helvetica", 12)
        pdf.drawString(56, y, f"{number}. {heading}")
        pdf.drawRightString(width - 56, y, str(start))
        y -= 24
    footer(2)
    pdf.showPage()

    page_no = 3
    for number, ((heading, paragraphs), count) in enumerate(
        zip(sections, per_section, strict=True), 1
    ):
        for part in range(count):
            if page_no > pages:
                break
            pdf.setFillColor(teal)
            pdf.setFont("Helvetica-Bold", 10)
            pdf.drawString(56, height - 60, f"CHAPTER {number}")
            pdf.setFillColor(navy)
            pdf.setFont("Helvetica-Bold", 18)
            label = heading if part == 0 else f"{heading}: worksheet {part}"
            pdf.drawString(56, height - 88, label[:60])
            y = height - 130
            if part == 0:
                for text in paragraphs:
                    y = paragraph(text, y)
            else:
                y = paragraph(
                    f"Use this page to apply “{heading}” to your own organisation. Note the "
                    "owner, the figure you will measure and the date you will review it.",
                    y,
                )
                pdf.setStrokeColor(HexColor("#c9ced6"))
                for row in range(14):
                    pdf.line(56, y - 24 * row, width - 56, y - 24 * row)
            footer(page_no)
            pdf.showPage()
            page_no += 1
    pdf.save()
    return buffer.getvalue()


def _document(data: dict):
    """The resource's PDF document, (re)rendered when missing or not the promised length."""
    from wagtail.documents import get_document_model

    Document = get_document_model()  # noqa: N806
    title, slug = data["title"], data["slug"]
    document = Document.objects.filter(title=title).first()
    if document is not None and (document.file_size or 0) > 5000:
        return document
    content = _pdf(title, data["sections"], pages=data["page_count"], summary=data["summary"])
    if document is None:
        document = Document(title=title)
    document.file.save(f"{slug}.pdf", ContentFile(content), save=False)
    document.file_size = len(content)
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
