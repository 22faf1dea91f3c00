"""API tokens expire and can be read-only (issue 9, §5)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from corridor.accounts.models import ApiToken
from corridor.accounts.services import issue_token
from tests.factories import EnterpriseFactory, user_with_role


def _bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_a_token_expires_after_its_days() -> None:
    user = user_with_role("investment_analyst", "ana")
    raw = issue_token(user, "ci", days=30)
    token = ApiToken.objects.get()
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert Client().get("/api/v1/accounts/me", **_bearer(raw)).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get("/api/v1/accounts/me", **_bearer(raw)).status_code == 401


@pytest.mark.django_db
def test_tokens_expire_in_90_days_by_default() -> None:
    issue_token(user_with_role("investment_analyst", "ana"), "ci")
    left = ApiToken.objects.get().expires_at - timezone.now()
    assert dt.timedelta(days=89) < left <= dt.timedelta(days=90)


@pytest.mark.django_db
def test_a_read_only_token_reads_but_cannot_write() -> None:
    user = user_with_role("administrator", "root")
    ent = EnterpriseFactory()
    raw = issue_token(user, "reader", read_only=True)
    client = Client()
    assert client.get(f"/api/v1/registry/enterprises/{ent.pk}", **_bearer(raw)).status_code == 200
    patch = client.patch(
        f"/api/v1/registry/enterprises/{ent.pk}",
        data=json.dumps({"address": "x"}),
        content_type="application/json",
        **_bearer(raw),
    )
    assert patch.status_code == 403
    assert patch.json()["error"] == "permission_denied"
    ent.refresh_from_db()
    assert ent.address != "x"
    rw = issue_token(user, "writer")
    assert (
        client.patch(
            f"/api/v1/registry/enterprises/{ent.pk}",
            data=json.dumps({"address": "x"}),
            content_type="application/json",
            **_bearer(rw),
        ).status_code
        == 200
    )


@pytest.mark.django_db
def test_the_command_takes_days_and_read_only() -> None:
    user_with_role("leader", "boss")
    out = io.StringIO()
    call_command("issue_token", "boss", "report", "--days", "7", "--read-only", stdout=out)
    token = ApiToken.objects.get()
    assert token.read_only and out.getvalue().strip().startswith("cor_")
    assert dt.timedelta(days=6) < token.expires_at - timezone.now() <= dt.timedelta(days=7)


@pytest.mark.django_db
def test_the_account_page_creates_and_shows_expiry_and_scope() -> None:
    user = user_with_role("leader", "boss")
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    client.post("/accounts/tokens/", {"name": "dash", "days": "14", "read_only": "on"})
    token = ApiToken.objects.get()
    assert token.read_only
    page = client.get("/accounts/profile/").content.decode()
    assert (
        token.expires_at.astimezone().strftime("%Y-%m-%d") in page
        or timezone.localtime(token.expires_at).strftime("%Y-%m-%d") in page
    )
    assert "read-only" in page
