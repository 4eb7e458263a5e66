"""The back office's sidebar (django-unfold): what sales, ops and admins see in the Django
admin, grouped by the work they do rather than by Django app. Each user sees only the
entries they may view, and a group with no such entry is left out.

Referenced by import path from ``settings.UNFOLD`` (callables that take the request)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Entry:
    title: str
    icon: str
    model: str = ""  # "app_label.model_name": the changelist, shown with the view permission
    link: str = ""  # a plain URL instead of a model
    permission: str = ""  # for a plain URL: the permission that shows it ("" = any staff)


SALES = "Sales"
NAVIGATION: tuple[tuple[str, tuple[Entry, ...]], ...] = (
    (
        SALES,
        (
            Entry("Live dashboard", "monitoring", link="/dashboard/", permission="leads.view_lead"),
            Entry("Leads", "person_search", "leads.lead"),
            Entry("Conversations", "forum", "chat.conversation"),
            Entry("Demo bookings", "event_available", "chat.demobooking"),
            Entry("Event registrations", "how_to_reg", "events.eventregistration"),
            Entry("Score alerts", "local_fire_department", "scoring.scorealert"),
            Entry("Notifications", "notifications", "leads.salesnotification"),
            Entry("Interventions", "bolt", "predictions.interventionrule"),
            Entry("Unverified submissions", "rule", "leads.leadaudit"),
            Entry("Inferred leads", "psychology", "leads.inferredlead"),
            Entry("Profile inferences", "manage_search", "leads.profileinference"),
            Entry("Sales availability", "schedule", "chat.salesavailability"),
        ),
    ),
    (
        "Marketing & nurture",
        (
            Entry(
                "CMS (pages, events, resources)",
                "edit_note",
                link="/cms/",
                permission="wagtailadmin.access_admin",
            ),  # fmt: skip
            Entry("Subscribers", "group", "nurture.subscriber"),
            Entry("Newsletters", "newspaper", "nurture.newsletter"),
            Entry("Newsletter issues", "article", "nurture.newsletterissue"),
            Entry("Issue deliveries", "outgoing_mail", "nurture.issuedelivery"),
            Entry("Sequences", "route", "nurture.sequence"),
            Entry("Enrolments", "playlist_add_check", "nurture.enrolment"),
            Entry("Outbound emails", "mail", "mail.outboundemail"),
            Entry("Tool results", "calculate", "tools.toolresult"),
            Entry("Exit offers", "logout", "tools.exitoffer"),
        ),
    ),
    (
        "Insight",
        (
            Entry("Interactions", "ads_click", "analytics.interaction"),
            Entry("Score history", "timeline", "scoring.scoresnapshot"),
            Entry("Scoring models", "model_training", "scoring.scoringmodel"),
            Entry("Model metrics", "query_stats", "analytics.metric"),
            Entry("Attendance imports", "upload_file", "events.attendanceimport"),
        ),
    ),
    (
        "Privacy & consent",
        (
            Entry("Consent records", "verified_user", "leads.consentrecord"),
            Entry("Visitors", "fingerprint", "leads.visitor"),
            Entry("Data requests", "contact_mail", "privacy.datarequest"),
            Entry("Deletion log", "delete_sweep", "privacy.deletionlog"),
            Entry("Suppressions", "block", "privacy.suppression"),
        ),
    ),
    (
        "Integrations",
        (
            Entry("CRM links", "link", "integrations.crmlink"),
            Entry("Sync conflicts", "sync_problem", "integrations.syncconflict"),
            Entry("Remote erasures", "cloud_off", "integrations.remoteerasure"),
            Entry("Zoom meetings", "videocam", "integrations.zoommeeting"),
        ),
    ),
    (
        "Administration",
        (
            Entry("Staff users", "badge", "auth.user"),
            Entry("Roles (groups)", "groups", "auth.group"),
            Entry("API tokens", "key", "authtoken.tokenproxy"),
            Entry("Login attempts", "lock", "axes.accessattempt"),
            Entry("Login failures", "lock_clock", "axes.accessfailurelog"),
            Entry("Health (JSON)", "health_and_safety", link="/health"),
        ),
    ),
)


def _changelist(model: str) -> str | None:
    app_label, model_name = model.split(".")
    try:
        return reverse(f"admin:{app_label}_{model_name}_changelist")
    except NoReverseMatch:  # the app has no admin for it (or is not installed)
        return None


def sidebar_navigation(request: HttpRequest) -> list[dict]:
    """The sidebar groups for this user: entries they may view, in the order sales work."""
    user = request.user
    path = request.path
    groups = []
    for title, entries in NAVIGATION:
        items = []
        for entry in entries:
            if entry.model:
                link = _changelist(entry.model)
                app_label, model_name = entry.model.split(".")
                allowed = link is not None and (
                    user.has_perm(f"{app_label}.view_{model_name}")
                    or user.has_perm(f"{app_label}.change_{model_name}")
                )
            else:
                link = entry.link
                allowed = not entry.permission or user.has_perm(entry.permission)
            if not allowed:
                continue
            items.append(
                {
                    "title": entry.title,
                    "icon": entry.icon,
                    "link": link,
                    "active": bool(entry.model) and path.startswith(link),
                }
            )
        if items:
            groups.append({"title": title, "separator": True, "items": items})
    return groups


def is_superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_superuser)


def stylesheet_url(request: HttpRequest) -> str:
    """The back office's own styles on top of unfold's (timeline, transcript, tables)."""
    return static("css/admin.css")


def favicon_url(request: HttpRequest) -> str:
    return static("img/favicon.svg")
