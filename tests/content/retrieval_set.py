"""A labelled retrieval set over the demo content: each question with the slug of the page
that answers it. Questions are phrased the way a visitor would ask, mostly without the
page's own words."""

QUESTIONS: list[tuple[str, str]] = [
    # services
    ("Can your assistant reply to customers on WhatsApp in Swahili?", "ai-chatbots"),
    ("What happens when the bot can't help and a real agent needs to take over?", "ai-chatbots"),
    ("How much does a customer service bot project cost?", "ai-chatbots"),
    (
        "Can you pull fields out of scanned invoices and post them into our ERP?",
        "process-automation",
    ),
    ("Does the extraction send uncertain documents to a clerk for checking?", "process-automation"),
    ("Do you integrate with SAP Business One or Odoo?", "process-automation"),
    ("Who can set up our data warehouse with dbt and Airflow pipelines?", "data-ml-platforms"),
    ("How do you keep models from degrading over time once deployed?", "data-ml-platforms"),
    ("We don't know where to start with AI, can you help us pick projects?", "ai-strategy"),
    ("Do you write an acceptable-use policy for artificial intelligence?", "ai-strategy"),
    # case studies
    (
        "Which client used machine learning to stop fraudulent mobile money transactions?",
        "fintech-fraud-detection",
    ),
    ("How fast is the fraud score computed during a payment?", "fintech-fraud-detection"),
    (
        "Example of reducing wrongly blocked genuine customers at a lender",
        "fintech-fraud-detection",
    ),
    ("Have you optimised truck routes and cut diesel spend?", "logistics-route-optimisation"),
    ("Predicting delays at the Malaba border crossing", "logistics-route-optimisation"),
    (
        "How did dispatchers save time planning deliveries each morning?",
        "logistics-route-optimisation",
    ),
    ("Patients not turning up for outpatient visits", "healthcare-patient-assistant"),
    ("Does the medical assistant ever diagnose symptoms?", "healthcare-patient-assistant"),
    ("Booking clinic appointments through a messaging app", "healthcare-patient-assistant"),
    (
        "How can a grocery retailer avoid empty shelves during promotions?",
        "retail-demand-forecasting",
    ),
    ("Forecasting sales around month-end paydays and public holidays", "retail-demand-forecasting"),
    ("Throwing away less fresh produce", "retail-demand-forecasting"),
    ("Speeding up motor insurance claim settlement", "insurance-claims-automation"),
    ("Spotting inflated garage repair quotes automatically", "insurance-claims-automation"),
    # blog
    ("How should I split documents into pieces for a retrieval system?", "rag-best-practices"),
    ("Why combine keyword search with embeddings?", "rag-best-practices"),
    (
        "How do I evaluate whether my RAG search is finding the right passages?",
        "rag-best-practices",
    ),
    ("What should happen when the OpenAI API is down?", "building-production-ai-systems"),
    (
        "Which metrics should I monitor for an LLM application in production?",
        "building-production-ai-systems",
    ),
    (
        "Versioning prompts and datasets so answers can be reproduced",
        "building-production-ai-systems",
    ),
    (
        "Signs that a customer needs to speak to a person instead of the bot",
        "chatbot-human-handoff",
    ),
    (
        "How to transfer a conversation so the customer doesn't repeat themselves",
        "chatbot-human-handoff",
    ),
    ("How do I prove an AI investment paid off?", "measuring-ai-roi"),
    ("What does it cost to run each chatbot conversation?", "measuring-ai-roi"),
    ("How many months until an AI project pays back?", "measuring-ai-roi"),
    ("Is our historical data good enough to train a model?", "data-readiness"),
    ("We have no labelled outcomes recorded, what should we do first?", "data-readiness"),
    ("How can we lower our GPT spending?", "llm-cost-optimisation"),
    ("Sending easy requests to a smaller cheaper model", "llm-cost-optimisation"),
    # resources
    ("A playbook for executives starting their first AI project", "ai-implementation-guide"),
    ("Template for ranking use cases and a 90 day plan", "ai-implementation-guide"),
    ("Benchmark data on returns from two hundred AI deployments", "ai-roi-benchmark-report"),
    ("Which kind of AI project gives the highest first-year return?", "ai-roi-benchmark-report"),
    (
        "Things to check before launching a model: red teaming and load testing",
        "production-ai-checklist",
    ),
    ("Rehearsing a provider outage by switching to a backup model", "production-ai-checklist"),
    (
        "Does Kenyan law let customers object to fully automated decisions?",
        "responsible-ai-whitepaper",
    ),
    ("Is credit scoring considered high risk under the EU AI Act?", "responsible-ai-whitepaper"),
]
