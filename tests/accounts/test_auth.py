"""Sign-in, throttling, tokens, sign-up, CSRF and the production secret rule."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from corridor.accounts.services import issue_token, revoke_token
from tests.factories import user_with_role


@pytest.mark.django_db
def test_sign_in_and_out() -> None:
    user_with_role("leader", "boss")
    client = Client()
    response = client.post("/accounts/login/", {"username": "boss", "password": "pw-Corridor-1"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORRIDOR_LOGIN_MAX_FAILURES = 3
    user_with_role("leader", "boss")
    client = Client()
    for _ in range(3):
        assert (
            client.post("/accounts/login/", {"username": "boss", "password": "wrong"}).status_code
            == 200
        )
    # even the right password is refused while locked
    response = client.post("/accounts/login/", {"username": "boss", "password": "pw-Corridor-1"})
    assert response.status_code == 429
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_api_token_authenticates_until_revoked() -> None:
    user = user_with_role("investment_analyst", "ana")
    raw = issue_token(user, "ci")
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    me = client.get("/api/v1/accounts/me", **headers)
    assert me.status_code == 200 and me.json()["role"] == "investment_analyst"
    assert (
        client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION="Bearer cor_wrong").status_code == 401
    )
    revoke_token(user, user.api_tokens.get().pk)
    assert client.get("/api/v1/accounts/me", **headers).status_code == 401


@pytest.mark.django_db
def test_csrf_is_enforced_on_session_writes() -> None:
    user = user_with_role("administrator", "root")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        "/api/v1/registry/enterprises", data='{"name": "x"}', content_type="application/json"
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_public_sign_up_creates_an_applicant() -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "organisation": "某科技有限公司",
            "uscc": "",
            "username": "newco",
            "email": "n@example.com",
            "password": "Very-long-pass-42",
        },
    )
    assert response.status_code == 302
    me = client.get("/api/v1/accounts/me").json()
    assert me["role"] == "applicant" and me["permissions"] == []


@pytest.mark.django_db
def test_sign_up_rejects_a_malformed_uscc() -> None:
    response = Client().post(
        "/accounts/signup/",
        {
            "organisation": "x",
            "uscc": "91330100I99655058B",
            "username": "u2",
            "email": "n@example.com",
            "password": "Very-long-pass-42",
        },
    )
    assert response.status_code == 200
    assert "不允许使用的字符" in response.content.decode()  # the page speaks the default language


def test_production_refuses_the_default_secret() -> None:
    env = {
        **os.environ,
        "CORRIDOR_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "corridor.settings",
    }
    env.pop("CORRIDOR_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "CORRIDOR_SECRET_KEY" in result.stderr
    env["CORRIDOR_SECRET_KEY"] = "x" * 50
    assert (
        subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env).returncode
        == 0
    )
