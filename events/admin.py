"""Django admin for registrations (Sales view and change): filters, attendance actions,
cancellation through the service (promotes the waitlist) and the Zoom report upload."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from unfold.admin import ModelAdmin

from events.attendance import AttendanceImportError
from events.forms import AttendanceUploadForm
from events.models import AttendanceImport, EventRegistration
from events.services import attendance_import_zoom, attendance_mark, registration_cancel


@admin.register(EventRegistration)
class EventRegistrationAdmin(ModelAdmin):
    list_display = (
        "lead_email",
        "event",
        "status",
        "created_at",
        "attended",
        "attendance_minutes",
        "reminder_24h_sent_at",
        "reminder_1h_sent_at",
        "follow_up_kind",
    )
    list_filter = ("status", "attended", "follow_up_kind", "event")
    search_fields = ("lead__email", "event__title")
    list_select_related = ("lead", "event")
    raw_id_fields = ("lead",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    actions = ("mark_attended", "cancel_registrations")
    readonly_fields = (
        "id",
        "event",
        "lead",
        "status",
        "source",
        "created_at",
        "updated_at",
        "seat_confirmed_at",
        "waitlisted_at",
        "promoted_at",
        "cancelled_at",
        "attended_at",
        "attendance_source",
        "confirmation_sent_at",
        "waitlist_email_sent_at",
        "promotion_email_sent_at",
        "reminder_24h_sent_at",
        "reminder_1h_sent_at",
        "cancellation_email_sent_at",
        "event_cancelled_email_sent_at",
        "follow_up_kind",
        "follow_up_sent_at",
    )
    fieldsets = (
        (None, {"fields": ("id", "event", "lead", "status", "source", "data")}),
        (
            "Engagement",
            {
                "fields": (
                    "attended",
                    "attended_at",
                    "attendance_minutes",
                    "attendance_source",
                    "questions_asked",
                    "poll_responses",
                )
            },
        ),
        (
            "Timeline and emails",
            {
                "fields": (
                    "created_at",
                    "updated_at",
                    *EventRegistration.CYCLE_FIELDS,
                    "follow_up_kind",
                    "follow_up_sent_at",
                )
            },
        ),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # registrations come through the registration service only

    @admin.display(description="Lead", ordering="lead__email")
    def lead_email(self, obj: EventRegistration) -> str:
        return obj.lead.email

    def save_model(self, request, obj, form, change):
        # Marking attendance in the form goes through the service (interaction + log).
        if change and "attended" in form.changed_data and obj.attended:
            obj.attended = False
            super().save_model(request, obj, form, change)
            attendance_mark(registration_ids=[obj.pk], actor=request.user)
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Mark selected as attended", permissions=["change"])
    def mark_attended(self, request: HttpRequest, queryset) -> None:
        changed = attendance_mark(
            registration_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(request, f"{changed} registration(s) newly marked as attended.")

    @admin.action(
        description="Cancel selected (frees seats, promotes the waitlist)", permissions=["change"]
    )
    def cancel_registrations(self, request: HttpRequest, queryset) -> None:
        promoted = 0
        ids = list(queryset.values_list("pk", flat=True))
        for registration_id in ids:
            promoted += len(registration_cancel(registration_id=registration_id).promoted)
        self.message_user(request, f"{len(ids)} cancelled; {promoted} promoted from the waitlist.")

    def get_urls(self):
        urls = super().get_urls()
        custom = [
            path(
                "import-attendance/",
                self.admin_site.admin_view(self.import_attendance_view),
                name="events_eventregistration_import_attendance",
            )
        ]
        return custom + urls

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "import_attendance_url": reverse("admin:events_eventregistration_import_attendance"),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def import_attendance_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        row_errors: dict[int, list[str]] = {}
        if request.method == "POST":
            form = AttendanceUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["report"]
                try:
                    result = attendance_import_zoom(
                        event=form.cleaned_data["event"],
                        content=upload.read(),
                        filename=upload.name,
                        actor=request.user,
                    )
                except AttendanceImportError as exc:
                    row_errors = exc.errors
                    messages.error(request, exc.message)
                else:
                    msg = (
                        f"Imported {result.log.rows} row(s): {result.marked} attendee(s) marked "
                        f"({result.newly_attended} new)."
                    )
                    if result.unmatched_rows:
                        msg += (
                            f" {len(result.unmatched_rows)} row(s) matched no registration "
                            f"(lines {', '.join(map(str, result.unmatched_rows[:20]))})."
                        )
                    messages.success(request, msg)
                    return redirect("admin:events_eventregistration_changelist")
        else:
            form = AttendanceUploadForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a Zoom attendee report",
            "form": form,
            "row_errors": sorted(row_errors.items()),
        }
        return TemplateResponse(request, "admin/events/import_attendance.html", context)


@admin.register(AttendanceImport)
class AttendanceImportAdmin(ModelAdmin):
    list_display = ("event", "source", "filename", "rows", "marked_attended", "created_at")
    list_filter = ("source",)
    list_select_related = ("event",)
    readonly_fields = [f.name for f in AttendanceImport._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
