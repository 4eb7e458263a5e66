"""``GET /health`` names every part, 200 when all are up and 503 naming the failing one."""

import pytest

from core import health


@pytest.mark.django_db
def test_health_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "broker"}
    assert all(part["status"] == "ok" for part in body["checks"].values())


@pytest.mark.django_db
def test_health_names_the_failing_part(client, monkeypatch, ops_user):
    def broken() -> None:
        raise ConnectionError("broker unreachable at redis.internal:6379")

    monkeypatch.setitem(health.CHECKS, "broker", broken)
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    # The public sees names and states only; the error (hosts, ports) is for staff.
    assert body["checks"]["broker"] == {"status": "error"}
    assert b"redis.internal" not in response.content
    assert body["checks"]["database"] == {"status": "ok"}
    client.force_login(ops_user)
    staff_body = client.get("/health").json()
    assert "redis.internal:6379" in staff_body["checks"]["broker"]["error"]
