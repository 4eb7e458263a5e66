"""The demo site's frame (home, about and contact pages) and ``load``, which builds the
whole demo in order.
"""

from __future__ import annotations

from wagtail.models import Page, Site

from content.demo.pages import _blog, _case_studies, _resources, _services, _snippets, _topics
from content.demo_data.blog import BLOG_POSTS
from content.demo_data.case_studies import CASE_STUDIES
from content.demo_data.resources import RESOURCES
from content.demo_data.services import FAQS, SERVICES
from content.models import (
    HomePage,
    StandardPage,
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
