"""A weak-link weight that is not a usable number is refused with the parameter, the value and why.

parse_weights used to skip a bad w_<measure> silently (the page then ranked with the default as if
the user's weight had been applied); all-zero weights were silently replaced by the defaults.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import translation

from corridor.accounts.services import issue_token
from corridor.atlas import selectors
from corridor.atlas.api import WeightsIn
from corridor.engine import gaps
from corridor.errors import ValidationFailed
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

ZEROS = "&".join(f"w_{m}=0" for m in gaps.DEFAULT_WEIGHTS)
BAD = [
    ("w_lq=abc", "w_lq", "abc", "must be a number"),
    ("w_lq=nan", "w_lq", "nan", "must be a number"),
    ("w_revenue=inf", "w_revenue", "inf", "must be a number"),
    ("w_lq=11", "w_lq", "11", "between 0 and 10"),
    ("w_coverage=-0.5", "w_coverage", "-0.5", "between 0 and 10"),
    ("w_lq=%C2%B2", "w_lq", "²", "must be a number"),
]


@pytest.fixture
def analyst() -> Client:
    client = Client()
    client.force_login(user_with_role("investment_analyst", "weights-analyst"))
    return client


@pytest.mark.parametrize(("query", "name", "value", "reason"), BAD)
def test_the_selector_names_the_parameter_value_and_reason(query, name, value, reason) -> None:  # type: ignore[no-untyped-def]
    from django.http import QueryDict

    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        selectors.parse_weights(QueryDict(query))
    assert refused.value.status == 422
    assert refused.value.details["field"] == name and name in refused.value.message
    assert refused.value.details["value"] == value
    assert value in refused.value.message and reason in refused.value.message


def test_good_weights_are_used_and_absent_ones_default() -> None:
    from django.http import QueryDict

    weights = selectors.parse_weights(QueryDict("w_lq=2.5&w_revenue=&w_titled=0"))
    assert weights == {**gaps.DEFAULT_WEIGHTS, "lq": 2.5, "titled": 0.0}


@pytest.mark.parametrize(("query", "name", "value", "reason"), BAD)
def test_the_chain_page_and_its_export_refuse_a_bad_weight(
    analyst: Client, query: str, name: str, value: str, reason: str
) -> None:
    for url in (f"/atlas/nev/?{query}", f"/atlas/nev/weak-links.xlsx?{query}"):
        response = analyst.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 422, url
        page = response.content.decode()
        assert name in page and reason in page and value in page


def test_all_weights_zero_is_refused_not_replaced_by_the_defaults(analyst: Client) -> None:
    response = analyst.get(f"/atlas/nev/?{ZEROS}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "At least one weight must be above 0" in response.content.decode()
    assert analyst.get("/atlas/nev/?w_lq=3").status_code == 200


def test_the_api_declares_the_weights_and_refuses_a_bad_one() -> None:
    token = issue_token(user_with_role("investment_analyst", "weights-api"), "t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = "/api/v1/atlas/chains/nev/weak-links"
    assert client.get(f"{url}?w_lq=2").status_code == 200
    for query, name, _value, _reason in BAD:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 422, query
        assert name in response.json()["message"]
    zeros = client.get(f"{url}?{ZEROS}")
    assert zeros.status_code == 422 and zeros.json()["details"]["field"] == "weights"
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    declared = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/v1/atlas/chains/{key}/weak-links"]["get"]["parameters"]
        if p["name"].startswith("w_")
    }
    assert set(declared) == {f"w_{m}" for m in gaps.DEFAULT_WEIGHTS}  # one per measure
    assert set(WeightsIn.model_fields) == set(declared)
    for spec in declared.values():
        number = next(s for s in spec.get("anyOf", [spec]) if s.get("type") == "number")
        assert number["minimum"] == 0 and number["maximum"] == selectors.WEIGHT_MAX
