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
    assert ("441900", "东莞市") in selectors.county_options()


def test_list_and_detail_show_dongguan_once(dongguan) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user_with_role("leader", "boss"))
    for url in ("/registry/?locality=external", f"/registry/{dongguan.pk}/"):
        html = c.get(url).content.decode()
        assert "东莞市东莞市" not in html and "东莞市 东莞市" not in html, url
        assert "东莞市" in html, url
