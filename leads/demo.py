"""Demo leads: a few visitors at different stages with their page views (idempotent —
leads are keyed by email and a lead's demo interactions are added only once)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from analytics.facade import interactions, interactions_seed
from leads.services import (
    ConsentInput,
    lead_capture,
    lead_process_events,
    lead_stage_check,
    visitor_touch,
)

DEMO_LEADS = [
    ("amina@savanna-logistics.example", "linkedin", {"name": "Amina Otieno"}),
    (
        "james@kilifintech.example",
        "google",
        {
            "name": "James Mwangi",
            "company": "Kili Fintech",
            "role": "CTO",
            "company_size": "51-200",
            "industry": "Fintech",
            "pain_points": ["manual KYC checks"],
        },
    ),
    (
        "wanjiru@afyahealth.example",
        "webinar",
        {
            "name": "Wanjiru Kamau",
            "company": "Afya Health",
            "role": "Head of Operations",
            "company_size": "201-500",
            "industry": "Healthcare",
            "pain_points": ["patient triage backlog"],
            "budget": "50k-100k",
            "timeline": "1-3mo",
            "authority": "decision_maker",
        },
    ),
    ("peter@duka.example", "newsletter", {}),
]
PATHS = ["/", "/services/", "/pricing/", "/case-studies/", "/blog/"]


def load(log) -> None:
    consent = ConsentInput(
        data_processing=True, marketing=True, wording="Demo data: consent recorded by ops."
    )
    now = timezone.now()
    for index, (email, utm_source, profile) in enumerate(DEMO_LEADS):
        visitor = visitor_touch(visitor_id=None, utm_source=utm_source, landing_page="/")
        lead = lead_capture(
            email=email, consent=consent, source="demo", visitor=visitor, profile=profile
        ).lead
        if not interactions().filter(lead=lead).exists():
            start = now - dt.timedelta(days=10 - index)
            interactions_seed(
                rows=[
                    dict(
                        type="page_view",
                        category="page_view",
                        visitor=visitor,
                        lead=lead,
                        session_id=f"demo-{index}",
                        properties={"path": path, "duration": 40 + 10 * i},
                        context={"device": "desktop", "browser": "Firefox", "os": "Linux"},
                        occurred_at=start + dt.timedelta(minutes=2 * i),
                    )
                    for i, path in enumerate(PATHS[: 2 + index])
                ]
            )
        lead_process_events(lead_id=lead.pk)
        lead_stage_check(lead_id=lead.pk)
    log(f"leads: {len(DEMO_LEADS)} demo leads")
