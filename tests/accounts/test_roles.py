"""The role matrix: each role reaches exactly the pages and API calls it should, and nothing else."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import EnterpriseFactory, user_with_role

ROLES = [
    "administrator",
    "investment_analyst",
    "technology_officer",
    "park_operator",
    "academy_coordinator",
    "leader",
    "applicant",
]
A, N, T, P, C, L, X = ROLES  # short names for the table below (N: investment analyst)

# (method, url template, roles that may (or {role: status}), expected status for those that may)
MATRIX = [
    ("get", "/", set(ROLES), 200),  # applicants get their own page
    ("get", "/registry/", {A, N, T, P, C, L}, 200),
    ("get", "/registry/{ent}/", {A, N, T, P, C, L}, 200),
    ("get", "/registry/export/?format=csv", {A, N, T, P, L}, 200),
    ("get", "/registry/{ent}/edit/", {A, N, T, P}, 200),
    ("get", "/registry/new/", {A, N, T, P}, 200),
    ("post", "/registry/{ent}/delete/", {A}, 302),
    ("get", "/registry/deleted/", {A}, 200),
    ("get", "/imports/enterprises/", {A, N, T}, 200),
    ("get", "/imports/enterprises/template.xlsx", {A, N, T}, 200),
    ("get", "/admin/", {A}, 200),
    ("get", "/api/v1/registry/enterprises", {A, N, T, P, C, L}, 200),
    ("get", "/api/v1/registry/enterprises/{ent}", {A, N, T, P, C, L}, 200),
    ("patch", "/api/v1/registry/enterprises/{ent}", {A, N, T, P}, 200),
    ("delete", "/api/v1/registry/enterprises/{ent}", {A}, 204),
    ("get", "/api/v1/accounts/me", set(ROLES), 200),
    ("get", "/atlas/", {A, N, T, P, L}, 200),
    ("get", "/atlas/nev/", {A, N, T, P, L}, 200),
    ("get", "/atlas/nev/weak-links.xlsx", {A, N, T, P, L}, 200),
    ("get", "/atlas/node/nev.battery/", {A, N, T, P, L}, 200),
    ("get", "/atlas/relatedness/", {A, N, T, P, L}, 200),
    ("get", "/atlas/enterprise/{ent}/", {A, N, T, P, L}, 200),
    ("get", "/atlas/review/", {A, N}, 200),
    ("post", "/atlas/classify/", {A, N}, 302),
    ("get", "/atlas/nev/edit/", {A}, 200),
    ("get", "/api/v1/atlas/chains", {A, N, T, P, L}, 200),
    ("get", "/api/v1/atlas/enterprises/{ent}/links", {A, N, T, P, L}, 200),
    ("get", "/investment/", {A: 200, N: 200, L: 302}, 200),  # the leader is sent to the funnel
    ("get", "/investment/list/", {A, N, L}, 200),  # the leader's list is signed/landed, read-only
    ("get", "/investment/analytics/", {A, N, L}, 200),
    ("get", "/investment/targets/?chain=nev", {A, N}, 200),
    ("get", "/investment/map/", {A, N}, 200),
    ("get", "/investment/projects/new/?target={ent}", {A, N}, 200),
    ("get", "/api/v1/investment/projects", {A, N}, 200),
    ("get", "/imports/projects/", {A, N}, 200),
    ("get", "/imports/projects/template.xlsx", {A, N}, 200),
    ("get", "/qualify/", {A, T, L}, 200),
    ("get", "/qualify/numbers/", {A, T, L}, 200),
    ("get", "/qualify/enterprise/{ent}/", {A, T, L}, 200),
    ("post", "/qualify/enterprise/{ent}/what-if/", {A, T}, 200),
    ("post", "/qualify/enterprise/{ent}/assess/", {A, T}, 302),
    ("get", "/qualify/lists/high_tech/near/", {A, T, L}, 200),
    ("get", "/qualify/lists/high_tech/expiring/", {A, T, L}, 200),
    ("get", "/qualify/lists/high_tech/near.xlsx", {A, T}, 200),
    ("get", "/qualify/policies/", {A, T, L}, 200),
    ("get", "/qualify/policies/high_tech@2016/", {A, T, L}, 200),
    ("post", "/qualify/run/", {A, T}, 302),
    ("get", "/api/v1/qualify/enterprises/{ent}/evaluation", {A, T, L}, 200),
    ("post", "/api/v1/qualify/enterprises/{ent}/what-if", {A, T}, 200),
    ("post", "/api/v1/qualify/evaluate", {A, T, L}, 200),
    ("get", "/api/v1/qualify/lists/high_tech/near", {A, T, L}, 200),
]
# JSON bodies of the API calls that post one
BODIES = {
    "/api/v1/qualify/enterprises/{ent}/what-if": '{"facts": {"2025": {"rd_expense": 10}}}',
    "/api/v1/qualify/evaluate": '{"as_of": "2026-06-01", "enterprises": [{"key": "a"}]}',
}


def _denied_statuses(url: str) -> set[int]:
    if url.startswith("/admin/"):
        return {302}  # Django admin sends non-staff to its login page
    return {403}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(role: str) -> None:
    user = user_with_role(role)
    client = Client()
    client.force_login(user)
    failures = []
    for method, template, allowed, ok_status in MATRIX:
        ent = EnterpriseFactory()
        url = template.format(ent=ent.pk)
        kwargs = (
            {"content_type": "application/json", "data": '{"main_products": "x"}'}
            if method == "patch"
            else {}
        )
        if template in BODIES:
            kwargs = {"content_type": "application/json", "data": BODIES[template]}
        response = getattr(client, method)(url, **kwargs)
        if role not in allowed:
            expected = _denied_statuses(url)
        else:  # a dict row gives each allowed role its own status
            expected = {allowed[role] if isinstance(allowed, dict) else ok_status}
        if response.status_code not in expected:
            failures.append(
                f"{method.upper()} {url}: got {response.status_code}, expected {sorted(expected)}"
            )
    assert not failures, f"role {role}:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in_and_api_says_401() -> None:
    client = Client()
    ent = EnterpriseFactory()
    for url in ["/", "/registry/", f"/registry/{ent.pk}/", "/imports/enterprises/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert client.get("/api/v1/registry/enterprises").status_code == 401


@pytest.mark.django_db
def test_applicant_home_shows_only_its_own_organisation() -> None:
    from corridor.accounts.services import sign_up_applicant

    mine = sign_up_applicant("app1", "pw-Corridor-1", "甲公司", "a@example.com")
    sign_up_applicant("app2", "pw-Corridor-1", "乙公司", "b@example.com")
    client = Client()
    client.force_login(mine)
    body = client.get("/").content.decode()
    assert "甲公司" in body and "乙公司" not in body
    assert "registry/" not in body  # no registry navigation for applicants
