"""Public sign-up: rate-limited per address; an applicant's organisation and USCC are a claim,
unverified until staff confirm it, and the claim grants nothing before that (issue 9, §5)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from corridor.accounts.models import ApplicantProfile
from tests.factories import EnterpriseFactory, user_with_role


def _sign_up(client: Client, username: str, uscc: str = "", address: str = "10.1.1.1"):  # type: ignore[no-untyped-def]
    return client.post(
        "/accounts/signup/",
        {
            "organisation": "某科技有限公司",
            "uscc": uscc,
            "username": username,
            "email": f"{username}@example.com",
            "password": "Very-long-pass-42",
        },
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
def test_sign_up_is_rate_limited_per_address(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORRIDOR_SIGNUP_MAX_PER_ADDRESS = 3
    for i in range(3):
        assert _sign_up(Client(), f"co{i}").status_code == 302
    refused = _sign_up(Client(headers={"accept-language": "en"}), "co9")
    assert refused.status_code == 429
    assert "Too many sign-ups" in refused.content.decode()
    assert not User.objects.filter(username="co9").exists()
    assert _sign_up(Client(), "elsewhere", address="10.2.2.2").status_code == 302


@pytest.mark.django_db
def test_a_name_that_normalises_to_an_existing_one_is_taken() -> None:
    user_with_role("leader", "leader")
    response = _sign_up(Client(headers={"accept-language": "en"}), "ｌｅａｄｅｒ")
    assert response.status_code == 200 and "taken" in response.content.decode()


@pytest.mark.django_db
def test_a_uscc_claim_is_unverified_and_grants_nothing_until_staff_confirm_it() -> None:
    ent = EnterpriseFactory()
    client = Client(headers={"accept-language": "en"})
    assert _sign_up(client, "claimer", uscc=ent.uscc).status_code == 302
    claim = ApplicantProfile.objects.get(user__username="claimer")
    assert claim.uscc == ent.uscc and claim.confirmed_at is None
    # nothing of the claimed enterprise is visible to the applicant
    assert client.get(f"/registry/{ent.pk}/").status_code == 403
    assert client.get(f"/api/v1/registry/enterprises/{ent.pk}").status_code == 403
    assert client.get("/registry/").status_code == 403
    profile = client.get("/accounts/profile/").content.decode()
    assert "unverified" in profile and ent.name not in profile

    staff = Client()
    staff.force_login(user_with_role("administrator", "root"))
    response = staff.post(
        "/admin/accounts/applicantprofile/",
        {"action": "confirm_claims", "_selected_action": [claim.pk]},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.confirmed_at is not None and claim.confirmed_by.username == "root"
    profile = client.get("/accounts/profile/").content.decode()
    assert "confirmed" in profile and ent.name in profile
