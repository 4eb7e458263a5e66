"""Acceptance 5: ten wrong passwords on /admin/login/ and /cms/login/ lock the account and
the address; the right password is then refused until the lockout ends (and works after).

Attempts are audited (django-axes ``AccessAttempt``/``AccessFailureLog``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import staff_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-correct-password-1"


@pytest.fixture
def staff(db):
    user = staff_user("Sales", username="guessme")
    user.is_superuser = True  # may open both admins
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client: Client, url: str, username: str, password: str, ip: str):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=ip, follow=False
    )


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", ["/admin/login/", "/cms/login/"])
def test_ten_wrong_passwords_lock_the_account_and_the_address(url, staff):
    from axes.models import AccessAttempt, AccessFailureLog

    attacker = Client()
    for _ in range(10):
        resp = _login(attacker, url, "guessme", "wrong-password", "203.0.113.7")
        assert not _logged_in(attacker)
    assert resp.status_code == 429
    # The account is locked: the right password from another address is refused.
    owner = Client()
    resp = _login(owner, url, "guessme", PASSWORD, "198.51.100.20")
    assert resp.status_code == 429 and not _logged_in(owner)
    # The address is locked: another account from the attacker's address is refused.
    other = staff_user("Sales", username="someone-else")
    other.set_password(PASSWORD)
    other.is_superuser = True
    other.save()
    resp = _login(Client(), url, "someone-else", PASSWORD, "203.0.113.7")
    assert resp.status_code == 429
    # Audited: who was tried, from where, how often.
    assert AccessAttempt.objects.filter(username="guessme").exists()
    assert AccessFailureLog.objects.filter(username="guessme").count() >= 10
    # After the cool-off the right password works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(hours=2))
    owner = Client()
    resp = _login(owner, url, "guessme", PASSWORD, "198.51.100.20")
    assert resp.status_code == 302 and _logged_in(owner)


def test_nine_wrong_passwords_do_not_lock(staff):
    client = Client()
    for _ in range(9):
        _login(client, "/admin/login/", "guessme", "wrong", "203.0.113.9")
    resp = _login(client, "/admin/login/", "guessme", PASSWORD, "203.0.113.9")
    assert resp.status_code == 302 and _logged_in(client)


def test_allauth_login_is_protected_too(staff):
    client = Client()
    for _ in range(10):
        client.post(
            "/accounts/login/", {"login": "guessme", "password": "nope"}, REMOTE_ADDR="192.0.2.1"
        )
    resp = client.post(
        "/accounts/login/", {"login": "guessme", "password": PASSWORD}, REMOTE_ADDR="192.0.2.99"
    )
    assert not _logged_in(client)
    assert resp.status_code in (200, 429)
