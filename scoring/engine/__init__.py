"""The scoring engine: features (seed 4.4), the weighted rules, learned-model scoring and
factors that add up to the score.

Pure computation, no writes: ``services`` reads rows, calls :func:`score_rows` and writes the
results set-based. Everything here works on plain tuples so that bulk rescoring stays fast.

Features, each normalised to 0..1 (the seed's ``extractFeatures``):

- behavioural (the **engagement** sub-score): ``engagement`` (points per interaction type),
  ``visit_frequency`` (visits / 10), ``content_depth`` (distinct pages + 5 per download,
  registration, ROI calculation or assessment, / 50), ``time_on_site`` (seconds / 1800).
  They decay by half every ``SCORING_ENGAGEMENT_HALF_LIFE_DAYS`` days without activity.
- profile (the **fit** sub-score): ``company_size``, ``industry`` (target industries score
  highest), ``role``, ``seniority``, ``budget``, ``timeline``, ``authority``,
  ``buying_stage``, ``pain_points``, ``tech_stack``.

Score = 100 * sum(weight * value) / sum(weights); the factors are each feature's share of
that sum (hundredths, rounded so that they add up exactly to the integer score).

One module per banner (re-exported here): ``features`` (names, weights' inputs and the
value tables), ``inputs`` (lead columns, activity and configuration, feature values) and
``factors`` (scores, factors and explanations).
"""

from __future__ import annotations

from scoring.engine.factors import (
    RulesModel,
    Scored,
    apportion,
    apportion_rows,
    explain,
    factor_text,
    score_rows,
)
from scoring.engine.features import (
    AUTHORITY,
    BEHAVIOURAL,
    BUDGET,
    BUYING_STAGE,
    COMPANY_SIZE,
    CONTENT_DEPTH_FULL,
    DEEP_CONTENT_TYPES,
    ENGAGEMENT_FULL,
    FEATURE_GROUPS,
    FEATURE_INDEX,
    FEATURE_LABELS,
    FEATURES,
    INTERACTION_POINTS,
    INTERACTION_TYPES,
    N_BEHAVIOURAL,
    PROFILE,
    ROLE_KEYWORDS,
    SENIORITY,
    TIME_ON_SITE_FULL,
    TIMELINE,
    VISITS_FULL,
)
from scoring.engine.inputs import (
    EMPTY_ACTIVITY,
    LEAD_COLUMNS,
    Activity,
    C,
    Config,
    decay_factor,
    feature_values,
    last_activity,
)

__all__ = [
    "AUTHORITY",
    "Activity",
    "BEHAVIOURAL",
    "BUDGET",
    "BUYING_STAGE",
    "C",
    "COMPANY_SIZE",
    "CONTENT_DEPTH_FULL",
    "Config",
    "DEEP_CONTENT_TYPES",
    "EMPTY_ACTIVITY",
    "ENGAGEMENT_FULL",
    "FEATURES",
    "FEATURE_GROUPS",
    "FEATURE_INDEX",
    "FEATURE_LABELS",
    "INTERACTION_POINTS",
    "INTERACTION_TYPES",
    "LEAD_COLUMNS",
    "N_BEHAVIOURAL",
    "PROFILE",
    "ROLE_KEYWORDS",
    "RulesModel",
    "SENIORITY",
    "Scored",
    "TIMELINE",
    "TIME_ON_SITE_FULL",
    "VISITS_FULL",
    "apportion",
    "apportion_rows",
    "decay_factor",
    "explain",
    "factor_text",
    "feature_values",
    "last_activity",
    "score_rows",
]
