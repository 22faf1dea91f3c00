"""The demo builder: reference entities with public facts only, labelled synthetic data, users."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db.models import Q
from django.test import Client

from corridor.atlas.models import Chain, NodeLink
from corridor.demo.builder import DEMO_PASSWORD, build_demo
from corridor.investment.models import Project
from corridor.parks.models import Park
from corridor.registry.models import Enterprise, EnterpriseYearFacts


@pytest.mark.django_db
def test_small_demo_build_is_labelled_and_rebuildable() -> None:
    build_demo(local=120, national=400, seed=7)
    real = Enterprise.objects.filter(is_synthetic=False)
    assert set(real.values_list("name", flat=True)) >= {
        "金华市宇辰粉末冶金有限公司",
        "浙江八达电子仪表有限公司",
    }
    assert not EnterpriseYearFacts.objects.filter(
        enterprise__is_synthetic=False
    ).exists()  # no invented figures
    bada = Enterprise.objects.get(name="浙江八达电子仪表有限公司")
    assert bada.park.name == "乾西工贸区" and bada.titles.get().title == "little_giant"
    assert Enterprise.objects.filter(is_synthetic=True, is_local=True).count() == 120
    assert Enterprise.objects.filter(is_synthetic=True, is_local=False).count() == 400
    assert Park.objects.filter(name="浙师大金华科创园").exists()
    synthetic_local = Enterprise.objects.filter(is_synthetic=True, is_local=True)
    assert synthetic_local.filter(latest_year__isnull=False).count() > 100
    first = sorted(Enterprise.objects.filter(is_synthetic=True).values_list("uscc", flat=True))
    anchors = {
        c.key: sorted(c.anchors.values_list("is_synthetic", "is_local"))
        for c in Chain.objects.all()
    }
    assert any(anchors.values()) and all(set(a) <= {(True, True)} for a in anchors.values())
    projects = Project.all_objects.filter(owner__username="analyst")
    made = projects.count()
    assert made > 0 and not projects.filter(Q(is_synthetic=False) | Q(target__is_synthetic=False))
    build_demo(local=120, national=400, seed=7)  # rebuild replaces, same seed → same data
    assert (
        sorted(Enterprise.objects.filter(is_synthetic=True).values_list("uscc", flat=True)) == first
    )
    assert projects.count() == made  # the old projects went with their enterprises
    assert not NodeLink.objects.exclude(enterprise_id__in=Enterprise.all_objects.values("id"))
    assert User.objects.filter(username="leader").exists()
    client = Client()
    assert client.login(username="leader", password=DEMO_PASSWORD)
    url = f"/registry/{synthetic_local.first().pk}/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "synthetic demo record" in page


def test_demo_years_follow_the_calendar() -> None:
    import datetime as dt

    from corridor.demo.builder import demo_years

    local, national = demo_years(dt.date(2026, 11, 25))
    assert local == (2022, 2023, 2024, 2025) and national == (2023, 2024, 2025)
