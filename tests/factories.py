"""Test data factories shared by every app's tests (build through services where they exist)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ementech.ops.roles import roles_setup


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
