"""Demo content of the privacy app: the privacy policy page (idempotent, keyed by slug).

The retention periods on the page are read from settings, so the policy states what the
retention job actually does.
"""

from __future__ import annotations

from django.conf import settings

SLUG = "privacy-policy"


def _years(days: int) -> str:
    if days % 365 == 0 or days >= 700:
        years = round(days / 365)
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{days} days"


def policy_body() -> list[dict]:
    days = settings.PRIVACY_RETENTION_DAYS
    sections = [
        (
            "Who we are",
            "<p>EmenTech Ltd, Nairobi, is responsible for the personal data described here. "
            "Questions go to privacy@ementech.test.</p>",
        ),
        (
            "What we collect",
            "<ul><li><b>What you give us</b>: your email address and, only when you choose to "
            "tell us, your name, company, role, phone number and what you are looking for "
            "(newsletter, downloads, event registrations, the ROI calculator, the assessment, "
            "our chat assistant, demo bookings).</li>"
            "<li><b>How you use the site</b>, only if you accept analytics: pages viewed, "
            "downloads, scroll depth, a random visitor id in the <code>em_vid</code> cookie, "
            "browser and device type, and your IP address shortened before it is stored "
            "(the last two bytes of IPv4 and the last 80 bits of IPv6 are removed; the full "
            "address is never written to our database or logs).</li>"
            "<li><b>Conversations</b> with our AI specialist and the emails we send you.</li>"
            "<li><b>Your consent choices</b>, with the wording you agreed to and when.</li></ul>",
        ),
        (
            "Why we use it",
            "<ul><li>To send what you asked for (guides, event details, newsletters) — your "
            "consent.</li><li>To understand which content helps and to follow up with relevant "
            "offers — your consent to analytics and marketing, which you can withdraw at any "
            "time.</li><li>To prepare a proposal when you ask us to — steps before a contract."
            "</li><li>To keep records the law requires for customers — legal obligation."
            "</li></ul><p>Our AI assistant scores how well our services fit your needs so "
            "the right person follows up; it never makes decisions with legal effects.</p>",
        ),
        (
            "How long we keep it",
            f"<ul><li>Tracked page views and interactions: {days['interactions']} days.</li>"
            f"<li>Chat conversations: {days['conversations']} days.</li>"
            "<li>Your profile, if you do not become a customer: "
            f"{_years(days['leads_unconverted'])} after your last activity.</li>"
            f"<li>Customer records: {_years(days['customers'])} after the last activity.</li>"
            "<li>Newsletter sign-ups never confirmed: "
            f"{days['newsletter_unconfirmed']} days.</li></ul>"
            "<p>A job runs every night and erases what is older than these periods.</p>",
        ),
        (
            "Cookies",
            "<p>Necessary cookies keep the site secure, remember your choice "
            "(<code>em_consent</code>) and which chat conversations this browser opened "
            "(<code>em_chat</code>), so that only you can read them. Analytics and marketing "
            "are off until you accept them in the banner; we also treat Global Privacy Control "
            "and Do-Not-Track signals as a refusal. Change your mind at any time with "
            "<b>Cookie settings</b> in the footer."
            "</p>",
        ),
        (
            "Your rights",
            "<p>You can get a copy of your data, have it corrected or erased, object to "
            'marketing, and withdraw consent. Use <a href="/privacy/request/">Your data</a>: '
            "we email a single-use link to the address we hold, so only you can download or "
            "erase your data. After an erasure we keep only a record that it happened, with a "
            "one-way hash of your address so that list imports cannot add you back; you can "
            "still sign up again yourself. You may also complain to the Office of the Data "
            "Protection Commissioner (Kenya) or your local supervisory authority.</p>",
        ),
        (
            "Who else sees it",
            "<p>Our hosting, email and AI providers process data on our behalf under contract; "
            "we do not sell personal data.</p>",
        ),
    ]
    body: list[dict] = []
    for heading, html in sections:
        body.append({"type": "heading", "value": heading})
        body.append({"type": "paragraph", "value": html})
    return body


def load(log) -> None:
    from content.facade import home_page, standard_page

    home = home_page(slug="home")
    if home is None:
        log("privacy: no home page, privacy policy skipped")
        return
    page = standard_page(slug=SLUG)
    if page.pk is None:
        page.title = "Privacy policy"
    page.intro = (
        "What EmenTech collects about visitors and leads, why, for how long, and how to get "
        "a copy or have it erased."
    )
    page.seo_description = "How EmenTech handles personal data: what, why, how long, your rights."
    page.body = policy_body()
    if page.pk is None:
        home.add_child(instance=page)
    page.save_revision().publish()
    log("pages: privacy policy")
