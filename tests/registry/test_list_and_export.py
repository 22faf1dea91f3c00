"""The list page's filters, sorting and paging, and exports of exactly the filtered list."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from corridor.registry.bulk import refresh_latest_facts
from tests.factories import EnterpriseFactory, FactsFactory, TitleFactory, user_with_role


@pytest.fixture
def client(db):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_with_role("leader", "boss"))
    return c


@pytest.fixture
def data(db):  # type: ignore[no-untyped-def]
    big = EnterpriseFactory(name="大型机电有限公司")
    FactsFactory(enterprise=big, year=2024, revenue=50000, employees=1200)
    small = EnterpriseFactory(name="小型贸易有限公司")
    FactsFactory(enterprise=small, year=2023, revenue=200, employees=8)
    outside = EnterpriseFactory(
        name="外地电池有限公司", is_local=False, county_code="350902", county="蕉城区"
    )
    TitleFactory(
        enterprise=big,
        title="high_tech",
        issued_on=dt.date(2023, 1, 1),
        expires_on=dt.date(2099, 1, 1),
    )
    TitleFactory(
        enterprise=small,
        title="high_tech",
        issued_on=dt.date(2015, 1, 1),
        expires_on=dt.date(2018, 1, 1),
    )
    EnterpriseFactory(name='=HYPERLINK("http://evil")有限公司')
    refresh_latest_facts([big.pk, small.pk])
    return {"big": big, "small": small, "outside": outside}


def _names(response) -> list[str]:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    return [n for n in ["大型机电有限公司", "小型贸易有限公司", "外地电池有限公司"] if n in body]


def test_filters_search_and_size_band(client, data) -> None:  # type: ignore[no-untyped-def]
    assert _names(client.get("/registry/?q=机电")) == ["大型机电有限公司"]
    assert _names(client.get("/registry/?locality=external")) == ["外地电池有限公司"]
    assert _names(client.get("/registry/?size=large")) == ["大型机电有限公司"]
    assert _names(client.get("/registry/?size=micro")) == ["小型贸易有限公司"]
    # an expired title does not count
    assert _names(client.get("/registry/?title=high_tech")) == ["大型机电有限公司"]
    uscc = data["small"].uscc
    assert _names(client.get(f"/registry/?q={uscc[:17].lower()}")) == [
        "小型贸易有限公司"
    ]  # prefix, any case


def test_sort_by_revenue_puts_unknown_last(client, data) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/registry/?locality=all&sort=-revenue").content.decode()
    assert body.index("大型机电") < body.index("小型贸易") < body.index("外地电池")
    body = client.get("/registry/?locality=all&sort=revenue").content.decode()
    assert body.index("小型贸易") < body.index("大型机电") < body.index("外地电池")


def test_list_opens_on_the_district_and_the_national_pool_is_one_filter_away(client, data) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/registry/")
    assert _names(response) == ["大型机电有限公司", "小型贸易有限公司"]
    assert response.context["page"].paginator.count == 3  # the three local records
    body = response.content.decode()
    assert 'id="show-national"' in body and "locality=all" in body
    national = client.get("/registry/?locality=all")
    assert _names(national) == ["大型机电有限公司", "小型贸易有限公司", "外地电池有限公司"]
    assert national.context["page"].paginator.count == 4
    # the export of the opening view is the opening view; locality=all exports the national pool
    local_csv = client.get("/registry/export/?format=csv")
    assert "外地电池" not in b"".join(local_csv.streaming_content).decode("utf-8-sig")
    all_csv = client.get("/registry/export/?locality=all&format=csv")
    assert "外地电池" in b"".join(all_csv.streaming_content).decode("utf-8-sig")


def test_county_filter_is_grouped_by_province_and_city_in_code_order(client, db) -> None:  # type: ignore[no-untyped-def]
    for code, province, city, county in [
        ("330782", "浙江省", "金华市", "义乌市"),
        ("320106", "江苏省", "南京市", "鼓楼区"),
        ("330702", "浙江省", "金华市", "婺城区"),
        ("330106", "浙江省", "杭州市", "西湖区"),
    ]:
        EnterpriseFactory(
            county_code=code,
            province_code=code[:2] + "0000",
            city_code=code[:4] + "00",
            province=province,
            city=city,
            county=county,
        )
    body = client.get("/registry/").content.decode()
    select = body[body.index('id="county"') :]
    select = select[: select.index("</select>")]
    order = [select.index(label) for label in ("江苏省南京市", "浙江省杭州市", "浙江省金华市")]
    assert order == sorted(order)
    jinhua = select[select.index("浙江省金华市") :]
    assert jinhua.index("婺城区") < jinhua.index("义乌市")
    assert select.count("<optgroup") == 3


def test_county_options_are_cached_until_the_registry_changes(client, data) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/registry/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/registry/")
    assert not [q for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    EnterpriseFactory(county_code="110101", county="东城区", city="北京市", province="北京市")
    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/registry/").content.decode()
    assert [q for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    assert "东城区" in body


def test_deep_pages_show_the_same_rows_as_a_plain_offset(client, db) -> None:  # type: ignore[no-untyped-def]
    from corridor.registry import selectors

    for i in range(130):
        ent = EnterpriseFactory(name=f"企业{i:03d}", is_local=i % 2 == 0)
        if i % 3:
            FactsFactory(enterprise=ent, year=2024, revenue=1000 + (i % 7) * 10)
    refresh_latest_facts(list(selectors.Enterprise.objects.values_list("pk", flat=True)))
    for sort in selectors.SORTS:
        filters = selectors.EnterpriseFilters.from_query({"sort": sort})
        plain = list(selectors.enterprise_list(filters).values_list("pk", flat=True))
        paged = [
            e.pk
            for n in (1, 2, 3)
            for e in selectors.enterprise_page(filters, n, per_page=50).object_list
        ]
        assert paged == plain, sort


def test_hostile_query_values_are_ignored_not_errors(client, data) -> None:  # type: ignore[no-untyped-def]
    for query in [
        "sort=drop table",
        # a malformed park number is a 422 naming it (tests/security/test_bad_inputs.py)
        "size=huge",
        "page=-4",
        "q=" + "x" * 5000,
        "title=<script>",
    ]:
        assert client.get(f"/registry/?{query}").status_code == 200, query


def test_csv_export_is_exactly_the_filtered_list(client, data) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/registry/export/?locality=local&format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    names = sorted(r[0] for r in rows[1:])
    assert names == sorted(
        ["大型机电有限公司", "小型贸易有限公司", '\'=HYPERLINK("http://evil")有限公司']
    )


def test_xlsx_export_neutralises_formulas(client, data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/registry/export/?q=HYPERLINK")
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert len(sheet) == 2
    assert sheet[1][0].startswith("'=")


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "county=%00",
        "sort=%00",
        "park=%00",
        "limit=-1",
        "offset=-5",
        "limit=99999999999999999999",
        "offset=99999999999999999999",
        "title=%00",
    ],
)
def test_api_list_rejects_or_ignores_hostile_parameters(db, query) -> None:  # type: ignore[no-untyped-def]
    EnterpriseFactory()
    client = Client()
    client.force_login(user_with_role("administrator", "root"))
    response = client.get("/api/v1/registry/enterprises?" + query)
    assert response.status_code in (200, 422), (query, response.status_code)


def test_export_notes_describe_the_filters_in_words(client, data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        "/registry/export/?locality=local&title=high_tech&status=operating&format=xlsx",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    about = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(1).to_python()
    note = about[0][0]
    assert "locality" not in note and "=" not in note and "&" not in note, note
    assert "本地企业" in note and "高新技术企业" in note and "Excel" in note, note


def test_list_says_what_a_link_only_filter_narrowed_to(client, data) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/registry/?status=operating&facts_year=2024").content.decode()
    assert 'id="narrowed"' in html and "2024" in html
    assert (
        'type="hidden" name="facts_year" value="2024"' in html
    )  # kept when another filter changes
    assert client.get("/registry/?facts_year=2024").context["page"].paginator.count == 1
