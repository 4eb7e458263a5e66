"""HTML views of the nurture app: sign-up page, confirmation click, preference centre."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.net import client_ip
from core.ratelimit import rate_limit
from nurture import services
from nurture.models import Newsletter, Subscriber, Subscription


class SignupForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Your work email")
    newsletters = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["newsletters"].choices = [
            (n.slug, n.name) for n in Newsletter.objects.filter(is_active=True)
        ]


@require_http_methods(["GET", "POST"])
def newsletter_signup(request: HttpRequest) -> HttpResponse:
    lists = list(Newsletter.objects.filter(is_active=True))
    initial = {"newsletters": [lists[0].slug] if lists else []}
    data = request.POST or None
    if data is not None and "newsletters" not in data and "quick" in data and lists:
        # The one-field sign-up in the footer and on posts: the main newsletter.
        data = data.copy()
        data.setlist("newsletters", initial["newsletters"])
    form = SignupForm(data, initial=initial)
    sent = False
    if request.method == "POST":
        blocked = rate_limit(request, "newsletter-subscribe")
        if blocked is not None:
            return blocked
        if form.is_valid():
            try:
                services.newsletter_subscribe(
                    email=form.cleaned_data["email"],
                    newsletters=form.cleaned_data["newsletters"],
                    page_url=request.build_absolute_uri(),
                )
                sent = True
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
    return render(
        request,
        "nurture/signup.html",
        {
            "form": form,
            "newsletters": lists,
            "sent": sent,
            "consent_wording": services.consent_wording_for(lists),
        },
    )


@never_cache
@require_GET
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = services.subscriber_from_confirm_token(token)
    if subscriber is None:
        return render(request, "nurture/link_invalid.html", status=404)
    subscriber = services.newsletter_confirm(subscriber=subscriber, ip=client_ip(request))
    active = subscriber.subscriptions.filter(status=Subscription.Status.ACTIVE).select_related(
        "newsletter"
    )
    return render(
        request,
        "nurture/confirmed.html",
        {
            "subscriber": subscriber,
            "subscriptions": active,
            "preferences_url": services.preferences_url(subscriber),
        },
    )


class PreferencesForm(forms.Form):
    newsletters = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, choices=(), required=False
    )
    frequency = forms.ChoiceField(widget=forms.RadioSelect, choices=Subscriber.Frequency.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["newsletters"].choices = [
            (n.slug, f"{n.name} ({n.get_frequency_display().lower()})")
            for n in Newsletter.objects.filter(is_active=True)
        ]


@never_cache
@require_http_methods(["GET", "POST"])
def newsletter_preferences(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = services.subscriber_from_preferences_token(token)
    if subscriber is None:
        return render(request, "nurture/link_invalid.html", status=404)
    current = list(
        subscriber.subscriptions.filter(status=Subscription.Status.ACTIVE).values_list(
            "newsletter__slug", flat=True
        )
    )
    form = PreferencesForm(
        request.POST or None,
        initial={"newsletters": current, "frequency": subscriber.frequency},
    )
    saved = False
    if request.method == "POST" and form.is_valid():
        subscriber = services.newsletter_preferences_update(
            subscriber=subscriber,
            newsletters=form.cleaned_data["newsletters"],
            frequency=form.cleaned_data["frequency"],
        )
        saved = True
    return render(
        request,
        "nurture/preferences.html",
        {"form": form, "subscriber": subscriber, "saved": saved},
    )
