"""App config: connects the lead change feed (the audit trail) to the integrations."""

from __future__ import annotations

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from integrations import feed

        # Every lead mutation writes a LeadAudit row (capture, edit, stage, erasure, ...):
        # that row is the change feed the integrations follow. The receiver only records
        # what must be sent and enqueues after commit; the work happens in tasks.
        post_save.connect(
            feed.lead_audit_saved, sender="leads.LeadAudit", dispatch_uid="integrations-feed"
        )
        from wagtail.signals import page_published

        from integrations import zoom

        page_published.connect(zoom.page_published, dispatch_uid="integrations-zoom-publish")
        post_save.connect(
            zoom.registration_saved,
            sender="events.EventRegistration",
            dispatch_uid="integrations-zoom-registrant",
        )
        from integrations.erasure import on_erasure
        from privacy.facade import register_erasure_hook

        register_erasure_hook(hook=on_erasure)
