"""Demo services, FAQs and catalogue items."""

TOPICS = [
    ("Chatbots and assistants", "chatbots", "Customer-facing and internal conversational AI."),
    ("Process automation", "automation", "Automating document-heavy back-office work."),
    ("Data and machine learning", "data-ml", "Forecasting, scoring and recommendation models."),
    ("Retrieval-augmented generation", "rag", "Grounding language models in your own content."),
    ("AI strategy", "strategy", "Choosing use cases, building the business case, governance."),
    ("MLOps and production", "mlops", "Deploying, monitoring and operating models."),
    ("Security and compliance", "governance", "Data protection, risk and responsible AI."),
    ("ROI and cost", "roi", "Measuring return and controlling the cost of AI systems."),
]

SERVICES = [
    {
        "slug": "ai-chatbots",
        "title": "AI Chatbots and Virtual Assistants",
        "summary": "Customer-service and sales assistants that answer from your own knowledge "
        "base, work in English and Swahili, and hand over to a person when it matters.",
        "price_from": 8000,
        "price_to": 60000,
        "duration": "6–10 weeks",
        "outcomes": "Resolve 40–60% of routine tickets without an agent\n"
        "First response in seconds, around the clock\n"
        "Every answer cites the source document",
        "topics": ["chatbots", "rag"],
        "difficulty": "beginner",
        "sections": [
            (
                "What we build",
                [
                    "We build assistants for your website, WhatsApp Business and your internal "
                    "help desk. Each assistant answers from your own policies, product sheets and "
                    "past tickets using retrieval-augmented generation, so it quotes your "
                    "documents instead of inventing answers.",
                    "Assistants speak English and Swahili out of the box and can switch language "
                    "mid-conversation, which matters for customers in Kenya, Tanzania and Uganda.",
                ],
            ),
            (
                "Hand-over to people",
                [
                    "When a customer is upset, asks for something the assistant cannot do, or the "
                    "conversation reaches a value threshold, the chat is passed to a human agent "
                    "with a summary and the full transcript, in Zendesk, Freshdesk or our own "
                    "inbox. Nobody has to repeat themselves.",
                ],
            ),
            (
                "How an engagement runs",
                [
                    "Week one and two: discovery, ticket analysis and the top 50 intents. Weeks "
                    "three to six: a pilot on one channel with your agents reviewing answers. "
                    "Weeks seven to ten: production roll-out, analytics dashboards and training "
                    "for the team that will curate the knowledge base.",
                ],
            ),
        ],
    },
    {
        "slug": "process-automation",
        "title": "Intelligent Process Automation",
        "summary": "Document intake, invoice matching and back-office workflows automated "
        "with language models and clear human checkpoints.",
        "price_from": 12000,
        "price_to": 90000,
        "duration": "8–14 weeks",
        "outcomes": "Cut manual data entry by 70–85%\nAudit trail for every automated decision\n"
        "Exceptions routed to the right person",
        "topics": ["automation"],
        "difficulty": "intermediate",
        "sections": [
            (
                "Documents in, structured data out",
                [
                    "We read invoices, delivery notes, KYC forms, claims and contracts — scanned "
                    "or photographed — and extract the fields your systems need. Extraction "
                    "combines OCR with a language model and validation rules, so a total that "
                    "does not add up is flagged rather than posted.",
                ],
            ),
            (
                "Human in the loop",
                [
                    "Every workflow has a confidence threshold. Documents below it go to a review "
                    "queue where a clerk confirms or corrects the fields in one screen; their "
                    "corrections are used to improve the extraction every month.",
                ],
            ),
            (
                "Integrations",
                [
                    "We post results to SAP Business One, Odoo, QuickBooks, Microsoft Dynamics and "
                    "custom ERPs through their APIs, and to M-Pesa and bank statements for "
                    "reconciliation.",
                ],
            ),
        ],
    },
    {
        "slug": "data-ml-platforms",
        "title": "Data and Machine Learning Platforms",
        "summary": "Forecasting, credit and lead scoring, and recommendation systems on the "
        "data you already have, deployed on infrastructure you control.",
        "price_from": 15000,
        "price_to": 200000,
        "duration": "10–24 weeks",
        "outcomes": "Forecasts your planners trust\nModels monitored for drift\n"
        "Pipelines your team can own",
        "topics": ["data-ml", "mlops"],
        "difficulty": "advanced",
        "sections": [
            (
                "Models that earn their keep",
                [
                    "Typical projects are demand forecasting for retail and distribution, credit "
                    "scoring and fraud detection for lenders, churn prediction for subscription "
                    "businesses, and recommendation engines for e-commerce.",
                ],
            ),
            (
                "Platform and MLOps",
                [
                    "We set up the data warehouse (BigQuery, Snowflake or PostgreSQL), pipelines "
                    "in dbt and Airflow, a feature store where it pays off, and model serving "
                    "with monitoring for data drift and accuracy decay. Models are retrained on a "
                    "schedule and every version can be rolled back.",
                ],
            ),
            (
                "Hand-over",
                [
                    "Your engineers pair with ours throughout, and we leave runbooks, tests and "
                    "dashboards so the platform does not depend on us.",
                ],
            ),
        ],
    },
    {
        "slug": "ai-strategy",
        "title": "AI Strategy and Readiness Consulting",
        "summary": "A prioritised roadmap of AI use cases with business cases, data readiness "
        "scores and a governance plan, in two to six weeks.",
        "price_from": 5000,
        "price_to": 50000,
        "duration": "2–6 weeks",
        "outcomes": "Ranked use cases with expected return\nData readiness assessment\n"
        "Build, buy or partner recommendation",
        "topics": ["strategy", "governance", "roi"],
        "difficulty": "beginner",
        "sections": [
            (
                "Finding the first use case",
                [
                    "We interview the people who do the work, map processes and score every idea "
                    "on value, feasibility and risk. The output is a shortlist of three use cases "
                    "with a one-page business case each, not a hundred-slide deck.",
                ],
            ),
            (
                "Readiness and governance",
                [
                    "We assess data quality, access and ownership, and write an AI policy that "
                    "covers acceptable use, human oversight and the Kenya Data Protection Act "
                    "2019 and GDPR where you serve European customers.",
                ],
            ),
        ],
    },
]

CATALOGUE = [
    (
        "AI readiness sprint",
        "Two-week assessment of data, processes and quick wins.",
        5000,
        12000,
        "2 weeks",
        "ai-strategy",
    ),
    (
        "Customer-service chatbot pilot",
        "One channel, top 50 intents, agent hand-over.",
        8000,
        20000,
        "6 weeks",
        "ai-chatbots",
    ),
    (
        "Document automation pilot",
        "One document type extracted and posted to your ERP.",
        12000,
        30000,
        "8 weeks",
        "process-automation",
    ),
    (
        "Forecasting model",
        "Demand or cash-flow forecast with monitoring and retraining.",
        15000,
        60000,
        "10–16 weeks",
        "data-ml-platforms",
    ),
    (
        "Managed AI operations",
        "Monitoring, retraining and support for systems in production, billed monthly.",
        1500,
        8000,
        "monthly",
        "",
    ),
]

FAQS = [
    (
        "How long does it take to get an AI pilot into production?",
        "Most pilots are live with real users in six to eight weeks. Discovery takes two weeks, "
        "the pilot four to six, and we only scale once the pilot meets the success measure we "
        "agreed at the start.",
        "strategy",
    ),
    (
        "Do you work with small companies?",
        "Yes. About a third of our clients have fewer than 50 employees. For them we usually "
        "start with a fixed-price readiness sprint or a single-channel chatbot pilot.",
        "strategy",
    ),
    (
        "Where is our data stored and who can see it?",
        "Your data stays in your cloud account or in a region you choose (for example AWS "
        "Cape Town or Azure South Africa North). We sign a data processing agreement, and no "
        "customer data is used to train third-party models.",
        "governance",
    ),
    (
        "Can the chatbot speak Swahili?",
        "Yes. Our assistants handle English and Swahili, including mixed Sheng-style messages, "
        "and we test them with native speakers before launch.",
        "chatbots",
    ),
    (
        "What happens after the project ends?",
        "You own the code and models. Many clients keep us on a managed operations plan for "
        "monitoring, retraining and support, billed monthly from $1,500.",
        "mlops",
    ),
    (
        "How do you price projects?",
        "Discovery and pilots are fixed price. Larger builds are priced per milestone, and "
        "managed operations are a monthly fee. Every proposal states the expected return.",
        "roi",
    ),
]
