"""Demo data of the tools app: nothing to seed (the calculators need no content); the
module exists so ``load_demo`` reports the tools as loaded."""

from __future__ import annotations


def load(log) -> None:
    from tools import assessment, roi

    log(
        f"tools: ROI calculator ({len(roi.PAIN_POINTS)} pain points), "
        f"assessment ({len(assessment.QUESTIONS)} questions)"
    )
