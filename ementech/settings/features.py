"""Settings of the product's own rules: lead scoring and privacy retention (read into
``ementech.settings.base``)."""

from __future__ import annotations

import environ

env = environ.Env()

# --- scoring ------------------------------------------------------------------------------

# Weights of the rule-based model (seed 4.4 `predictConversion`); features left out weigh 0.
# Override with a JSON object, e.g. SCORING_WEIGHTS='{"budget": 0.3, "industry": 0.05}'.
SCORING_WEIGHTS = env.json(
    "SCORING_WEIGHTS",
    default={
        "engagement": 0.25,
        "visit_frequency": 0.10,
        "content_depth": 0.05,
        "budget": 0.20,
        "timeline": 0.15,
        "authority": 0.15,
        "buying_stage": 0.10,
    },
)
# Engagement halves every this many days without activity.
SCORING_ENGAGEMENT_HALF_LIFE_DAYS = env.float("SCORING_ENGAGEMENT_HALF_LIFE_DAYS", default=30.0)
SCORING_GRADE_THRESHOLDS = env.json("SCORING_GRADE_THRESHOLDS", default={"A": 80, "B": 60, "C": 40})
SCORING_TARGET_INDUSTRIES = env.list(
    "SCORING_TARGET_INDUSTRIES",
    default=[
        "technology",
        "software",
        "finance",
        "fintech",
        "banking",
        "healthcare",
        "insurance",
        "telecommunications",
        "logistics",
        "retail",
        "ecommerce",
        "manufacturing",
        "education",
    ],
)
SCORING_DEBOUNCE_SECONDS = env.int("SCORING_DEBOUNCE_SECONDS", default=30)
SCORING_BULK_CHUNK = env.int("SCORING_BULK_CHUNK", default=10000)
# Learned model: minimum labelled leads (and per class) and the share held out (latest).
SCORING_MIN_OUTCOMES = env.int("SCORING_MIN_OUTCOMES", default=60)
SCORING_MIN_PER_CLASS = env.int("SCORING_MIN_PER_CLASS", default=15)
SCORING_HOLDOUT_FRACTION = env.float("SCORING_HOLDOUT_FRACTION", default=0.3)
SCORING_MIN_AUC_GAIN = env.float("SCORING_MIN_AUC_GAIN", default=0.01)
# Next-best actions from the LLM when a remote provider is configured, else rules.
SCORING_ACTIONS_USE_LLM = env.bool("SCORING_ACTIONS_USE_LLM", default=True)
# Alert email when the lead has no assigned rep ("" = no email then).
SCORING_ALERT_FALLBACK_EMAIL = env.str("SCORING_ALERT_FALLBACK_EMAIL", default="")
SCORING_SLACK_TIMEOUT = env.float("SCORING_SLACK_TIMEOUT", default=5.0)

# --- privacy ----------------------------------------------------------------------------------

# Retention periods in days (seed 11.2); each can be overridden from the environment.
PRIVACY_RETENTION_DAYS = {
    "interactions": env.int("RETENTION_INTERACTIONS_DAYS", default=90),
    "conversations": env.int("RETENTION_CONVERSATIONS_DAYS", default=180),
    "leads_unconverted": env.int("RETENTION_LEADS_DAYS", default=730),
    "customers": env.int("RETENTION_CUSTOMERS_DAYS", default=2555),
    "newsletter_unconfirmed": env.int("RETENTION_NEWSLETTER_UNCONFIRMED_DAYS", default=30),
    "data_requests": env.int("RETENTION_DATA_REQUESTS_DAYS", default=30),
}
PRIVACY_RETENTION_BATCH_SIZE = env.int("PRIVACY_RETENTION_BATCH_SIZE", default=500)
PRIVACY_REQUEST_LINK_HOURS = env.int("PRIVACY_REQUEST_LINK_HOURS", default=24)
PRIVACY_CONSENT_COOKIE_DAYS = env.int("PRIVACY_CONSENT_COOKIE_DAYS", default=180)
