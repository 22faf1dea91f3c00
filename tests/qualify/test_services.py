"""Policies synced, assessments recorded, stored enterprises evaluated incrementally."""

from __future__ import annotations

import datetime as dt

import pytest

from corridor.engine.qualify import PolicyError
from corridor.engine.qualify.loader import POLICY_DIR
from corridor.errors import ValidationFailed
from corridor.qualify import policies, records, selectors, services
from corridor.qualify.models import Assessment, Evaluation, PolicyVersion
from tests.factories import EnterpriseFactory, TitleFactory
from tests.qualify.conftest import ON, assess_all, near_high_tech

pytestmark = pytest.mark.django_db


def _current(ent, policy_id: str = "high_tech") -> Evaluation:  # type: ignore[no-untyped-def]
    return Evaluation.objects.get(enterprise=ent, policy_id=policy_id, is_current=True)


def test_shipped_policies_are_synced_once() -> None:
    assert PolicyVersion.objects.count() == len(list(POLICY_DIR.glob("*.yaml"))) == 12
    assert services.sync_shipped_policies() == 0  # idempotent (migrate already ran it)
    assert {p.key for p in policies.in_force(ON)} >= {"high_tech@2016", "innovative_sme@2026"}
    assert "innovative_sme@2022" not in {p.key for p in policies.in_force(ON)}
    assert "innovative_sme@2022" in {p.key for p in policies.in_force(dt.date(2025, 6, 1))}


def test_registry_rows_become_engine_records_with_unknowns_left_unknown() -> None:
    ent = near_high_tech()
    bare = EnterpriseFactory()
    found, problems = records.enterprise_records([ent.pk, bare.pk], ON)
    assert not problems
    record = found[ent.pk][0]
    assert record.facts(2025)["revenue"] == 4000.0 and record.facts(2025)["rd_staff"] == 20
    assert "exports" not in record.facts(2025) and "new_equity_financing" not in record.facts(2025)
    assert record.ip_holdings == {"invention_patent": 2}
    assert record.titles == () and record.rd_platforms == ()
    empty = found[bare.pk][0]
    assert empty.ip_holdings is None  # no IP rows: unknown, not zero
    assert empty.year_facts == ()


def test_missing_assessments_give_needs_data_and_entered_ones_near() -> None:
    ent = near_high_tech()
    services.evaluate_enterprises([ent.pk], ON)
    assert _current(ent).verdict == "needs_data"
    from tests.factories import user_with_role

    assess_all(ent, user_with_role("technology_officer", "t2"))
    services.evaluate_enterprises([ent.pk], ON)
    row = _current(ent)
    assert row.verdict == "near"
    assert row.path == ["rd_intensity.band_1"] or row.path[0].startswith("rd_intensity")
    shortfall = next(c for c in row.criteria if c["id"] == row.path[0])
    assert shortfall["shortfall"] == 30 and shortfall["shortfall_unit"] == "万元"


def test_batch_is_incremental(officer) -> None:  # type: ignore[no-untyped-def]
    ent = near_high_tech()
    other = near_high_tech(rd_2025=250)
    first = services.evaluate_enterprises(None, ON)
    n_policies = len(policies.in_force(ON))
    assert first["written"] == 2 * n_policies
    again = services.evaluate_enterprises(None, ON)
    assert again["written"] == 0 and again["unchanged"] == 2 * n_policies
    before = _current(other).pk
    assess_all(ent, officer)  # record_assessment re-evaluates that enterprise only
    assert _current(other).pk == before
    # each of the 4 assessments moved its inputs: 4 new rows, the earlier ones kept as history
    assert Evaluation.objects.filter(enterprise=ent, policy_id="high_tech").count() == 5
    old = Evaluation.objects.filter(enterprise=ent, policy_id="high_tech", is_current=False)
    assert old.count() == 4 and {r.verdict for r in old} == {"needs_data"}
    assert _current(ent).verdict == "near"


def test_a_new_policy_version_leaves_stored_evaluations_untouched(officer) -> None:  # type: ignore[no-untyped-def]
    ent = near_high_tech()
    assess_all(ent, officer)
    services.evaluate_enterprises(None, ON)
    stored = {
        r.pk: (r.verdict, r.criteria, r.inputs_hash, r.is_current) for r in Evaluation.objects.all()
    }
    text = (POLICY_DIR / "high_tech@2016.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2016"', 'version: "2026"').replace(
        "effective_from: 2016-01-01", "effective_from: 2026-01-01"
    )
    text = text.replace("threshold: 0.10", "threshold: 0.25")  # staff share 20 % now short
    services.upload_policy(text, officer, "high_tech@2026.yaml")
    services.evaluate_enterprises(None, ON)
    for row in Evaluation.objects.filter(pk__in=stored):
        assert (row.verdict, row.criteria, row.inputs_hash, row.is_current) == stored[row.pk]
    new = Evaluation.objects.get(enterprise=ent, policy_id="high_tech", version="2026")
    assert new.verdict in ("near", "not_qualified") and new.pk not in stored
    assert (
        policies.in_force(ON)[[p.id for p in policies.in_force(ON)].index("high_tech")].version
        == "2026"
    )


def test_upload_refuses_bad_yaml_precisely(officer) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PolicyError) as exc:
        services.upload_policy("id: high_tech\nversion: '2030'\nname: x\n", officer)
    assert exc.value.problems and "upload.yaml" in str(exc.value)
    text = (POLICY_DIR / "high_tech@2016.yaml").read_text(encoding="utf-8")
    with pytest.raises(PolicyError, match="already stored"):
        services.upload_policy(text, officer)


def test_assessments_are_validated_and_kept_as_history(officer) -> None:  # type: ignore[no-untyped-def]
    ent = near_high_tech()
    with pytest.raises(ValidationFailed):
        services.record_assessment(ent.pk, "innovation_score", 140, "x", ON, officer)
    with pytest.raises(ValidationFailed):
        services.record_assessment(ent.pk, "no_such_thing", 1, "x", ON, officer)
    with pytest.raises(ValidationFailed):
        services.record_assessment(ent.pk, "in_supported_field", True, "  ", ON, officer)
    services.record_assessment(ent.pk, "innovation_score", 60, "a", dt.date(2026, 1, 1), officer)
    services.record_assessment(ent.pk, "innovation_score", 75, "b", dt.date(2026, 3, 1), officer)
    assert Assessment.objects.filter(enterprise=ent).count() == 2
    latest = selectors.latest_assessments([ent.pk])[ent.pk]["innovation_score"]
    assert latest["value"] == 75 and latest["source"] == "b" and latest["by"] == "tech"


def test_registry_edit_and_import_signals_reevaluate(
    officer, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from corridor.registry import services as registry_services

    ent = near_high_tech()

    def announce() -> None:  # as an applied import does, after its transaction commits
        with django_capture_on_commit_callbacks(execute=True):
            registry_services.announce_facts_changed([ent.pk])

    announce()
    rows = Evaluation.objects.filter(enterprise=ent, policy_id="tech_sme")
    assert rows.count() == 1
    announce()
    assert rows.count() == 1  # nothing moved: nothing written
    TitleFactory(enterprise=ent, title="innovative_sme", issued_on=dt.date(2025, 1, 1))
    announce()
    assert rows.count() == 2 and rows.filter(is_current=True).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.update_enterprise(ent, {"main_products": "传感器"}, officer)
    assert rows.count() == 2  # an edit that changes no input writes no evaluation
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.update_enterprise(ent, {"established_on": dt.date(2014, 1, 1)}, officer)
    assert rows.count() == 3  # an edit of an input does


def test_qualified_not_titled_list_and_counts(officer) -> None:  # type: ignore[no-untyped-def]
    ent = near_high_tech(rd_2025=250)  # 630 / 12,000 = 5.25 %: qualified
    assess_all(ent, officer)
    titled = near_high_tech(rd_2025=250)
    assess_all(titled, officer)
    TitleFactory(enterprise=titled, issued_on=dt.date(2024, 1, 1), expires_on=dt.date(2026, 8, 1))
    services.evaluate_enterprises(None, ON)
    policy = selectors.policy_in_force("high_tech", ON)
    f = selectors.ListFilters()
    assert [r.enterprise_id for r in selectors.cultivation_list(policy, "qualified", f, ON)] == [
        ent.pk
    ]
    expiring = selectors.cultivation_list(policy, "expiring", f, ON)
    assert [r.enterprise_id for r in expiring] == [titled.pk]
    short = selectors.ListFilters(days=30)
    assert not selectors.cultivation_list(policy, "expiring", short, ON).exists()
    counts = {c["policy"].id: c for c in selectors.verdict_counts(ON)}
    # the count is the list it opens: qualified and not yet titled (the titled one is not counted)
    assert counts["high_tech"]["qualified"] == 1


def test_lists_and_counts_are_the_districts_own_unless_asked(officer) -> None:  # type: ignore[no-untyped-def]
    local = near_high_tech(rd_2025=250)
    outside = near_high_tech(rd_2025=250, is_local=False)
    for ent in (local, outside):
        assess_all(ent, officer)
    services.evaluate_enterprises(None, ON)
    policy = selectors.policy_in_force("high_tech", ON)

    def listed(**query: str) -> list[int]:
        f = selectors.ListFilters.from_query(query)
        return [r.enterprise_id for r in selectors.cultivation_list(policy, "qualified", f, ON)]

    assert listed() == [local.pk]
    assert listed(locality="external") == [outside.pk]
    assert sorted(listed(locality="all")) == sorted([local.pk, outside.pk])
    counts = {c["policy"].id: c for c in selectors.verdict_counts(ON)}
    assert counts["high_tech"]["qualified"] == 1
    assert selectors.evaluated_count() == 1 and selectors.evaluated_count(local=False) == 2
    with pytest.raises(ValidationFailed) as refused:
        selectors.ListFilters.from_query({"locality": "mars"})
    assert refused.value.details == {"field": "locality", "value": "mars"}


def test_stored_criteria_are_the_engines_json(officer) -> None:  # type: ignore[no-untyped-def]
    from corridor.engine.qualify import evaluate
    from corridor.engine.qualify.command import criterion_json

    ent = near_high_tech()
    assess_all(ent, officer)
    record = records.enterprise_record(ent.pk, ON)
    assert record is not None
    for policy in policies.in_force(ON):
        for row in evaluate(policy, record, ON).criteria:
            assert services.criterion_row(row) == criterion_json(row, "en")
    stored = _current(ent)
    assert stored.criteria and all("label_zh" in c for c in stored.criteria)
    assert stored.computed_at is not None and stored.as_of == ON


def test_runs_over_the_registry_record_the_lists_history(officer) -> None:  # type: ignore[no-untyped-def]
    from corridor.qualify.models import CultivationSnapshot

    ent = near_high_tech()
    assess_all(ent, officer)  # evaluations of one enterprise: no snapshot
    assert not CultivationSnapshot.objects.exists()
    services.evaluate_enterprises(None, ON)
    services.evaluate_enterprises(None, ON)  # the same day again: replaced, not added
    day = CultivationSnapshot.objects.get(policy_id="high_tech", day=ON)
    assert (day.near, day.qualified_not_titled, day.titled) == (1, 0, 0)
    TitleFactory(enterprise=ent, issued_on=dt.date(2025, 1, 1))
    later = dt.date(2026, 6, 2)
    services.evaluate_enterprises(None, later)
    assert CultivationSnapshot.objects.get(policy_id="high_tech", day=later).titled == 1
    assert CultivationSnapshot.objects.filter(policy_id="high_tech").count() == 2


def test_a_registry_figure_the_engine_refuses_leaves_the_enterprise_out() -> None:
    from tests.factories import FactsFactory

    ent = near_high_tech()
    bad = EnterpriseFactory()
    FactsFactory(enterprise=bad, year=2025, total_assets=-5)  # negative assets: not evaluable
    totals = services.evaluate_enterprises(None, ON)
    assert totals["unreadable"] == 1 and totals["enterprises"] == 2
    assert not Evaluation.objects.filter(enterprise=bad).exists()
    assert Evaluation.objects.filter(enterprise=ent, is_current=True).count() == len(
        policies.in_force(ON)
    )
