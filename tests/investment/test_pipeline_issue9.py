"""Issue 9, the pipeline: projects by hand, 达产's own evidence, the follow-up list, the leader's
read-only view, node pickers, chain names in the funnel, and no leak in the duplicate-project 409."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from corridor.errors import ValidationFailed
from corridor.investment import selectors, services
from corridor.investment.models import Activity, Project, Team
from corridor.registry.models import Enterprise
from tests.factories import EnterpriseFactory, stage, user_with_role, valid_uscc

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _project(owner, **data):  # type: ignore[no-untyped-def]
    return services.create_project(EnterpriseFactory(is_local=False), owner, data)


def _walk_to(project: Project, key: str, user) -> Project:  # type: ignore[no-untyped-def]
    """Fill what each stage up to `key` needs and move the project there."""
    day = dt.date(2026, 3, 1)
    services.update_project(
        project,
        {
            "first_visit_on": day,
            "investment_amount": 5000,
            "signed_on": day,
            "registered_on": day,
            "landed_uscc": valid_uscc(880000 + project.pk),
            "construction_on": day,
            "production_on": day,
        },
        user,
    )
    upload = SimpleUploadedFile("协议.pdf", b"%PDF-1.4", content_type="application/pdf")
    services.attach_document(project, "signed_agreement", "协议", upload, user)
    for k in ("contact", "negotiation", "signed", "registered", "construction", "production"):
        services.move_stage(project, stage(k), user)
        if k == key:
            break
    project.refresh_from_db()
    return project


# --- 1. projects created by hand --------------------------------------------------------------


def test_the_new_project_form_needs_no_ranked_target(analyst) -> None:  # type: ignore[no-untyped-def]
    page = _client(analyst).get("/investment/projects/new/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="target-search"' in html and 'name="new_name"' in html
    assert 'value="referral"' in html and 'name="referred_by"' in html


def test_the_enterprise_picker_finds_registry_records(analyst) -> None:  # type: ignore[no-untyped-def]
    EnterpriseFactory(name="苏州引荐电池有限公司", is_local=False, city="苏州市")
    EnterpriseFactory(name="无关企业有限公司")
    found = _client(analyst).get("/investment/projects/new/enterprises/", {"q": "引荐电池"})
    assert found.status_code == 200
    html = found.content.decode()
    assert "苏州引荐电池有限公司" in html and "无关企业" not in html


def test_the_enterprise_picker_names_each_region_level_once(analyst) -> None:  # type: ignore[no-untyped-def]
    EnterpriseFactory(
        name="东莞引荐模具有限公司",
        is_local=False,
        province="广东省",
        city="东莞市",
        county="东莞市",
    )
    html = (
        _client(analyst)
        .get("/investment/projects/new/enterprises/", {"q": "引荐模具"})
        .content.decode()
    )
    assert "广东省 东莞市" in html and "东莞市东莞市" not in html


def test_a_referral_from_the_registry_is_created_by_hand(analyst) -> None:  # type: ignore[no-untyped-def]
    target = EnterpriseFactory(name="苏州引荐电池有限公司", is_local=False)
    client = _client(analyst)
    refused = client.post(
        "/investment/projects/new/",
        {"target": target.pk, "chain": "nev", "node": "nev.battery", "source_channel": "referral"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 200 and not Project.objects.exists()
    assert "who referred" in refused.content.decode().lower()
    made = client.post(
        "/investment/projects/new/",
        {
            "target": target.pk,
            "chain": "nev",
            "node": "nev.battery",
            "source_channel": "referral",
            "referred_by": "市商务局 王科长",
        },
    )
    assert made.status_code == 302
    project = Project.objects.get()
    assert (project.target, project.chain, project.node) == (target, "nev", "nev.battery")
    assert (project.source_channel, project.referred_by) == ("referral", "市商务局 王科长")
    assert project.stage.key == "lead"


def test_a_company_not_in_the_registry_is_added_with_its_project(analyst) -> None:  # type: ignore[no-untyped-def]
    made = _client(analyst).post(
        "/investment/projects/new/",
        {
            "new_name": "合肥新来储能科技有限公司",
            "new_province": "安徽省",
            "new_city": "合肥市",
            "chain": "nev",
            "node": "nev.battery",
            "source_channel": "referral",
            "referred_by": "校友会",
        },
    )
    assert made.status_code == 302
    project = Project.objects.get()
    company = project.target
    assert company.name == "合肥新来储能科技有限公司"
    assert (company.province, company.city, company.is_local) == ("安徽省", "合肥市", False)


def test_a_new_company_that_is_already_in_the_registry_is_refused(analyst) -> None:  # type: ignore[no-untyped-def]
    known = EnterpriseFactory(name="杭州重名（集团）有限公司", is_local=False)
    page = _client(analyst).post(
        "/investment/projects/new/",
        {"new_name": "杭州重名(集团)有限公司", "new_province": "浙江省", "new_city": "杭州市"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 409
    assert "already in the registry" in page.content.decode()
    assert Enterprise.objects.filter(name__startswith="杭州重名").count() == 1
    assert not Project.objects.exists()
    assert f'value="{known.pk}"' in page.content.decode()  # offered as the pick instead


def test_a_hand_made_project_still_meets_one_open_project_per_enterprise(analyst) -> None:  # type: ignore[no-untyped-def]
    target = EnterpriseFactory(is_local=False)
    services.create_project(target, analyst, {})
    again = _client(analyst).post("/investment/projects/new/", {"target": target.pk})
    assert again.status_code == 409 and Project.objects.count() == 1


def test_the_api_takes_a_referral_with_who_referred_it(analyst) -> None:  # type: ignore[no-untyped-def]
    api, target = _client(analyst), EnterpriseFactory(is_local=False)
    url = "/api/v1/investment/projects"
    body = {"target_id": target.pk, "source_channel": "referral"}
    refused = api.post(url, body, content_type="application/json")
    assert refused.status_code == 422 and not Project.objects.exists()
    made = api.post(url, {**body, "referred_by": "区商务局"}, content_type="application/json")
    assert made.status_code == 201
    answer = made.json()
    assert (answer["source_channel"], answer["referred_by"]) == ("referral", "区商务局")
    assert answer["full_output_on"] is None


# --- 2. 达产 needs its own evidence ------------------------------------------------------------


def test_full_output_needs_its_own_date_not_the_production_date(analyst) -> None:  # type: ignore[no-untyped-def]
    project = _walk_to(_project(analyst), "production", analyst)
    assert project.stage.key == "production" and project.production_on
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        services.move_stage(project, stage("full_output"), analyst)
    assert "full output reached must be filled in" in refused.value.message
    assert Project.objects.get(pk=project.pk).stage.key == "production"
    with pytest.raises(ValidationFailed):  # full output cannot come before production
        services.update_project(project, {"full_output_on": dt.date(2026, 2, 1)}, analyst)
    services.update_project(project, {"full_output_on": dt.date(2026, 9, 1)}, analyst)
    services.move_stage(project, stage("full_output"), analyst)
    assert Project.objects.get(pk=project.pk).stage.key == "full_output"


def test_the_project_form_offers_the_full_output_date(analyst) -> None:  # type: ignore[no-untyped-def]
    project = _project(analyst)
    html = _client(analyst).get(f"/investment/projects/{project.pk}/edit/").content.decode()
    assert 'name="full_output_on"' in html and 'type="date"' in html


def test_the_new_project_form_labels_start_with_a_capital_in_english(analyst) -> None:  # type: ignore[no-untyped-def]
    html = (
        _client(analyst)
        .get("/investment/projects/new/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    for label in ("Company name", "Province", "City", "Chain", "Node", "Source channel"):
        assert f"<label>{label}<" in html, label


def test_the_project_page_names_the_full_output_date_like_the_other_dates(analyst) -> None:  # type: ignore[no-untyped-def]
    project = _project(analyst)
    services.update_project(
        project,
        {"production_on": dt.date(2026, 3, 1), "full_output_on": dt.date(2026, 9, 1)},
        analyst,
    )
    html = _client(analyst).get(f"/investment/projects/{project.pk}/").content.decode()
    assert "投产日期 2026-03-01 · 达产日期 2026-09-01" in html


# --- 3. the follow-up list ---------------------------------------------------------------------


def test_a_due_follow_up_is_listed_once(analyst) -> None:  # type: ignore[no-untyped-def]
    helpers = [user_with_role("investment_analyst", f"h{i}") for i in range(3)]
    team = Team.objects.create(name="一科")
    team.members.add(analyst, *helpers)
    project = _project(analyst, team=team, next_follow_up=timezone.localdate() - dt.timedelta(3))
    project.helpers.add(*helpers)
    for i in range(4):
        Activity.objects.create(project=project, kind="call", summary=f"call {i}", by=helpers[0])
    Project.objects.filter(pk=project.pk).update(
        last_activity_at=timezone.now() - dt.timedelta(days=20)
    )
    items = selectors.follow_ups(analyst)["items"]
    assert [i["project"].pk for i in items] == [project.pk]
    assert items[0]["overdue"] and items[0]["stale"] == 2
    client = _client(analyst)
    for url in ("/investment/", "/investment/follow-ups/"):
        html = client.get(url).content.decode()
        if url == "/investment/":
            html = html[html.index('id="my-follow-ups"') :].split("</section>")[0]
        listed = html
        assert listed.count(f'href="/investment/projects/{project.pk}/"') == 1, url


def test_a_long_follow_up_list_is_collapsed_with_show_all(analyst) -> None:  # type: ignore[no-untyped-def]
    due = timezone.localdate() - dt.timedelta(days=1)
    projects = [_project(analyst, next_follow_up=due) for _ in range(8)]
    html = _client(analyst).get("/investment/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = html[html.index('id="my-follow-ups"') :].split("</section>")[0]
    shown, hidden = section.split('class="more-follow-ups"', 1)
    assert sum(f"/investment/projects/{p.pk}/" in shown for p in projects) == 5
    assert sum(f"/investment/projects/{p.pk}/" in hidden for p in projects) == 3
    assert "Show all (8)" in hidden


# --- 4. the leader's read-only pipeline --------------------------------------------------------


@pytest.fixture
def pipeline(analyst):  # type: ignore[no-untyped-def]
    other = user_with_role("investment_analyst", "bob")
    team_a, team_b = Team.objects.create(name="一科"), Team.objects.create(name="二科")
    team_a.members.add(analyst)
    team_b.members.add(other)
    lead = _project(analyst, team=team_a, name="还在线索的项目")
    signed = _walk_to(_project(other, team=team_b, name="已签约的项目"), "signed", other)
    landed = _walk_to(_project(analyst, team=team_a, name="已落地的项目"), "registered", analyst)
    return {"lead": lead, "signed": signed, "landed": landed, "other": other}


def test_the_leader_sees_the_funnel_and_the_signed_and_landed_projects(pipeline) -> None:  # type: ignore[no-untyped-def]
    leader = _client(user_with_role("leader", "boss"))
    home = leader.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-nav="investment"' in home
    assert leader.get("/investment/").status_code == 302  # the board is for those who work it
    funnel = leader.get("/investment/analytics/", HTTP_ACCEPT_LANGUAGE="en")
    assert funnel.status_code == 200
    rows = {r["stage"].key: r["count"] for r in funnel.context["funnel"]["groups"][0]["rows"]}
    assert rows["lead"] == 3 and rows["signed"] == 2 and rows["registered"] == 1
    signed = leader.get("/investment/list/?phase=signed").content.decode()
    assert "已签约的项目" in signed and "已落地的项目" in signed and "还在线索的项目" not in signed
    landed = leader.get("/investment/list/?phase=landed").content.decode()
    assert "已落地的项目" in landed and "已签约的项目" not in landed
    everything = leader.get("/investment/list/").content.decode()
    assert "还在线索的项目" not in everything
    detail = leader.get(f"/investment/projects/{pipeline['landed'].pk}/").content.decode()
    for control in ('id="edit-project"', 'id="move-form"', 'id="activity-form"', "document-form"):
        assert control not in detail
    assert leader.get(f"/investment/projects/{pipeline['lead'].pk}/").status_code == 404


def test_the_leader_cannot_change_anything(pipeline) -> None:  # type: ignore[no-untyped-def]
    leader = _client(user_with_role("leader", "boss"))
    pk = pipeline["landed"].pk
    target = EnterpriseFactory(is_local=False)
    for url, data in (
        ("/investment/projects/new/", {"target": target.pk}),
        (f"/investment/projects/{pk}/edit/", {"name": "x"}),
        (f"/investment/projects/{pk}/move/", {"stage": "construction"}),
        (f"/investment/projects/{pk}/activity/", {"kind": "note", "summary": "x"}),
    ):
        assert leader.post(url, data).status_code == 403, url
    api = "/api/v1/investment/projects"
    assert (
        leader.post(api, {"target_id": target.pk}, content_type="application/json").status_code
        == 403
    )
    assert (
        leader.post(
            f"{api}/{pk}/move", {"stage": "lead"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert Project.objects.get(pk=pk).stage.key == "registered" and Project.objects.count() == 3


def test_other_roles_keep_their_visibility(pipeline, analyst) -> None:  # type: ignore[no-untyped-def]
    mine = _client(analyst).get("/investment/list/").content.decode()
    assert "还在线索的项目" in mine and "已落地的项目" in mine and "已签约的项目" not in mine
    signed = _client(analyst).get("/investment/list/?phase=signed").content.decode()
    assert "已落地的项目" in signed and "还在线索的项目" not in signed
    park = _client(user_with_role("park_operator", "park"))
    assert park.get("/investment/analytics/").status_code == 403
    assert park.get("/investment/list/?phase=signed").status_code == 403
    assert 'data-nav="investment"' not in park.get("/").content.decode()


# --- 5. pickers and names ----------------------------------------------------------------------


def test_the_project_form_picks_chain_and_node_by_name(analyst) -> None:  # type: ignore[no-untyped-def]
    project = _project(analyst, chain="nev", node="nev.battery")
    html = (
        _client(analyst)
        .get(f"/investment/projects/{project.pk}/edit/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    assert re.search(r'<select name="chain"[^>]*>', html)
    assert re.search(r'<select name="node"[^>]*>', html)
    assert re.search(r'<option value="nev" selected>新能源汽车及零部件</option>', html)
    assert re.search(
        r'<option value="nev.battery" data-chain="nev" selected>动力电池</option>', html
    )


def test_a_node_of_another_chain_is_refused(analyst) -> None:  # type: ignore[no-untyped-def]
    project = _project(analyst, chain="nev", node="nev.battery")
    page = _client(analyst).post(
        f"/investment/projects/{project.pk}/edit/",
        {"name": project.name, "chain": "lm", "node": "nev.battery"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200 and "does not belong to" in page.content.decode()
    assert Project.objects.get(pk=project.pk).chain == "nev"
    with pytest.raises(ValidationFailed):  # the service refuses it too (API, import)
        services.update_project(project, {"chain": "lm", "node": "nev.battery"}, analyst)


def test_the_funnel_by_chain_shows_chain_names(analyst) -> None:  # type: ignore[no-untyped-def]
    _project(analyst, chain="nev", node="nev.battery")
    html = _client(analyst).get("/investment/analytics/?group=chain").content.decode()
    assert "<h3>新能源汽车及零部件</h3>" in html and "<h3>nev</h3>" not in html


def test_the_funnel_chart_keeps_room_for_the_last_stage_label(analyst) -> None:  # type: ignore[no-untyped-def]
    _project(analyst)
    chart = selectors.funnel_chart(selectors.funnel(analyst), "zh-hans")
    assert chart["series"][0]["minSize"] not in (None, 0, "0%")  # ECharts' default 0% hid 达产's


def test_the_funnel_by_chain_names_the_group_without_a_chain(analyst) -> None:  # type: ignore[no-untyped-def]
    _project(analyst)  # a referral by hand may have no chain yet
    client = _client(analyst)
    html = client.get("/investment/analytics/?group=chain").content.decode()
    assert "<h3>未填写产业链</h3>" in html and "<h3>—</h3>" not in html
    english = client.get("/investment/analytics/?group=chain", HTTP_ACCEPT_LANGUAGE="en")
    assert "<h3>No chain given</h3>" in english.content.decode()


def test_the_project_list_shows_money_with_its_unit(analyst) -> None:  # type: ignore[no-untyped-def]
    _project(analyst, investment_amount=50000)
    client = _client(analyst)
    assert "5.00 亿元" in client.get("/investment/list/").content.decode()
    english = client.get("/investment/list/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "CNY 500.0 M" in english and "50,000.00" not in english


# --- 6. the duplicate-project 409 does not reveal an invisible project -------------------------


def test_a_duplicate_of_an_invisible_project_reveals_neither_name_nor_id() -> None:
    mine, theirs = Team.objects.create(name="一科"), Team.objects.create(name="二科")
    a, b = user_with_role("investment_analyst", "a"), user_with_role("investment_analyst", "b")
    mine.members.add(a)
    theirs.members.add(b)
    target = EnterpriseFactory(is_local=False, name="撞单企业有限公司")
    hidden = services.create_project(target, b, {"team": theirs, "name": "机密项目代号甲"})
    assert not selectors.visible_projects(a).filter(pk=hidden.pk).exists()
    client = _client(a)
    api = client.post(
        "/api/v1/investment/projects",
        {"target_id": target.pk},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = client.post(
        "/investment/projects/new/", {"target": target.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert api.status_code == 409 and page.status_code == 409
    answer = api.json()
    for body in (f"{answer['message']} {answer.get('details')}", page.content.decode()):
        assert "机密项目代号甲" not in body and f"#{hidden.pk}" not in body
        assert str(hidden.pk) not in str(answer.get("details"))
        assert "another team" in body and "administrator" in body
    assert "二科" not in answer["message"]  # (the page's team picker lists every team)
    # one who sees the project is told which it is
    seen = _client(b).post(
        "/api/v1/investment/projects", {"target_id": target.pk}, content_type="application/json"
    )
    assert seen.status_code == 409 and "机密项目代号甲" in seen.json()["message"]


# --- 7. the edit form saved unchanged changes nothing, pickers and new fields included ---------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_saving_a_full_project_form_unchanged_changes_nothing(analyst, language) -> None:  # type: ignore[no-untyped-def]
    from tests.core.test_date_inputs import _form_data

    project = _walk_to(_project(analyst, chain="nev", node="nev.battery"), "production", analyst)
    services.update_project(
        project,
        {
            "full_output_on": dt.date(2026, 9, 1),
            "source_channel": "referral",
            "referred_by": "校友会",
            "next_follow_up": dt.date(2026, 12, 24),
        },
        analyst,
    )
    before = Project.objects.filter(pk=project.pk).values().get()
    client = _client(analyst)
    url = f"/investment/projects/{project.pk}/edit/"
    data = _form_data(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert (data["chain"], data["node"], data["full_output_on"]) == (
        "nev",
        "nev.battery",
        "2026-09-01",
    )
    assert client.post(url, data, HTTP_ACCEPT_LANGUAGE=language).status_code == 302
    after = Project.objects.filter(pk=project.pk).values().get()
    for moving in ("updated_at", "last_activity_at"):
        before.pop(moving), after.pop(moving)
    assert after == before
