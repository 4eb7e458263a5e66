"""Forms: the public registration form (only the fields still to ask) and the staff upload
of a Zoom attendee report."""

from __future__ import annotations

from django import forms

from events.models import REGISTRATION_FIELDS, EventPage

CONSENT_WORDING = (
    "I agree that EmenTech processes my details to manage my registration and send me the "
    "invite, reminders and follow-up for this event (see the privacy policy)."
)
MARKETING_WORDING = "Also send me occasional news about EmenTech events and insights."
LONG_TEXT = {"challenges", "hoping_to_learn"}


class RegistrationForm(forms.Form):
    email = forms.EmailField(
        label="Work email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(self, *args, fields_to_ask: list[str], required: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for name in fields_to_ask:
            spec = REGISTRATION_FIELDS[name]
            if spec.choices:
                field = forms.ChoiceField(
                    label=spec.label, choices=[("", "Choose…"), *spec.choices]
                )
            elif name in LONG_TEXT:
                field = forms.CharField(
                    label=spec.label, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
                )
            else:
                field = forms.CharField(label=spec.label, max_length=200)
                if name == "name":
                    field.widget.attrs["autocomplete"] = "name"
                elif name == "company":
                    field.widget.attrs["autocomplete"] = "organization"
                elif name == "phone":
                    field.widget.attrs["autocomplete"] = "tel"
            field.required = name in required
            self.fields[name] = field
        self.fields["join_waitlist"] = forms.BooleanField(
            required=False, label="If the event is full, put me on the waitlist"
        )
        self.fields["consent_data_processing"] = forms.BooleanField(
            required=True,
            label=CONSENT_WORDING,
            error_messages={"required": "We need your consent to register you."},
        )
        self.fields["consent_marketing"] = forms.BooleanField(
            required=False, label=MARKETING_WORDING
        )

    def answers(self) -> dict[str, str]:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k in REGISTRATION_FIELDS and v not in (None, "")
        }


class AttendanceUploadForm(forms.Form):
    event = forms.ModelChoiceField(
        queryset=EventPage.objects.order_by("-starts_at"),
        help_text="The event this report belongs to.",
    )
    report = forms.FileField(
        help_text="Zoom › Reports › Webinars › Attendee report (CSV), or a meeting's "
        "participants export."
    )
