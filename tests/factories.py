"""Test data factories shared by every app's tests (build through services where they exist)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.roles import roles_setup


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@ementech.test")
    first_name = factory.Faker("first_name")
    is_staff = False
    password = factory.PostGenerationMethodCall("set_password", "pass-1234-word")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def staff_user(role: str | None = None, **kwargs):
    """An active staff user in one of the role groups (Marketers, Sales, Ops), or superuser."""
    roles_setup()
    defaults = {"is_staff": True}
    if role is None:
        defaults["is_superuser"] = True
    user = UserFactory(**{**defaults, **kwargs})
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


# --- Leads and visitors (built through the real services) ------------------------------------


def make_visitor(**utm):
    from leads.services import visitor_touch

    return visitor_touch(visitor_id=None, **utm)


def make_lead(email: str | None = None, *, source: str = "test", visitor=None, **profile):
    """A lead captured through ``lead_capture`` with data-processing consent."""
    from leads.services import ConsentInput, lead_capture

    make_lead.counter += 1
    email = email or f"lead{make_lead.counter}@example.com"
    return lead_capture(
        email=email,
        consent=ConsentInput(data_processing=True, wording="I agree to the privacy policy."),
        source=source,
        visitor=visitor,
        profile=profile or None,
        trusted=True,  # test data is server code, like staff: it may update a known lead
    ).lead


make_lead.counter = 0


def visitor_cookie(visitor_or_id) -> str:
    """The signed ``em_vid`` value a browser of this visitor holds."""
    from leads.identity import visitor_cookie_value

    return visitor_cookie_value(getattr(visitor_or_id, "pk", visitor_or_id))


def continue_link_path(body: str) -> str | None:
    """The path of the "continue where you left off" link in an email body."""
    import re

    found = re.search(r"https?://[^/\s\"']+(/continue/[\w\-]+)", body or "")
    return found.group(1) if found else None


def visitor_id_of(response):
    """The visitor id in the ``em_vid`` cookie a response set (None if none or forged)."""
    from leads.identity import VISITOR_COOKIE, visitor_id_from_cookie

    morsel = response.cookies.get(VISITOR_COOKIE)
    return visitor_id_from_cookie(morsel.value if morsel else None)


def with_analytics_consent(client):
    """A test client whose browser accepted analytics in the consent banner (``em_consent``),
    so the privacy gate lets tracking through."""
    client.cookies["em_consent"] = "1.a1.m0"
    return client


def with_rates(overrides: dict[str, str]) -> dict[str, str]:
    """``settings.RATE_LIMITS`` with some scopes changed (for ``override_settings``)."""
    from django.conf import settings

    return {**settings.RATE_LIMITS, **overrides}
