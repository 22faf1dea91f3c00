"""Target ranking over the registry: explained, reproducible, exported, saved and compared; one click to a lead."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from corridor.atlas import services as atlas_services
from corridor.investment import targets
from corridor.investment.models import Project, TargetList
from tests.factories import EnterpriseFactory, FactsFactory, TitleFactory, user_with_role

pytestmark = pytest.mark.django_db

BATTERY = "锂离子电池制造；动力电池研发；电池零配件生产"


@pytest.fixture
def registry() -> dict[str, object]:
    """Battery makers outside the district (one big, titled and near), a local battery maker."""
    big = EnterpriseFactory(
        name="常州大电池有限公司",
        is_local=False,
        city_code="320400",
        province_code="320000",
        city="常州市",
        latitude=31.8,
        longitude=119.9,
        business_scope=BATTERY,
        latest_revenue=500000,
    )
    for year, revenue in ((2021, 200000), (2024, 500000)):
        FactsFactory(enterprise=big, year=year, revenue=revenue, employees=900)
    TitleFactory(enterprise=big, title="high_tech")
    small = EnterpriseFactory(
        name="乌鲁木齐小电池有限公司",
        is_local=False,
        city_code="650100",
        province_code="650000",
        city="乌鲁木齐市",
        latitude=43.8,
        longitude=87.6,
        business_scope=BATTERY,
        latest_revenue=300,
    )
    FactsFactory(enterprise=small, year=2024, revenue=300, employees=20)
    EnterpriseFactory(name="婺城电池有限公司", business_scope=BATTERY)  # local: never a target
    atlas_services.classify_registry()
    return {"big": big, "small": small}


def test_ranked_targets_are_explained_and_exclude_local_firms(registry) -> None:  # type: ignore[no-untyped-def]
    with translation.override("zh-hans"):
        result = targets.ranked(["nev.battery"], targets.strategies()["balanced"], 10)
    names = [r["enterprise"]["name"] for r in result["rows"]]
    assert names == ["常州大电池有限公司", "乌鲁木齐小电池有限公司"]
    first = result["rows"][0]
    assert first["score"] == pytest.approx(sum(first["contributions"].values()))
    words = " ".join(x["text"] for x in first["reasons"])
    assert "距金华" in words and "公里" in words
    again = targets.ranked(["nev.battery"], targets.strategies()["balanced"], 10)
    assert [r["id"] for r in again["rows"]] == [r["id"] for r in result["rows"]]


def test_distance_only_strategy_and_bad_weights(registry) -> None:  # type: ignore[no-untyped-def]
    from django.http import QueryDict

    from corridor.errors import ValidationFailed

    params = QueryDict(
        "node=nev.battery&w_fit=0&w_scale=0&w_growth=0&w_quality=0&w_linkage=0&w_expansion=0&w_distance=1"
    )
    strategy = targets.strategy_from(params)
    assert [r["enterprise"]["name"] for r in targets.ranked(["nev.battery"], strategy, 5)["rows"]][
        0
    ] == "常州大电池有限公司"
    with pytest.raises(ValidationFailed):
        targets.strategy_from(QueryDict("w_fit=abc"))
    with pytest.raises(ValidationFailed):
        targets.strategy_from(QueryDict("w_fit=-1"))


def test_targets_page_one_click_lead_export_and_saved_lists(registry) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user_with_role("investment_analyst"))
    page = client.get("/investment/targets/?node=nev.battery&top=10").content.decode()
    assert "常州大电池有限公司" in page and "make-lead" in page
    big = registry["big"]
    response = client.post(
        "/investment/projects/new/", {"target": big.pk, "node": "nev.battery", "quick": "1"}
    )
    project = Project.objects.get(target=big)
    assert (
        response.status_code == 302
        and project.node == "nev.battery"
        and project.source_channel == "targeting"
    )
    page = client.get("/investment/targets/?node=nev.battery").content.decode()
    assert (
        f'href="/investment/projects/{project.pk}/"' in page
    )  # the target now links to its project
    book = openpyxl.load_workbook(
        io.BytesIO(
            b"".join(
                client.get(
                    "/investment/targets/export.xlsx?node=nev.battery&node=nev.motor"
                ).streaming_content
            )
        )
    )
    assert book.sheetnames[:2] == ["动力电池", "驱动电机"]  # the nodes' names, not their ids
    rows = list(book["动力电池"].iter_rows(values_only=True))
    assert rows[1][1] == "常州大电池有限公司" and rows[1][4] >= rows[2][4]
    client.post("/investment/targets/save/?node=nev.battery", {"name": "电池 v1", "save": "list"})
    client.post("/investment/targets/save/?node=nev.battery", {"name": "电池 v2", "save": "list"})
    latest = TargetList.objects.order_by("-created_at").first()
    assert latest.entries.count() == 2
    detail = client.get(f"/investment/targets/lists/{latest.pk}/").content.decode()
    assert "电池 v2" in detail and "=" in detail  # same ranks as the previous list
    version = latest.classifier_version
    assert f'title="{version}"' in detail  # the raw classifier id only on hover …
    assert f">{version}<" not in detail and "规则" in detail  # … the words on the page


def test_leaders_pull_suppliers_follow(registry) -> None:  # type: ignore[no-untyped-def]
    leader = EnterpriseFactory(
        name="婺城整车有限公司", business_scope="新能源汽车整车制造；乘用车制造", size_band="large"
    )
    atlas_services.classify_registry()
    client = Client()
    client.force_login(user_with_role("investment_analyst"))
    gaps = targets.leader_gaps(leader)
    missing = {g["node"].id for g in gaps}
    assert gaps and "nev.battery" not in missing  # the district has a local battery maker
    assert all(g["for_node"].id == "nev.vehicle" for g in gaps)
    page = client.get(f"/investment/targets/leader/{leader.pk}/").content.decode()
    assert "婺城整车有限公司" in page and gaps[0]["node"].name_zh in page


def test_kept_target_rows_carry_each_readers_csrf_token_and_the_current_projects(registry) -> None:  # type: ignore[no-untyped-def]
    """The ranked rows are rendered once and kept; each reader still gets forms that pass the
    CSRF check with his own session, a lead made meanwhile shows at once, and a leader (who may
    not make leads) never sees the buttons an analyst's rendering had."""
    import re

    url = "/investment/targets/?node=nev.battery&top=10"
    tokens = []
    for name in ("ana1", "ana2"):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user_with_role("investment_analyst", name))
        page = client.get(url).content.decode()
        row_form = page[page.index('id="targets"') :]
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', row_form)[1])
        assert "__corridor_csrf_slot__" not in page
    big = registry["big"]
    response = client.post(
        "/investment/projects/new/",
        {"target": big.pk, "node": "nev.battery", "quick": "1", "csrfmiddlewaretoken": tokens[1]},
    )
    assert response.status_code == 302  # the kept rows' form passed ana2's CSRF check
    project = Project.objects.get(target=big)
    assert f'href="/investment/projects/{project.pk}/"' in client.get(url).content.decode()
    viewer = user_with_role("investment_analyst", "ana3")
    viewer.groups.clear()  # an analyst's ranking rights without the pipeline's
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["rank_targets", "view_targetlist"])
    )
    reader = Client()
    reader.force_login(viewer)
    page = reader.get(url).content.decode()
    assert "常州大电池有限公司" in page and "make-lead" not in page


def test_sheet_titles_are_what_excel_accepts_and_unique() -> None:
    from corridor.investment.exporting import sheet_title

    used: set[str] = set()
    assert sheet_title("电池[正极]:材料*?/\\", used) == "电池 正极  材料"
    long = "新能源汽车动力电池正极材料与电解液及隔膜等关键材料研发制造与回收利用"
    first, second = sheet_title(long, used), sheet_title(long, used)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert sheet_title("", used) == "-"
