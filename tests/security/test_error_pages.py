"""DEBUG is off unless asked; 400/403/404/500 are the project's own pages in the visitor's language."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import path

from tests.factories import user_with_role


def _debug_default() -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("CORRIDOR_DEBUG", "CORRIDOR_ENV")}
    env["DJANGO_SETTINGS_MODULE"] = "corridor.settings"
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return result.stdout.strip()


def test_debug_is_off_unless_asked() -> None:
    assert _debug_default() == "False"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "页面不存在"), ("en", "Not found")])
def test_unknown_url_is_our_404_in_the_visitors_language(settings, language, heading) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    response = Client(headers={"accept-language": language}).get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert heading in body
    assert (
        "urlpatterns" not in body.lower()
        and "admin/" not in body
        and "Using the URLconf" not in body
    )


@pytest.mark.django_db
def test_language_cookie_chooses_the_404_language(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    client = Client(headers={"accept-language": "zh-hans"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Not found" in client.get("/nowhere/").content.decode()


def _boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("secret internals")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "words"), [("zh-hans", "服务器错误"), ("en", "Server error")])
def test_a_crash_shows_our_500_without_a_traceback(settings, language, words) -> None:  # type: ignore[no-untyped-def]
    from corridor import urls as root

    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    globals()["handler500"] = root.handler500
    client = Client(headers={"accept-language": language}, raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert words in body and "secret internals" not in body and "Traceback" not in body


@pytest.mark.django_db
def test_bad_request_is_our_400(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    response = Client(headers={"accept-language": "en"}).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


@pytest.mark.django_db
def test_forbidden_is_our_403_in_english(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    client = Client(headers={"accept-language": "en"})
    client.force_login(user_with_role("applicant", "appl"))
    response = client.get("/registry/")
    assert response.status_code == 403
    assert (
        "not allowed" in response.content.decode().lower()
        or "permission" in response.content.decode().lower()
    )
