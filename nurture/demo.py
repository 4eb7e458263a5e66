"""Demo data of the nurture app: the seed's three newsletters (3.1.1), the welcome sequence
(9.1: day 1 best resources, day 3 industry case study, day 7 webinar invitation) and the
guide-download sequence (9.3: at once, day 2, day 5), and a draft issue. Idempotent."""

from __future__ import annotations

from nurture.models import Newsletter, NewsletterIssue, Sequence, SequenceStep

NEWSLETTERS = [
    {
        "slug": "tech-insights",
        "name": "EmenTech Tech Insights",
        "description": "Weekly AI & tech trends, implementation guides",
        "frequency": Newsletter.Frequency.WEEKLY,
        "audience": "technical-leaders",
        "sample_content": "AI implementation patterns, cost optimization, scaling strategies",
        "sort_order": 1,
    },
    {
        "slug": "growth-playbook",
        "name": "Growth Playbook",
        "description": "Proven growth strategies for tech companies",
        "frequency": Newsletter.Frequency.BIWEEKLY,
        "audience": "founders-executives",
        "sample_content": "Lead generation hacks, conversion optimization, case studies",
        "sort_order": 2,
    },
    {
        "slug": "investor-briefing",
        "name": "EmenTech Investor Briefing",
        "description": "Monthly progress, milestones, opportunities",
        "frequency": Newsletter.Frequency.MONTHLY,
        "audience": "investors",
        "sample_content": "Product roadmap, traction metrics, partnership news",
        "sort_order": 3,
    },
]

SEQUENCES = [
    {
        "slug": "welcome",
        "name": "Welcome (new lead)",
        "description": "Seed 9.1: the first week after a visitor identifies.",
        "trigger": Sequence.Trigger.IDENTIFY,
        "steps": [
            {
                "position": 1,
                "delay_hours": 24,
                "template": "welcome_resources",
                "subject": "Our best resources to get you started",
            },
            {
                "position": 2,
                "delay_hours": 72,
                "template": "industry_case_study",
                "subject": "How a company like yours put AI to work",
                "only_if_not_qualified": True,
            },
            {
                "position": 3,
                "delay_hours": 168,
                "template": "webinar_invite",
                "subject": "You're invited: a live AI implementation workshop",
            },
        ],
    },
    {
        "slug": "guide-download",
        "name": "Guide download",
        "description": "Seed 9.3: after a guide download.",
        "trigger": Sequence.Trigger.RESOURCE_DOWNLOAD,
        "steps": [
            {
                "position": 1,
                "delay_hours": 0,
                "template": "guide_delivery",
                "subject": "Your guide, and three more resources",
            },
            {
                "position": 2,
                "delay_hours": 48,
                "template": "industry_case_study",
                "subject": "Case study: a similar company's journey",
            },
            {
                "position": 3,
                "delay_hours": 120,
                "template": "roundtable_invite",
                "subject": "Invitation: CTO roundtable dinner",
                "condition_field": "role",
                "condition_op": "not_empty",
            },
        ],
    },
]


def load(log) -> None:
    for data in NEWSLETTERS:
        Newsletter.objects.update_or_create(slug=data["slug"], defaults=data)
    for data in SEQUENCES:
        data = dict(data)
        steps = data.pop("steps")
        sequence, _ = Sequence.objects.update_or_create(slug=data["slug"], defaults=data)
        for step in steps:
            SequenceStep.objects.update_or_create(
                sequence=sequence, position=step["position"], defaults=step
            )
    tech = Newsletter.objects.get(slug="tech-insights")
    NewsletterIssue.objects.get_or_create(
        newsletter=tech,
        subject="RAG in production: what breaks first",
        defaults={
            "intro": "Three lessons from shipping retrieval-augmented assistants this month.",
            "body": [
                {"type": "heading", "value": "This week"},
                {
                    "type": "story",
                    "value": {
                        "title": "Chunking is a product decision",
                        "text": "How we size chunks for support articles vs. contracts.",
                        "url": "/blog/",
                        "link_label": "Read the post",
                    },
                },
            ],
        },
    )
    log(f"nurture: {len(NEWSLETTERS)} newsletters, {len(SEQUENCES)} nurture sequences")
