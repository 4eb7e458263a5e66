"""The personal-data registry: every model that holds data about a person, in one place.

Each ``PersonalData`` entry says how to find a data subject's rows (by lead, by visitor,
by email, or a custom finder), which fields are personal, and what erasure does to the
rows: ``DELETE`` them or ``ANONYMISE`` the personal fields (and which text fields are
deliberately kept). Export, erasure and the registry tests are driven by this list, so a
model that is not declared here (or allowed in ``NON_PERSONAL``) fails
``tests/privacy/test_registry.py`` and ``manage.py check`` (``privacy.W001``).

Entries name models by label and are resolved lazily, so the registry can describe apps
that are still being built: a label whose model does not exist is skipped.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from privacy.hashing import email_hash, erased_email

DELETE = "delete"
ANONYMISE = "anonymise"


@dataclass
class Subject:
    """Whom a request is about: their lead ids, visitor ids and (normalised) addresses."""

    lead_ids: set[uuid.UUID] = field(default_factory=set)
    visitor_ids: set[uuid.UUID] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)

    @property
    def email_hashes(self) -> set[str]:
        return {email_hash(e) for e in self.emails}

    def is_empty(self) -> bool:
        return not (self.lead_ids or self.visitor_ids or self.emails or self.phones)


Replacement = Callable[[models.Model, Subject], Any]


def model_for_label(label: str) -> type[models.Model] | None:
    """The installed model a registry entry names (``"app_label.ModelName"``), or None.

    The registry is a table of labels on purpose: ``privacy.W001`` compares it with every
    installed model, whichever app owns it, so it resolves labels against the installed
    models rather than importing each app's models."""
    wanted = label.lower()
    for model in apps.get_models(include_auto_created=True, include_swapped=True):
        if model._meta.label_lower == wanted:
            return model
    return None


@dataclass(frozen=True)
class PersonalData:
    label: str
    lead: str | None = None
    visitor: str | None = None
    email: str | None = None
    finder: Callable[[Subject], Q | None] | None = None
    erase: str = DELETE
    personal: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    replacements: dict[str, Replacement] = field(default_factory=dict)
    export_exclude: tuple[str, ...] = ()
    note: str = ""

    def model(self) -> type[models.Model] | None:
        return model_for_label(self.label)

    def manager(self, model: type[models.Model]) -> models.Manager:
        # Soft-deleted rows are still personal data: use the base manager (all rows).
        return model._base_manager

    def q_for(self, subject: Subject) -> Q | None:
        """The filter selecting this subject's rows, or None if nothing can match."""
        parts: list[Q] = []
        if self.lead and subject.lead_ids:
            parts.append(Q(**{f"{self.lead}__in": list(subject.lead_ids)}))
        if self.visitor and subject.visitor_ids:
            parts.append(Q(**{f"{self.visitor}__in": list(subject.visitor_ids)}))
        if self.email:
            for address in sorted(subject.emails):
                parts.append(Q(**{f"{self.email}__iexact": address}))
        if self.finder is not None:
            custom = self.finder(subject)
            if custom is not None:
                parts.append(custom)
        if not parts:
            return None
        query = parts[0]
        for part in parts[1:]:
            query |= part
        return query

    def queryset(self, subject: Subject) -> models.QuerySet | None:
        model = self.model()
        if model is None:
            return None
        query = self.q_for(subject)
        if query is None:
            return None
        return self.manager(model).filter(query).distinct()


# --- custom finders and replacements -----------------------------------------------------


def _admin_log_finder(subject: Subject) -> Q | None:
    """Django admin history rows about the subject's lead and visitor objects."""
    from django.contrib.contenttypes.models import ContentType

    from leads.models import Lead, Visitor

    parts = Q(pk__in=[])
    for model, ids in ((Lead, subject.lead_ids), (Visitor, subject.visitor_ids)):
        if ids:
            ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
            parts |= Q(content_type=ct, object_id__in=[str(i) for i in ids])
    return parts


def _form_submission_finder(subject: Subject) -> Q | None:
    parts = Q(pk__in=[])
    for address in subject.emails:
        parts |= Q(form_data__email__iexact=address)
    return parts


def _data_request_finder(subject: Subject) -> Q | None:
    parts = Q(lead_id__in=list(subject.lead_ids))
    hashes = subject.email_hashes
    if hashes:
        parts |= Q(email_hash__in=list(hashes))
    return parts


PHONE_TAIL_DIGITS = 9  # national number without the country or trunk prefix


def phone_pattern(phone: str) -> str | None:
    """A regex finding a phone number as people type it (spaces, dots, dashes, brackets
    between digits; any country prefix); None when too short to be specific."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return None
    return r"[\s().-]*".join(digits[-PHONE_TAIL_DIGITS:])


def _typed_text_q(subject: Subject, prefix: str = "") -> Q:
    """Chat messages in which the person typed one of their addresses or phone numbers."""
    parts = Q(pk__in=[])
    for address in subject.emails:
        parts |= Q(**{f"{prefix}content__icontains": address})
    for phone in subject.phones:
        pattern = phone_pattern(phone)
        if pattern:
            parts |= Q(**{f"{prefix}content__iregex": pattern})
    return parts


def _conversations_typed_in(subject: Subject) -> Q:
    """Conversations found by what the person typed, whoever they were linked to: details
    given before the consent box was ticked never reached a lead or visitor."""
    from chat.models import Message

    typed = Message.objects.filter(_typed_text_q(subject)).values("conversation_id")
    parts = Q(pk__in=typed)
    for address in subject.emails:
        parts |= Q(collected__email__iexact=address)
    for phone in subject.phones:
        pattern = phone_pattern(phone)
        if pattern:
            parts |= Q(collected__phone__iregex=pattern)
    return parts


def _conversation_finder(subject: Subject) -> Q | None:
    if not (subject.emails or subject.phones):
        return None
    return _conversations_typed_in(subject)


def _message_finder(subject: Subject) -> Q | None:
    if not (subject.emails or subject.phones):
        return None
    from chat.models import Conversation

    found = Conversation._base_manager.filter(_conversations_typed_in(subject)).values("pk")
    return Q(conversation__in=found)


def _attendance_finder(subject: Subject) -> Q | None:
    parts = Q(pk__in=[])
    for address in subject.emails:
        parts |= Q(unmatched__icontains=address)
    return parts


def _attendance_without_subject(obj: models.Model, subject: Subject) -> Any:
    rows = obj.unmatched if isinstance(obj.unmatched, list) else []
    return [
        row for row in rows if not any(address in str(row).lower() for address in subject.emails)
    ]


def _erased_to_email(obj: models.Model, subject: Subject) -> str:
    return erased_email(obj.to_email)


def _erased_email(obj: models.Model, subject: Subject) -> str:
    return erased_email(getattr(obj, "email_normalized", "") or getattr(obj, "email", ""))


def _now(obj: models.Model, subject: Subject) -> Any:
    from django.utils import timezone

    return timezone.now()


def _erased_label(obj: models.Model, subject: Subject) -> str:
    return "[erased]"


# --- the registry --------------------------------------------------------------------------

REGISTRY: tuple[PersonalData, ...] = (
    PersonalData(
        "leads.Lead",
        lead="pk",
        email="email_normalized",
        erase=ANONYMISE,
        personal=(
            "email",
            "email_normalized",
            "name",
            "company",
            "role",
            "phone",
            "website",
            "linkedin",
            "decision_process",
            "seniority",
            "tech_stack",
            "competitors",
            "pain_points",
            "interests",
            "profile_extra",
            "ai_data",
            "preferences",
            "inferred_fields",
            "score_factors",
            "industry",
            "company_size",
            "budget",
            "timeline",
            "authority",
            "erased_at",
            "deleted_at",
        ),
        kept=(
            "stage",
            "outcome",
            "buying_stage",
            "source",
            "medium",
            "campaign",
            "grade",
        ),
        replacements={
            "email": _erased_email,
            "email_normalized": _erased_email,
            "erased_at": _now,
            "deleted_at": _now,
        },
        note="The row is kept (anonymised) so aggregate funnel counts stay right.",
    ),
    PersonalData(
        "leads.Visitor",
        lead="lead",
        visitor="pk",
        email="claimed_email",
        note="A browser that typed the address without proving it (claimed) is found by it.",
    ),
    PersonalData("leads.VerificationLink", lead="lead", note="token stored as SHA-256 only"),
    PersonalData(
        "leads.ConsentRecord",
        lead="lead",
        visitor="visitor",
        note="Deleted with the person: once they are erased there is nobody to prove consent for.",
    ),
    PersonalData("leads.LeadAudit", lead="lead", note="`changes` holds old field values."),
    PersonalData("leads.LeadTrigger", lead="lead"),
    PersonalData("leads.SalesNotification", lead="lead", note="messages name the lead"),
    PersonalData("analytics.Interaction", lead="lead", visitor="visitor"),
    PersonalData(
        "chat.Conversation",
        lead="lead",
        visitor="visitor",
        finder=_conversation_finder,
        note="Also found by an address or phone typed in it (before consent: no lead yet). "
        "Deleting a conversation deletes its messages (cascade).",
    ),
    PersonalData(
        "chat.Message",
        lead="conversation__lead",
        visitor="conversation__visitor",
        finder=_message_finder,
    ),
    PersonalData("chat.DemoBooking", lead="lead"),
    PersonalData(
        "chat.UnansweredQuestion",
        lead="conversation__lead",
        visitor="conversation__visitor",
        note="The visitor's own wording of a question the assistant could not answer.",
    ),
    PersonalData(
        "events.EventRegistration",
        lead="lead",
        erase=ANONYMISE,
        personal=("data",),
        kept=("source",),
        note="The row stays (seat counts, attendance totals); the answers the person gave go.",
    ),
    PersonalData(
        "events.AttendanceImport",
        finder=_attendance_finder,
        erase=ANONYMISE,
        personal=("unmatched",),
        kept=("filename",),
        replacements={"unmatched": _attendance_without_subject},
        note="Unmatched attendee rows from an uploaded list: the person's entries are removed.",
    ),
    PersonalData(
        "nurture.OutboundEmail",
        lead="lead",
        email="to_email",
        erase=ANONYMISE,
        personal=(
            "to_email",
            "subject",
            "body_text",
            "body_html",
            "headers",
            "attachment_names",
            "attachments_data",
            "error",
        ),
        kept=("template", "category"),
        replacements={"to_email": _erased_to_email},
        note="Send/open/click counts stay for campaign totals; address and bodies go.",
    ),
    PersonalData("nurture.Subscriber", lead="lead", email="email_normalized"),
    PersonalData(
        "nurture.Subscription", lead="subscriber__lead", email="subscriber__email_normalized"
    ),
    PersonalData(
        "nurture.IssueDelivery", lead="subscriber__lead", email="subscriber__email_normalized"
    ),
    PersonalData("nurture.Enrolment", lead="lead"),
    PersonalData("nurture.StepSend", lead="enrolment__lead"),
    PersonalData("scoring.ScoreSnapshot", lead="lead", note="score history"),
    PersonalData("scoring.ScoreAlert", lead="lead"),
    PersonalData("scoring.Metric", lead="lead"),
    PersonalData("content.ContentEngagement", lead="lead", visitor="visitor"),
    PersonalData("content.PersonalisedFeed", lead="lead", visitor="visitor"),
    PersonalData("content.DownloadGrant", lead="lead"),
    PersonalData("tools.ToolResult", lead="lead", visitor="visitor"),
    PersonalData("tools.ExitOffer", lead="lead", visitor="visitor"),
    PersonalData("tools.ProfileInference", lead="lead"),
    PersonalData("integrations.CrmLink", lead="lead", note="HubSpot id of the lead's contact"),
    PersonalData("integrations.SyncConflict", lead="lead", note="both sides' field values"),
    PersonalData("integrations.ZoomRegistrant", lead="registration__lead"),
    PersonalData("experiments.Exposure", visitor="visitor", note="experiment exposures"),
    PersonalData(
        "admin.LogEntry",
        finder=_admin_log_finder,
        erase=ANONYMISE,
        personal=("object_repr", "change_message"),
        kept=("object_id",),
        replacements={"object_repr": _erased_label},
        note="Admin history keeps that an object changed, not what it said.",
    ),
    PersonalData(
        "wagtailforms.FormSubmission",
        finder=_form_submission_finder,
        note="Wagtail form pages a marketer may build; matched on the form's email field.",
    ),
    PersonalData(
        "privacy.DataRequest",
        finder=_data_request_finder,
        erase=ANONYMISE,
        personal=("lead_id",),
        kept=("kind", "status", "email_hash", "token_hash", "idempotency_key"),
        export_exclude=("token_hash",),
        note="Kept as proof a request was made; only the keyed hash of the address remains.",
    ),
)

# Models that hold no data about visitors or leads, with the reason.
NON_PERSONAL: dict[str, str] = {
    "core.OutboxMessage": "task names and their id arguments (tasks take ids, never values)",
    "analytics.TrackedBatch": "random client batch ids and event counts",
    "privacy.DeletionLog": "hashed address, method and counts only (by design)",
    "privacy.Suppression": "keyed hash of an erased address only (by design)",
    "leads.RoundRobinState": "last staff user picked by a rotation",
    "content.ContactFormField": "the contact form's field definitions (labels, choices)",
    "content.KnowledgeIndex": "embedding model names and index build state",
    "auth.User": "staff accounts, managed by ops; not data subjects of the platform",
    "auth.Group": "roles",
    "auth.Permission": "permission names",
    "contenttypes.ContentType": "model names",
    "sessions.Session": "staff sessions; expire after SESSION_COOKIE_AGE",
    "sites.Site": "site names",
    "authtoken.Token": "staff API tokens",
    "authtoken.TokenProxy": "staff API tokens",
    "axes.AccessAttempt": "staff login attempts (django-axes lockout audit)",
    "axes.AccessLog": "staff logins (django-axes audit)",
    "axes.AccessFailureLog": "staff failed logins (django-axes audit)",
    "account.EmailAddress": "staff login addresses (allauth)",
    "account.EmailConfirmation": "staff login addresses (allauth)",
    "taggit.Tag": "content tags",
    "taggit.TaggedItem": "content tags",
    "nurture.Newsletter": "newsletter definitions",
    "nurture.NewsletterIssue": "newsletter issues written by marketers",
    "nurture.Sequence": "nurture sequence definitions",
    "nurture.SequenceStep": "nurture sequence steps",
    "nurture.TriggerCursor": "position of the trigger scanner",
    "scoring.ScoringModel": "trained model weights and aggregate metrics, no per-lead rows",
    "content.ContentChunk": "knowledge-base chunks of published pages (scanned at erasure)",
    "content.Topic": "content taxonomy",
    "content.FAQ": "published FAQ answers",
    "content.ServiceCatalogueItem": "service catalogue written by marketers",
    "integrations.WebhookReceipt": "HubSpot webhook event ids (replay protection)",
    "integrations.SyncCursor": "positions of incremental syncs",
    "integrations.RemoteErasure": "another system's opaque id, blanked once erased there",
    "integrations.ZoomMeeting": "the Zoom meeting of an event",
    "experiments.Experiment": "experiment definitions written by marketers",
    "experiments.Variant": "experiment variants written by marketers",
    "experiments.ExperimentAudit": "staff actions on experiments (no visitor data)",
}
# Whole third-party apps with no visitor or lead data (CMS content, settings, admin).
NON_PERSONAL_APPS: dict[str, str] = {
    "wagtailcore": "page tree, revisions, workflows: editors' content",
    "wagtailadmin": "editors' admin state",
    "wagtailusers": "editors' profiles (staff)",
    "wagtailimages": "images",
    "wagtaildocs": "documents",
    "wagtailembeds": "oEmbed cache of public media",
    "wagtailredirects": "redirects",
    "wagtailsearch": "search index of published pages",
    "wagtailsnippets": "snippets",
    "wagtailsettings": "site settings",
}

PERSONAL_NAME = re.compile(
    r"(^|_)(e?mail|name|first_name|last_name|full_name|phone|mobile|ip|ip_address|address|"
    r"message|transcript)(_|$)"
)


# Models whose rows are about one person: a foreign key to them makes a model personal.
_SUBJECT_MODELS = frozenset(e.label for e in REGISTRY if e.lead or e.visitor or e.email) - {
    "privacy.DataRequest"
}


# Called with the Subject inside the erasure transaction, before any row is changed, so an
# app can record what must also be erased elsewhere (another system's id) and do it after
# commit. Apps register in their AppConfig.ready().
ErasureHook = Callable[[Subject], None]
_ERASURE_HOOKS: list[ErasureHook] = []


def register_erasure_hook(hook: ErasureHook) -> None:
    if hook not in _ERASURE_HOOKS:
        _ERASURE_HOOKS.append(hook)


def erasure_hooks() -> tuple[ErasureHook, ...]:
    return tuple(_ERASURE_HOOKS)


def entries() -> tuple[PersonalData, ...]:
    return REGISTRY


def entry_for(label: str) -> PersonalData | None:
    for entry in REGISTRY:
        if entry.label == label:
            return entry
    return None


def active_entries() -> list[tuple[PersonalData, type[models.Model]]]:
    """Entries whose model exists in this project right now."""
    found = []
    for entry in REGISTRY:
        model = entry.model()
        if model is not None:
            found.append((entry, model))
    return found


def _is_text_like(f: models.Field) -> bool:
    return isinstance(
        f,
        models.CharField
        | models.TextField
        | models.JSONField
        | models.EmailField
        | models.URLField
        | models.GenericIPAddressField,
    )


def looks_personal(model: type[models.Model]) -> list[str]:
    """Why a model looks like it holds personal data (empty list: it does not)."""
    reasons: list[str] = []
    for f in model._meta.get_fields():
        if not getattr(f, "concrete", False):
            continue
        if f.is_relation and f.related_model is not None and (f.many_to_one or f.one_to_one):
            rel = f.related_model
            target = rel if isinstance(rel, str) else rel._meta.label
            if target in ("leads.Lead", "leads.Visitor") or target in _SUBJECT_MODELS:
                # Rows hanging off a person's rows are about that person too.
                reasons.append(f"{f.name} -> {target}")
            continue
        if isinstance(
            f,
            models.EmailField | models.GenericIPAddressField | models.TextField | models.JSONField,
        ):
            reasons.append(f"{f.name} ({type(f).__name__})")
        elif _is_text_like(f) and PERSONAL_NAME.search(f.name):
            reasons.append(f"{f.name} (name)")
    return reasons


def _is_page(model: type[models.Model]) -> bool:
    """Wagtail pages are editors' published content (their forms are declared separately)."""
    from wagtail.models import Page

    return issubclass(model, Page)


def uncovered_models(models_: Iterable[type[models.Model]] | None = None) -> dict[str, list[str]]:
    """Models that look personal but are neither in the registry nor allowed as non-personal."""
    declared = {e.label for e in REGISTRY}
    missing: dict[str, list[str]] = {}
    for model in models_ if models_ is not None else apps.get_models():
        label = model._meta.label
        if label in declared or label in NON_PERSONAL:
            continue
        if model._meta.proxy and model._meta.concrete_model._meta.label in declared:
            continue  # same rows as the declared concrete model
        reasons = looks_personal(model)
        if model._meta.app_label in NON_PERSONAL_APPS or _is_page(model):
            # CMS content is trusted for its own fields, never for a link to a person.
            reasons = [r for r in reasons if " -> " in r]
        if reasons:
            missing[label] = reasons
    return missing


def _resolves(model: type[models.Model], path: str) -> bool:
    current = model
    for part in path.split("__"):
        if part == "pk":
            return True
        try:
            f = current._meta.get_field(part)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist and friends
            return False
        if f.is_relation and f.related_model is not None:
            current = f.related_model
    return True


def declaration_problems() -> list[str]:
    """Declared lookups/fields that do not exist, and anonymised text fields left undecided."""
    problems: list[str] = []
    for entry, model in active_entries():
        for path in (entry.lead, entry.visitor, entry.email):
            if path and not _resolves(model, path):
                problems.append(f"{entry.label}: lookup {path!r} does not resolve")
        names = {f.name for f in model._meta.concrete_fields} | {
            f.attname for f in model._meta.concrete_fields
        }
        for name in (*entry.personal, *entry.kept, *entry.export_exclude):
            if name not in names:
                problems.append(f"{entry.label}: field {name!r} does not exist")
        if entry.erase == ANONYMISE:
            decided = set(entry.personal) | set(entry.kept)
            for f in model._meta.concrete_fields:
                if f.primary_key or f.name in decided or f.attname in decided:
                    continue
                if _is_text_like(f) and not f.choices:
                    problems.append(
                        f"{entry.label}.{f.name}: text field neither personal nor kept "
                        "(decide what erasure does with it)"
                    )
    return problems
