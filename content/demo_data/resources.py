"""Demo resources (gated downloads)."""

RESOURCES = [
    {
        "slug": "ai-implementation-guide",
        "title": "The AI Implementation Guide",
        "resource_type": "guide",
        "page_count": 40,
        "difficulty": "beginner",
        "topics": ["strategy", "rag", "roi"],
        "required_fields": ["email", "role", "company_size"],
        "value_exchange": "Tell us your role and company size and we will send you the guide "
        "plus the two case studies closest to your situation.",
        "summary": "A 40-page playbook for leaders: picking the first use case, data "
        "readiness, build versus buy, and measuring return in the first 90 days.",
        "sections": [
            (
                "What is inside",
                [
                    "Chapter one is a scoring template for ranking use cases by value, "
                    "feasibility and risk. Chapter two covers data readiness. Chapter three "
                    "compares building on open models, buying a SaaS product and partnering "
                    "with an integrator, with total cost of ownership over three years.",
                    "The final chapter is a 90-day plan with the metrics to report to your "
                    "board at day 30, 60 and 90.",
                ],
            ),
            (
                "Who it is for",
                [
                    "Chief executives, operations directors and heads of technology at companies "
                    "with 20 to 2,000 employees who are starting their first serious AI project.",
                ],
            ),
        ],
    },
    {
        "slug": "ai-roi-benchmark-report",
        "title": "AI ROI Benchmark Report 2025",
        "resource_type": "report",
        "page_count": 30,
        "difficulty": "intermediate",
        "topics": ["roi"],
        "required_fields": ["email", "company", "industry"],
        "value_exchange": "Share your company and industry and we will include the benchmark "
        "figures for your sector.",
        "summary": "Return on investment from 200 AI implementations across banking, "
        "logistics, healthcare, retail and insurance in Africa and Europe.",
        "sections": [
            (
                "Key findings",
                [
                    "The median project paid back in seven months. Customer-service assistants "
                    "returned 3.1 times their cost in year one, document automation 4.2 times, "
                    "and forecasting 2.4 times. Projects with a measured baseline were twice as "
                    "likely to report a positive return.",
                ],
            ),
            (
                "Method",
                [
                    "We surveyed 200 companies that ran AI systems in production for at least "
                    "twelve months and verified savings against finance records for 60 of them.",
                ],
            ),
        ],
    },
    {
        "slug": "production-ai-checklist",
        "title": "Production AI Checklist: 50-point inspection",
        "resource_type": "checklist",
        "page_count": 15,
        "difficulty": "advanced",
        "topics": ["mlops", "governance"],
        "required_fields": ["email"],
        "value_exchange": "Just your email: we will send you the checklist and updated "
        "versions when it changes.",
        "summary": "Fifty checks before, during and after deploying an AI system: security, "
        "evaluation, monitoring, fallbacks and incident response.",
        "sections": [
            (
                "Before launch",
                [
                    "Red-team the system for prompt injection and data leakage, agree the "
                    "evaluation set and pass mark, load-test at three times the expected peak, "
                    "and write the incident runbook.",
                ],
            ),
            (
                "After launch",
                [
                    "Review a sample of conversations weekly, watch cost per request and latency "
                    "percentiles, and rehearse a provider outage by switching to the fallback "
                    "model once a quarter.",
                ],
            ),
        ],
    },
    {
        "slug": "responsible-ai-whitepaper",
        "title": "Responsible AI in regulated industries",
        "resource_type": "whitepaper",
        "page_count": 22,
        "difficulty": "intermediate",
        "topics": ["governance"],
        "required_fields": ["email", "name", "company"],
        "value_exchange": "Leave your name and company and one of our governance leads will "
        "send you the whitepaper with a short note for your sector.",
        "summary": "How banks, insurers and hospitals deploy AI within data protection law: "
        "consent, explainability, human oversight and audit trails.",
        "sections": [
            (
                "The rules that apply",
                [
                    "Kenya's Data Protection Act 2019 requires a lawful basis for processing, "
                    "data protection impact assessments for high-risk processing, and gives "
                    "people the right not to be subject to decisions based solely on automated "
                    "processing. The EU AI Act classifies credit scoring and medical triage as "
                    "high-risk systems.",
                ],
            ),
            (
                "Designing for oversight",
                [
                    "Keep a person able to override every automated decision that affects a "
                    "customer, log the inputs and the model version behind each decision, and "
                    "give reasons a customer can understand when credit is refused.",
                ],
            ),
        ],
    },
]
