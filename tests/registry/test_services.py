"""Registry writes: USCC rules, audit before/after, soft delete and restore, merge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from corridor.accounts.models import AuditEvent
from corridor.errors import Conflict, ValidationFailed
from corridor.registry import selectors, services
from corridor.registry.models import Enterprise
from tests.factories import EnterpriseFactory, FactsFactory, TitleFactory, user_with_role

VALID = "91330100799655058B"
BAD_CHECKSUM = "91330100799655058C"


@pytest.fixture
def admin(db):  # type: ignore[no-untyped-def]
    return user_with_role("administrator", "root")


def test_create_rejects_wrong_length_and_charset(admin) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"), pytest.raises(ValidationFailed, match="18 characters"):
        services.create_enterprise({"name": "甲", "uscc": "9133010079965505"}, admin)
    with translation.override("zh-hans"), pytest.raises(ValidationFailed, match="不允许使用的字符"):
        services.create_enterprise({"name": "甲", "uscc": "9133010079965505OB"}, admin)
    assert Enterprise.all_objects.count() == 0


def test_checksum_failure_needs_confirmation(admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as exc:
        services.create_enterprise({"name": "甲", "uscc": BAD_CHECKSUM}, admin)
    assert exc.value.details["code"] == "uscc_checksum"
    ent = services.create_enterprise(
        {"name": "甲", "uscc": BAD_CHECKSUM}, admin, confirm_checksum=True
    )
    assert ent.uscc_checksum_confirmed


def test_two_records_never_share_a_uscc(admin) -> None:  # type: ignore[no-untyped-def]
    services.create_enterprise({"name": "甲", "uscc": VALID}, admin)
    with pytest.raises(Conflict):
        services.create_enterprise({"name": "乙", "uscc": " 9133 0100 7996 5505 8b "}, admin)


def test_update_records_who_before_and_after(admin) -> None:  # type: ignore[no-untyped-def]
    ent = EnterpriseFactory(name="旧名称有限公司")
    services.update_enterprise(ent, {"name": "新名称有限公司"}, admin)
    event = AuditEvent.objects.get(action="update", target_id=str(ent.pk))
    assert event.actor == admin
    assert ("name", "旧名称有限公司", "新名称有限公司") in event.changed_fields()
    history = selectors.enterprise_history(ent)
    # the history names the field by its verbose name, never the column
    label = str(Enterprise._meta.get_field("name").verbose_name)
    assert history[0]["changes"] == [(label, "旧名称有限公司", "新名称有限公司")]


def test_soft_delete_hides_and_restore_brings_back(admin) -> None:  # type: ignore[no-untyped-def]
    ent = EnterpriseFactory()
    services.soft_delete_enterprise(ent, admin, "duplicate")
    assert not Enterprise.objects.filter(pk=ent.pk).exists()
    assert Enterprise.all_objects.filter(pk=ent.pk).exists()
    assert ent not in selectors.enterprise_list(selectors.EnterpriseFilters())
    services.restore_enterprise(ent.pk, admin)
    assert Enterprise.objects.filter(pk=ent.pk).exists()
    actions = list(
        AuditEvent.objects.filter(
            target_type="registry.enterprise", target_id=str(ent.pk)
        ).values_list("action", flat=True)
    )
    assert sorted(actions) == ["delete", "restore"]


def test_merge_moves_facts_and_titles_into_the_uscc_record(admin) -> None:  # type: ignore[no-untyped-def]
    keep = EnterpriseFactory(name="同名有限公司", address="")
    loose = EnterpriseFactory(name="同名有限公司", uscc=None, address="浙江省金华市婺城区某路1号")
    FactsFactory(enterprise=loose, year=2022, revenue=10)
    FactsFactory(enterprise=keep, year=2024, revenue=30)
    FactsFactory(enterprise=loose, year=2024, revenue=99, tax_paid=5)
    TitleFactory(enterprise=loose)
    services.merge_into(loose.pk, keep.pk, admin)
    keep.refresh_from_db()
    years = {f.year: f for f in keep.year_facts.all()}
    assert sorted(years) == [2022, 2024]
    assert years[2024].revenue == 30 and years[2024].tax_paid == 5  # target wins, blanks filled
    assert keep.titles.count() == 1 and keep.address.startswith("浙江省")
    assert keep.latest_year == 2024 and keep.latest_revenue == 30
    assert Enterprise.all_objects.get(pk=loose.pk).deleted_at is not None


def test_merge_refuses_when_the_source_has_a_uscc(admin) -> None:  # type: ignore[no-untyped-def]
    a, b = EnterpriseFactory(), EnterpriseFactory()
    with pytest.raises(ValidationFailed):
        services.merge_into(a.pk, b.pk, admin)


def test_control_characters_are_refused_naming_the_field(admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as exc:
        services.create_enterprise({"name": "甲\x00乙"}, admin)
    assert exc.value.details["field"] == "name"
    ent = services.create_enterprise(
        {"name": "甲", "business_scope": "第一行\n第二行\t制表"}, admin
    )
    with pytest.raises(ValidationFailed):
        services.update_enterprise(ent, {"main_products": "x\x1by"}, admin)


def test_editing_through_the_page_records_the_stored_value_as_before(admin) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    ent = EnterpriseFactory(name="原名有限公司")
    client = Client()
    client.force_login(admin)
    data = {"name": "新名有限公司", "uscc": ent.uscc, "status": "operating", "is_local": "on"}
    assert client.post(f"/registry/{ent.pk}/edit/", data).status_code == 302
    event = AuditEvent.objects.get(
        action="update", target_type="registry.enterprise", target_id=str(ent.pk)
    )
    assert ("name", "原名有限公司", "新名有限公司") in event.changed_fields()


@pytest.mark.django_db
def test_title_in_force_is_one_rule_for_queries_and_loaded_rows() -> None:
    """Issued on or before the day (or undated), expiring on or after it (or never): both edges count."""
    day = dt.date(2024, 6, 1)
    one = dt.timedelta(days=1)
    cases = {
        "undated": (None, None, True),
        "issued_that_day": (day, None, True),
        "issued_the_day_after": (day + one, None, False),
        "expires_that_day": (None, day, True),
        "expired_the_day_before": (None, day - one, False),
        "window": (day - one, day + one, True),
    }
    ent = EnterpriseFactory()
    rows = {
        name: TitleFactory(enterprise=ent, issued_on=issued, expires_on=expires, source=name)
        for name, (issued, expires, _) in cases.items()
    }
    in_force = set(selectors.titles_held_in_force(day).values_list("source", flat=True))
    assert in_force == {name for name, (_, _, ok) in cases.items() if ok}
    assert {name for name, row in rows.items() if row.is_valid_on(day)} == in_force
    assert {t.source for t in selectors.titles_in_force(ent, on=day)} == in_force
