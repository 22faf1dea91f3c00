"""The cultivation pages render in zh and en, what-if writes nothing, uploads report precise errors."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from corridor.engine.qualify.loader import POLICY_DIR
from corridor.qualify import services
from corridor.qualify.models import Assessment, Evaluation, PolicyVersion
from tests.factories import TitleFactory, user_with_role
from tests.qualify.conftest import near_high_tech

pytestmark = pytest.mark.django_db


def _assess(ent, officer, rd_ok: bool = True) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for key, value in {
        "ip_core_support": True,
        "in_supported_field": True,
        "innovation_score": 80,
        "no_major_incident": True,
    }.items():
        services.record_assessment(ent.pk, key, value, "专家评审", today, officer)


@pytest.fixture
def client_officer():  # type: ignore[no-untyped-def]
    officer = user_with_role("technology_officer", "tech")
    client = Client()
    client.force_login(officer)
    return client, officer


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_enterprise_page_explains_why_it_is_near(client_officer, language) -> None:  # type: ignore[no-untyped-def]
    client, officer = client_officer
    ent = near_high_tech(last_year=timezone.localdate().year - 1)
    _assess(ent, officer)
    body = client.get(
        f"/qualify/enterprise/{ent.pk}/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    year = timezone.localdate().year - 1
    if language == "en":
        assert "Near" in body and "high_tech@2016" in body
        assert "to be confirmed against the official text" in body
        assert "What-if" in body
        assert ">20%</td>" in body and "= 10%</td>" in body  # staff share 20 of 100, ≥ 10 %
    else:
        assert "接近" in body and "须对照官方文件确认" in body
        assert "国家高新技术企业" in body
    assert str(year) in body


def test_what_if_closes_the_gap_and_writes_nothing(client_officer) -> None:  # type: ignore[no-untyped-def]
    client, officer = client_officer
    ent = near_high_tech(last_year=timezone.localdate().year - 1)
    _assess(ent, officer)
    before = (Evaluation.objects.count(), Assessment.objects.count())
    response = client.post(
        f"/qualify/enterprise/{ent.pk}/what-if/",
        {"fact_rd_expense": "250"},
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "nothing has been saved" in body
    high_tech = body[body.index('id="result-high_tech"') :][:600]
    assert "Qualified" in high_tech
    assert (Evaluation.objects.count(), Assessment.objects.count()) == before
    bad = client.post(
        f"/qualify/enterprise/{ent.pk}/what-if/",
        {"fact_rd_expense": "lots"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 200 and "R&amp;D expense must be a number" in bad.content.decode()


def test_assessment_form_records_who_when_source(client_officer) -> None:  # type: ignore[no-untyped-def]
    client, _officer = client_officer
    ent = near_high_tech(last_year=timezone.localdate().year - 1)
    response = client.post(
        f"/qualify/enterprise/{ent.pk}/assess/",
        {
            "key": "innovation_score",
            "value": "77",
            "source": "评审会 2026-05",
            "as_of": "2026-05-20",
        },
    )
    assert response.status_code == 302
    row = Assessment.objects.get(enterprise=ent)
    assert row.value == 77 and row.entered_by.username == "tech" and row.source == "评审会 2026-05"
    assert row.as_of == dt.date(2026, 5, 20)
    page = client.get(f"/qualify/enterprise/{ent.pk}/").content.decode()
    assert "评审会 2026-05" in page


def test_lists_filter_and_export(client_officer) -> None:  # type: ignore[no-untyped-def]
    client, officer = client_officer
    ent = near_high_tech(last_year=timezone.localdate().year - 1)
    _assess(ent, officer)
    other = near_high_tech(last_year=timezone.localdate().year - 1, size_band="large")
    _assess(other, officer)
    body = client.get("/qualify/lists/high_tech/near/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ent.name in body and other.name in body and "must rise by ¥300,000" in body
    assert 'id="history-chart"' not in body  # no run over the whole registry yet
    services.evaluate_enterprises(None, timezone.localdate())
    body = client.get("/qualify/lists/high_tech/near/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="history-chart"' in body and "history-chart-data" in body
    small = client.get("/qualify/lists/high_tech/near/?size_band=large").content.decode()
    assert other.name in small and ent.name not in small
    assert client.get("/qualify/lists/high_tech/near/?size_band=huge").status_code == 422
    assert client.get("/qualify/lists/high_tech/near/?park=abc").status_code == 422
    assert client.get("/qualify/lists/high_tech/nowhere/").status_code == 404
    export = client.get("/qualify/lists/high_tech/near.xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    names = [row[0].value for row in sheet.iter_rows(min_row=5)]
    assert set(names) == {ent.name, other.name}
    assert "需增加" in (sheet.cell(row=5, column=6).value or "")


def test_expiring_list(client_officer) -> None:  # type: ignore[no-untyped-def]
    client, _officer = client_officer
    ent = near_high_tech(last_year=timezone.localdate().year - 1)
    today = timezone.localdate()
    TitleFactory(
        enterprise=ent,
        issued_on=today - dt.timedelta(days=900),
        expires_on=today + dt.timedelta(days=40),
    )
    services.evaluate_enterprises([ent.pk], today)
    assert ent.name in client.get("/qualify/lists/high_tech/expiring/?days=60").content.decode()
    assert ent.name not in client.get("/qualify/lists/high_tech/expiring/?days=20").content.decode()


def test_policy_upload_reports_precise_errors(client_officer) -> None:  # type: ignore[no-untyped-def]
    client, _officer = client_officer
    bad = io.BytesIO(b"id: high_tech\nversion: '2030'\ncriteria: [{id: x, metric: nonsense}]\n")
    bad.name = "bad.yaml"
    body = client.post(
        "/qualify/policies/", {"file": bad}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'id="policy-errors"' in body and "bad.yaml" in body and "nonsense" in body
    assert PolicyVersion.objects.count() == 12
    text = (POLICY_DIR / "tech_sme@2017.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2017"', 'version: "2027"').replace(
        "effective_from: 2017-01-01", "effective_from: 2027-01-01"
    )
    good = io.BytesIO(text.encode("utf-8"))
    good.name = "tech_sme@2027.yaml"
    assert client.post("/qualify/policies/", {"file": good}).status_code == 302
    row = PolicyVersion.objects.get(policy_id="tech_sme", version="2027")
    assert row.origin == "uploaded" and row.uploaded_by.username == "tech"
    page = client.get("/qualify/policies/tech_sme@2027/").content.decode()
    assert "2027-01-01" in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_overview_counts_link_to_lists(client_officer, language) -> None:  # type: ignore[no-untyped-def]
    client, officer = client_officer
    ent = near_high_tech(last_year=timezone.localdate().year - 1)
    _assess(ent, officer)
    body = client.get("/qualify/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "/qualify/lists/high_tech/near/" in body and "high_tech@2016" in body
    registry = client.get(f"/registry/{ent.pk}/").content.decode()
    assert f"/qualify/enterprise/{ent.pk}/" in registry


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_home_and_registry_show_qualified_and_near_per_title(client_officer, language) -> None:  # type: ignore[no-untyped-def]
    client, officer = client_officer
    ent = near_high_tech(last_year=timezone.localdate().year - 1)
    _assess(ent, officer)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    registry = client.get("/registry/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'hx-get="/qualify/numbers/"' in home and 'hx-get="/qualify/numbers/"' in registry
    body = client.get("/qualify/numbers/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    row = body[body.index('data-policy="high_tech"') :].split("</tr>")[0]
    assert '/qualify/lists/high_tech/near/">1<' in row and "high_tech@2016" in row
    assert ("How is this computed?" if language == "en" else "计算") in body


def test_assessments_entered_are_named_not_keyed_and_dated_in_iso(client_officer) -> None:  # type: ignore[no-untyped-def]
    from corridor.engine.qualify import metrics as m
    from tests.test_rendered_language import visible_text

    client, officer = client_officer
    ent = near_high_tech()
    _assess(ent, officer)
    html = client.get(f"/qualify/enterprise/{ent.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    text = visible_text(html.decode())
    table = text[text.index("已录入的评估") :]
    assert m.ASSESSMENTS["ip_core_support"].zh in table and "ip_core_support" not in table
    today = timezone.localdate().isoformat()
    assert f'type="date" name="as_of" value="{today}"' in html.decode()
