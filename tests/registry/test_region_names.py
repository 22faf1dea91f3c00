"""Region names are shown once: a city without counties (东莞市) is not '东莞市东莞市' anywhere."""

from __future__ import annotations

import pytest
from django.test import Client

from corridor.registry import selectors
from tests.factories import EnterpriseFactory, user_with_role


@pytest.fixture
def dongguan(db):  # type: ignore[no-untyped-def]
    return EnterpriseFactory(
        name="东莞精密模具有限公司",
        is_local=False,
        province="广东省",
        city="东莞市",
        county="东莞市",
        province_code="440000",
        city_code="441900",
        county_code="441900",
    )


def test_enterprise_region_label(dongguan) -> None:  # type: ignore[no-untyped-def]
    assert dongguan.region_label == "广东省 东莞市"
    assert dongguan.city_label == "广东省 东莞市"


def test_county_options_name_dongguan_once(dongguan) -> None:  # type: ignore[no-untyped-def]
    groups = {g["label"]: g["counties"] for g in selectors.county_options()}
    assert groups["广东省东莞市"] == [("441900", "东莞市")]
    assert selectors.county_name("441900") == "东莞市"


def test_list_and_detail_show_dongguan_once(dongguan) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_with_role("leader", "boss"))
    for url in ("/registry/?locality=external", f"/registry/{dongguan.pk}/"):
        html = c.get(url).content.decode()
        assert "东莞市东莞市" not in html and "东莞市 东莞市" not in html, url
        assert "东莞市" in html, url


def test_change_history_names_fields_and_formats_values(dongguan) -> None:  # type: ignore[no-untyped-def]
    """The history shows '经营范围', '本地企业：否 → 是', never business_scope / is_local / False."""
    import datetime as dt

    from corridor.registry import services

    user = user_with_role("administrator", "root")
    services.update_enterprise(
        dongguan,
        {
            "business_scope": "模具制造",
            "is_local": True,
            "status": "cancelled",
            "established_on": dt.date(2009, 8, 6),
            "registered_capital": 123456,
        },
        user,
    )
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    html = c.get(f"/registry/{dongguan.pk}/").content.decode()
    history = html[html.index('id="history"') :]
    for raw in ("business_scope", "is_local", "established_on", "registered_capital", "False"):
        assert raw not in history, raw
    assert "经营范围" in history and "2009-08-06" in history and "123,456" in history
    assert "注销" in history  # the status by its label
