"""Demo case studies: fintech, logistics, healthcare, retail, insurance."""

CASE_STUDIES = [
    {
        "slug": "fintech-fraud-detection",
        "title": "Digital lender cuts card fraud by 94%",
        "client_name": "A Series A digital lender in Nairobi",
        "industry": "fintech",
        "company_size": "51-200",
        "difficulty": "intermediate",
        "topics": ["data-ml", "mlops"],
        "summary": "A real-time fraud model on mobile-money and card transactions reduced "
        "fraud losses by 94% within six months while keeping false declines under 0.5%.",
        "challenge": "Fraud losses had tripled in a year as the lender grew, and the rule-based "
        "system blocked so many genuine customers that support could not keep up.",
        "results": [
            ("94%", "reduction in fraud losses"),
            ("0.4%", "false decline rate"),
            ("3x", "return on investment in the first year"),
        ],
        "sections": [
            (
                "The approach",
                [
                    "We trained a gradient-boosted model on eighteen months of labelled "
                    "transactions, with features such as device fingerprint changes, velocity "
                    "of M-Pesa top-ups and distance from the usual location. The model scores "
                    "each transaction in under 40 milliseconds inside the payment flow.",
                    "Analysts review the riskiest one percent in a case-management queue, and "
                    "their decisions feed the next weekly retraining.",
                ],
            ),
            (
                "Results",
                [
                    "Within six months fraud losses fell by 94%, false declines dropped from "
                    "3% to 0.4%, and the project paid for itself three times over in its first "
                    "year.",
                ],
            ),
        ],
    },
    {
        "slug": "logistics-route-optimisation",
        "title": "Logistics company saves 18% on fuel with AI dispatch",
        "client_name": "A regional freight and last-mile delivery company",
        "industry": "logistics",
        "company_size": "201-500",
        "difficulty": "advanced",
        "topics": ["data-ml", "automation"],
        "summary": "Route optimisation and delivery-time prediction for 340 trucks across "
        "Kenya and Uganda cut fuel costs by 18% and raised on-time delivery to 96%.",
        "challenge": "Dispatchers planned routes by hand each morning from spreadsheets, "
        "trucks ran half empty on return legs, and customers had no reliable arrival times.",
        "results": [
            ("18%", "lower fuel cost per delivery"),
            ("96%", "on-time deliveries"),
            ("2 hours", "saved by each dispatcher every morning"),
        ],
        "sections": [
            (
                "The approach",
                [
                    "We combined a vehicle-routing solver with a machine-learning model that "
                    "predicts travel times from GPS history, border-crossing queues at Malaba "
                    "and Busia, and weather. Dispatchers get a proposed plan at 5 a.m. and can "
                    "drag stops between trucks before drivers set off.",
                    "Back-haul loads are matched automatically so fewer trucks return empty.",
                ],
            ),
            (
                "Results",
                [
                    "Fuel cost per delivery fell by 18%, on-time delivery rose from 81% to 96%, "
                    "and customers now receive an SMS with a two-hour arrival window.",
                ],
            ),
        ],
    },
    {
        "slug": "healthcare-patient-assistant",
        "title": "Hospital group halves missed appointments with a patient assistant",
        "client_name": "A private hospital group with eleven clinics",
        "industry": "healthcare",
        "company_size": "500+",
        "difficulty": "beginner",
        "topics": ["chatbots", "governance"],
        "summary": "A WhatsApp assistant for booking, reminders and pre-visit questions cut "
        "missed appointments by 52% and took 9,000 calls a month off the call centre.",
        "challenge": "One in five outpatient appointments was missed, the call centre was "
        "overloaded on Monday mornings, and patient data had to stay in the country.",
        "results": [
            ("52%", "fewer missed appointments"),
            ("9,000", "calls a month handled by the assistant"),
            ("4.6/5", "patient satisfaction with the assistant"),
        ],
        "sections": [
            (
                "The approach",
                [
                    "Patients book, reschedule and cancel appointments on WhatsApp in English or "
                    "Swahili. The assistant sends reminders 48 and 3 hours before a visit and "
                    "answers preparation questions, such as fasting before a blood test, from "
                    "the hospital's approved patient leaflets.",
                    "It never gives a diagnosis: symptoms are routed to a triage nurse, and "
                    "emergencies get the emergency number immediately.",
                ],
            ),
            (
                "Privacy",
                [
                    "All patient data is hosted in a Nairobi data centre, access is logged, and "
                    "the system was reviewed against the Kenya Data Protection Act with the "
                    "hospital's data protection officer before launch.",
                ],
            ),
        ],
    },
    {
        "slug": "retail-demand-forecasting",
        "title": "Supermarket chain reduces stock-outs by 35% with demand forecasting",
        "client_name": "A supermarket chain with 28 stores",
        "industry": "retail",
        "company_size": "500+",
        "difficulty": "intermediate",
        "topics": ["data-ml", "roi"],
        "summary": "Store-level demand forecasts for 12,000 products reduced stock-outs by "
        "35% and cut waste of fresh produce by 22%.",
        "challenge": "Buyers ordered from last year's sales, so promotions and public "
        "holidays regularly emptied shelves while fresh produce was thrown away.",
        "results": [
            ("35%", "fewer stock-outs"),
            ("22%", "less fresh-produce waste"),
            ("KES 140M", "working capital released from excess stock"),
        ],
        "sections": [
            (
                "The approach",
                [
                    "We built daily forecasts per store and product using sales history, "
                    "promotions, school terms, public holidays and paydays, which drive a sharp "
                    "spike in demand at the end of each month. Buyers see suggested orders in "
                    "their existing ordering screen and can override them with a reason.",
                ],
            ),
            (
                "Results",
                [
                    "Stock-outs fell by 35%, fresh-produce waste by 22%, and lower safety stock "
                    "released about KES 140 million of working capital in the first year.",
                ],
            ),
        ],
    },
    {
        "slug": "insurance-claims-automation",
        "title": "Insurer processes motor claims four times faster",
        "client_name": "A general insurer in East Africa",
        "industry": "insurance",
        "company_size": "201-500",
        "difficulty": "intermediate",
        "topics": ["automation"],
        "summary": "Automated intake of claim forms, police abstracts and garage quotes cut "
        "motor-claim processing from twelve days to three.",
        "challenge": "Claims arrived as photos and scans by email and WhatsApp, and clerks "
        "re-typed every document into the claims system.",
        "results": [
            ("4x", "faster claim processing"),
            ("80%", "of documents extracted without manual typing"),
            ("12 → 3", "days to settle a motor claim"),
        ],
        "sections": [
            (
                "The approach",
                [
                    "Documents are classified, fields are extracted and checked against the "
                    "policy, and garage quotes are compared with typical repair costs for the "
                    "vehicle model so inflated quotes are flagged for an assessor.",
                ],
            ),
            (
                "Results",
                [
                    "Eighty percent of documents now go straight through, and the average motor "
                    "claim is settled in three days instead of twelve.",
                ],
            ),
        ],
    },
]
