"""AI writing help for marketers (seed 8.2.3, the self-critique pattern): the model drafts or
improves a page section, critiques its draft against the seed's checklist, and revises it.
The marketer sees all three and accepts the revision (or an edit of it) into a draft revision
of the page; nothing is published from here. Only offered when a model key is configured:
the local provider writes no prose worth editing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction

from core.errors import ApplicationError
from ementech.ai import llm_config
from ementech.ai.providers.base import ChatRequest

TASK = "content_generation"  # seed 8.1: Claude first, GPT-4o as fallback
WRITER = (
    "You are an expert content writer for EmenTech, an AI-services company in Nairobi that "
    "builds chatbots, automation and analytics for businesses in Kenya and East Africa. "
    "Write plain text for one section of a web page, in the page's voice. Never invent "
    "clients, figures or prices that the current text or the instruction does not give."
)
CHECKLIST = (
    "Is the tone appropriate for {audience}?",
    "Is the content actionable and specific?",
    "Are there clear examples?",
    "Is it concise but comprehensive?",
    "Does it provide genuine value?",
)
DEFAULT_AUDIENCE = "business decision makers exploring AI"
PAGE_META_FIELDS = {"title", "seo_title", "search_description", "meta_description", "og_title"}


class WritingHelpError(ApplicationError):
    """Every configured model failed; the marketer is told to try again."""

    default_code = ApplicationError.UNAVAILABLE


@dataclass(frozen=True)
class WritingHelp:
    draft: str
    critique: str
    revision: str
    checklist: tuple[str, ...]
    model: str


def writing_help_available() -> bool:
    return llm_config.remote_configured()


def writable_fields(page) -> list[str]:
    """Plain-text fields of the page a marketer can have written (not rich text)."""
    from wagtail.fields import RichTextField

    names = []
    for f in type(page)._meta.get_fields():
        if (
            isinstance(f, models.TextField | models.CharField)
            and not isinstance(f, RichTextField)
            and not f.choices
            and f.editable
            and (isinstance(f, models.TextField) or f.name in ("title", "seo_title"))
        ):
            names.append(f.name)
    # The page's own sections first; the title and search fields every page has last.
    return sorted(names, key=lambda n: n in PAGE_META_FIELDS)


def _ask(system: str, user: str, *, visitor_key: str) -> tuple[str, str]:
    outcome = llm_config.run(
        ChatRequest(
            model="",
            system=system,
            messages=[{"role": "user", "content": user}],
            temperature=0.4,
            max_tokens=900,
            task=TASK,
        ),
        visitor_key=visitor_key,
    )
    if outcome.failed or outcome.budget_refused or not outcome.result.text.strip():
        raise WritingHelpError("The writing models did not answer; try again in a moment.")
    return outcome.result.text.strip(), outcome.result.model


def writing_help(
    *, page_title: str, field_label: str, current: str, instruction: str, audience: str, actor_id
) -> WritingHelp:
    """Draft, critique against the checklist, revise: three model calls, all shown."""
    audience = audience.strip() or DEFAULT_AUDIENCE
    checklist = tuple(item.format(audience=audience) for item in CHECKLIST)
    key = f"staff:{actor_id}"
    brief = (
        f"Page: {page_title}\nSection: {field_label}\nAudience: {audience}\n"
        f"Instruction: {instruction.strip() or 'Improve this section.'}\n"
        f"Current text:\n{current.strip() or '(empty: write it)'}"
    )
    draft, model = _ask(WRITER, f"{brief}\n\nWrite the section. Reply with its text only.",
                        visitor_key=key)  # fmt: skip
    critique, _ = _ask(
        WRITER + "\n\nCRITIQUE CHECKLIST:\n" + "\n".join(f"- {c}" for c in checklist),
        f"{brief}\n\nDraft:\n{draft}\n\nCritique this draft against every item of the "
        "checklist, one short paragraph per item, saying what to change. Do not rewrite it.",
        visitor_key=key,
    )
    revision, _ = _ask(
        WRITER,
        f"{brief}\n\nDraft:\n{draft}\n\nCritique:\n{critique}\n\nRevise the draft so it "
        "answers every point of the critique. Reply with the revised text only.",
        visitor_key=key,
    )
    return WritingHelp(draft, critique, revision, checklist, model)


@transaction.atomic
def writing_accept(*, page, field: str, text: str, user):
    """Put the accepted text in ``field`` of a new draft revision of the page (not live)."""
    if field not in writable_fields(page):
        raise WritingHelpError(
            f"“{field}” is not a text field of this page.", code=ApplicationError.INVALID
        )
    latest = page.get_latest_revision_as_object()
    setattr(latest, field, text.strip())
    return latest.save_revision(user=user, log_action=True)
