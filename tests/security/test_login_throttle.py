"""Sign-in lockout: one normalised identity, counted per username and address together, reserved
atomically before the password is checked, on our sign-in page and the admin's alike."""

from __future__ import annotations

import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.factories import user_with_role

PASSWORD = "pw-Corridor-1"
THREADS = 10  # the live server's listen queue holds 10 connections


def _post(
    client: Client,
    username: str,
    password: str,
    address: str = "10.0.0.1",
    url: str = "/accounts/login/",
):  # type: ignore[no-untyped-def]
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in_as(client: Client) -> str | None:
    uid = client.session.get("_auth_user_id")
    return User.objects.get(pk=uid).username if uid else None


@pytest.mark.django_db
def test_admin_login_is_throttled(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORRIDOR_LOGIN_MAX_FAILURES = 5
    User.objects.create_superuser("root", "r@example.com", PASSWORD)
    client = Client(headers={"accept-language": "en"})
    for _ in range(12):
        _post(client, "root", "wrong", url="/admin/login/")
    response = _post(client, "root", PASSWORD, url="/admin/login/")
    assert _signed_in_as(client) is None
    assert "Too many failed sign-ins" in response.content.decode()


@pytest.mark.django_db
def test_spellings_of_one_name_share_one_counter(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORRIDOR_LOGIN_MAX_FAILURES = 5
    user_with_role("leader", "leader")
    client = Client()
    for name in [" leader", "leader  ", "ｌｅａｄｅｒ", "LEADER", "leader"]:
        assert _post(client, name, "wrong").status_code == 200
    assert _post(client, "leader", PASSWORD).status_code == 429
    assert _post(client, "ｌｅａｄｅｒ ", PASSWORD).status_code == 429
    assert _signed_in_as(client) is None


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", [" leader", "leader  ", "ｌｅａｄｅｒ", "Leader"])
def test_a_spelling_of_the_name_signs_in_as_the_stored_user(spelling) -> None:  # type: ignore[no-untyped-def]
    user_with_role("leader", "leader")
    client = Client()
    assert _post(client, spelling, PASSWORD).status_code == 302
    assert _signed_in_as(client) == "leader"


@pytest.mark.django_db
def test_made_up_names_do_not_lock_real_users_at_that_address(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORRIDOR_LOGIN_MAX_FAILURES = 5
    user_with_role("leader", "leader")
    client = Client()
    for i in range(12):
        _post(client, f"nobody{i}", "wrong", address="10.9.9.9")
    assert _post(client, "leader", PASSWORD, address="10.9.9.9").status_code == 302


@pytest.mark.django_db
def test_one_users_lockout_at_one_address_spares_other_addresses(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORRIDOR_LOGIN_MAX_FAILURES = 3
    user_with_role("leader", "leader")
    client = Client()
    for _ in range(3):
        _post(client, "leader", "wrong", address="10.0.0.66")
    assert _post(client, "leader", PASSWORD, address="10.0.0.66").status_code == 429
    assert _post(Client(), "leader", PASSWORD, address="10.0.0.7").status_code == 302


@pytest.mark.django_db
def test_success_clears_the_count(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORRIDOR_LOGIN_MAX_FAILURES = 3
    user_with_role("leader", "leader")
    for _ in range(2):
        _post(Client(), "leader", "wrong")
    assert _post(Client(), "leader", PASSWORD).status_code == 302
    for _ in range(2):
        _post(Client(), "leader", "wrong")
    assert _post(Client(), "leader", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lockout_message_is_translated(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORRIDOR_LOGIN_MAX_FAILURES = 1
    user_with_role("leader", "leader")
    client = Client(headers={"accept-language": "zh-hans"})
    _post(client, "leader", "wrong")
    response = _post(client, "leader", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("CORRIDOR_TEST_DATABASE_URL"),
    reason="in-memory SQLite test databases lock whole tables across threads (run on PostgreSQL)",
)
def test_concurrent_failures_never_get_more_tries_than_the_limit(live_server, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORRIDOR_LOGIN_MAX_FAILURES = 3
    user_with_role("leader", "leader")
    login_url = live_server.url + "/accounts/login/"
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(login_url).read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode(
        {"username": "leader", "password": "wrong", "csrfmiddlewaretoken": token}
    ).encode()
    statuses: list[int] = []
    start = threading.Barrier(THREADS)

    def attempt() -> None:
        request = urllib.request.Request(
            login_url, data=body, headers={"Cookie": f"csrftoken={token}", "Referer": login_url}
        )
        start.wait()
        try:
            with urllib.request.urlopen(request) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)

    threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(statuses) == THREADS and set(statuses) <= {200, 429}
    assert statuses.count(200) <= 3  # a password was checked at most as many times as the limit
