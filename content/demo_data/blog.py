"""Demo blog posts."""

BLOG_POSTS = [
    {
        "slug": "rag-best-practices",
        "title": "RAG implementation best practices",
        "date": "2025-01-15",
        "author": "Wanjiru Kamau",
        "difficulty": "advanced",
        "topics": ["rag", "chatbots"],
        "summary": "Production-proven patterns for retrieval-augmented generation: chunking, "
        "hybrid search, reranking and evaluation.",
        "sections": [
            (
                "Chunking",
                [
                    "Split documents on sentence and section boundaries, not at a fixed number "
                    "of characters. We use chunks of a few hundred tokens with about 20% overlap, "
                    "and prefix each chunk with the document title and section heading so a "
                    "chunk read on its own still makes sense.",
                ],
            ),
            (
                "Hybrid search and reranking",
                [
                    "Dense embeddings capture meaning but blur exact terms like product codes and "
                    "acronyms; keyword search with BM25 catches those. Fuse both result lists "
                    "with reciprocal rank fusion, then rerank the top twenty candidates with a "
                    "cross-encoder or a hosted reranker before they reach the language model.",
                ],
            ),
            (
                "Evaluate before you ship",
                [
                    "Write a labelled set of real questions with the document that answers each, "
                    "and track recall at five and mean reciprocal rank on every change to the "
                    "pipeline. Most answer-quality problems are retrieval problems.",
                ],
            ),
        ],
    },
    {
        "slug": "building-production-ai-systems",
        "title": "Building production AI systems that stay up",
        "date": "2025-02-03",
        "author": "Brian Otieno",
        "difficulty": "advanced",
        "topics": ["mlops"],
        "summary": "What changes between a demo and a system people depend on: monitoring, "
        "fallbacks, versioning and on-call.",
        "sections": [
            (
                "Plan for the model being wrong or down",
                [
                    "Every call to a language model needs a timeout, a retry budget and a "
                    "fallback: a second provider, a cached answer or a graceful message that "
                    "offers a human. We route between OpenAI and Anthropic models and degrade to "
                    "a local model when both are unavailable.",
                ],
            ),
            (
                "Monitor what users experience",
                [
                    "Track latency percentiles, cost per conversation, the share of answers that "
                    "cite a source, and thumbs-down feedback. Alert on drift in input data, not "
                    "only on errors, because models fail silently.",
                ],
            ),
            (
                "Version everything",
                [
                    "Prompts, models, embeddings and datasets are versioned together so any "
                    "answer can be reproduced, and a bad release can be rolled back in minutes.",
                ],
            ),
        ],
    },
    {
        "slug": "chatbot-human-handoff",
        "title": "When should a chatbot hand over to a human?",
        "date": "2025-03-10",
        "author": "Amina Hassan",
        "difficulty": "beginner",
        "topics": ["chatbots"],
        "summary": "Five signals that a conversation needs a person, and how to hand over "
        "without making the customer repeat themselves.",
        "sections": [
            (
                "Five signals",
                [
                    "Hand over when the customer asks for a person, shows frustration twice, "
                    "when the assistant's confidence is low on two turns in a row, when money or "
                    "health is at stake, or when a high-value lead is ready to talk to sales.",
                ],
            ),
            (
                "A good hand-over",
                [
                    "Pass a three-line summary, the customer's details and the transcript to the "
                    "agent, and tell the customer how long the wait is. Measure how often agents "
                    "have to ask a question the bot already asked.",
                ],
            ),
        ],
    },
    {
        "slug": "measuring-ai-roi",
        "title": "How to measure the ROI of an AI project",
        "date": "2025-04-22",
        "author": "Brian Otieno",
        "difficulty": "beginner",
        "topics": ["roi", "strategy"],
        "summary": "Baseline first, then measure hours saved, revenue protected and quality "
        "gained — and count the running costs honestly.",
        "sections": [
            (
                "Start with a baseline",
                [
                    "Before any build, measure the current process for four weeks: volumes, "
                    "handling time, error rates and cost per transaction. Without a baseline, "
                    "nobody can prove the return later.",
                ],
            ),
            (
                "Count the full cost",
                [
                    "Include model API usage, hosting, monitoring, the people who review "
                    "exceptions and curate content, and retraining. A typical chatbot costs "
                    "between $0.02 and $0.10 per conversation to run.",
                ],
            ),
            (
                "Payback",
                [
                    "Across our projects the median payback period is seven months; automation "
                    "projects pay back fastest because hours saved are easy to count.",
                ],
            ),
        ],
    },
    {
        "slug": "data-readiness",
        "title": "Is your data ready for AI?",
        "date": "2025-05-14",
        "author": "Wanjiru Kamau",
        "difficulty": "beginner",
        "topics": ["strategy", "data-ml"],
        "summary": "A quick test of data readiness: availability, quality, labels, access and "
        "ownership.",
        "sections": [
            (
                "Five questions",
                [
                    "Do you have at least a year of history for the process? Is it in one place "
                    "or scattered across spreadsheets and email? Are outcomes recorded, so a "
                    "model can learn what good looks like? Can engineers get access legally? "
                    "And does someone own the data's quality?",
                ],
            ),
            (
                "What to do if the answer is no",
                [
                    "Start collecting now: a simple form that records outcomes for three months "
                    "is often worth more than years of messy history.",
                ],
            ),
        ],
    },
    {
        "slug": "llm-cost-optimisation",
        "title": "Cutting the cost of large language models by 60%",
        "date": "2025-06-30",
        "author": "Amina Hassan",
        "difficulty": "intermediate",
        "topics": ["roi", "mlops"],
        "summary": "Model routing, caching and shorter prompts cut our clients' LLM bills by "
        "an average of 60% without hurting answer quality.",
        "sections": [
            (
                "Route by difficulty",
                [
                    "Send simple classification and extraction to a small, cheap model and "
                    "reserve the largest model for reasoning-heavy questions. Routing alone "
                    "usually halves the bill.",
                ],
            ),
            (
                "Cache and trim",
                [
                    "Cache answers to repeated questions, trim conversation history to what the "
                    "model needs, and retrieve three good chunks instead of ten mediocre ones. "
                    "Set a monthly budget per feature with alerts at 80%.",
                ],
            ),
        ],
    },
]
