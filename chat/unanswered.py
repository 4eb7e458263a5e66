"""Questions the assistant could not answer: recorded per turn, grouped by meaning for the
marketers' report (embedding clusters), and answered once as an FAQ that feeds the
knowledge base so the next visitor gets the answer."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db import transaction

from chat.models import Conversation, UnansweredQuestion

SAME_MEANING = 0.62  # cosine: two wordings of one question


def question_record(*, conversation: Conversation | None, text: str) -> UnansweredQuestion:
    return UnansweredQuestion.objects.create(conversation=conversation, text=text.strip()[:2000])


@dataclass
class QuestionGroup:
    ids: list[str] = field(default_factory=list)
    wordings: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def label(self) -> str:
        return self.wordings[0]


def question_groups(*, limit: int = 500) -> list[QuestionGroup]:
    """Open questions grouped greedily by cosine similarity, biggest group first."""
    from ementech.ai.intents import embedder

    rows = list(
        UnansweredQuestion.objects.filter(answered_by_faq__isnull=True)
        .order_by("-created_at")
        .values_list("id", "text")[:limit]
    )
    if not rows:
        return []
    vecs = np.asarray(embedder().embed([t for _, t in rows]), dtype=np.float32)
    groups: list[QuestionGroup] = []
    centres: list[np.ndarray] = []
    for (qid, text), vec in zip(rows, vecs, strict=True):
        sims = [float(c @ vec) for c in centres]
        best = int(np.argmax(sims)) if sims else -1
        if best >= 0 and sims[best] >= SAME_MEANING:
            group = groups[best]
        else:
            group = QuestionGroup()
            groups.append(group)
            centres.append(vec)
        group.ids.append(str(qid))
        if text not in group.wordings:
            group.wordings.append(text)
    return sorted(groups, key=lambda g: -g.count)


@transaction.atomic
def question_answer_as_faq(*, question_ids: list[str], question: str, answer: str):
    """Publish an FAQ for a group of questions and index it for the chat's knowledge."""
    from content.facade import faq_publish

    faq = faq_publish(question=question.strip()[:250], answer=answer.strip())
    UnansweredQuestion.objects.filter(pk__in=question_ids).update(answered_by_faq=faq)
    return faq
