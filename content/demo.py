"""Demo pages: the home page and the about page (idempotent, keyed by slug)."""

from __future__ import annotations

from wagtail.models import Page, Site

from content.models import HomePage, StandardPage

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
    log("pages: home, about")
