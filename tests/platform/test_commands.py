"""Ops commands: API tokens for staff only, roles idempotent."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory


@pytest.mark.django_db
def test_create_api_token_prints_a_working_token(sales_user, api_client):
    out = StringIO()
    call_command("create_api_token", sales_user.username, stdout=out)
    key = out.getvalue().strip()
    assert Token.objects.get(user=sales_user).key == key
    again = StringIO()
    call_command("create_api_token", sales_user.username, stdout=again)
    assert again.getvalue().strip() == key


@pytest.mark.django_db
def test_create_api_token_refuses_non_staff_and_unknown_users():
    UserFactory(username="visitor", is_staff=False)
    with pytest.raises(CommandError, match="not an active staff user"):
        call_command("create_api_token", "visitor")
    with pytest.raises(CommandError, match="No user named"):
        call_command("create_api_token", "nobody")


@pytest.mark.django_db
def test_setup_roles_is_idempotent():
    call_command("setup_roles", stdout=StringIO())
    counts = {g.name: g.permissions.count() for g in Group.objects.all()}
    call_command("setup_roles", stdout=StringIO())
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == counts
    assert {"Marketers", "Sales", "Ops"} <= set(counts)
