"""Verdicts: near with shortfalls in the unit to add, 2022 vs 2026, better-of, direct confirmation,
prerequisites, vetoes, missing data (never guessed), what-if, and the columnar path's agreement."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pytest

from corridor.engine.qualify import evaluate, policies_in_force, what_if
from corridor.engine.qualify.columnar import columns_from_enterprises, evaluate_columns
from corridor.engine.qualify.messages import explain
from tests.engine.qualify_build import ON, POLICIES, build, criterion, run
from tests.engine.qualify_random import enterprise


def test_near_high_tech_with_the_rd_to_add_in_wan_yuan() -> None:
    ent = build(facts={"rd_expense": 190})  # 570 of 12,000 sales over 3 years: 4.75 % < 5 %
    result = run("high_tech@2016", ent)
    assert result.verdict == "near"
    (gap,) = result.path
    assert (gap.id, gap.shortfall, gap.shortfall_unit, gap.shortfall_year) == (
        "rd_intensity.band_1",
        30.0,
        "万元",
        2025,
    )
    assert gap.value == 4.75 and gap.threshold == 5.0 and gap.unit == "%"
    assert (
        explain(gap)
        == "2025年研发费用需增加30万元，方可达到研发费用占营业收入比例不低于5%（近三个会计年度合计）"
    )
    assert explain(gap, "en").startswith("2025 R&D expense must rise by ¥300,000 to reach")


def test_staff_shortfall_is_people_to_hire() -> None:
    # 8 of 100: hiring x technology staff gives (8 + x) / (100 + x) ≥ 10 % → x ≥ 2.2 → 3 people
    result = run("high_tech@2016", build(facts={"rd_staff": 8}))
    gap = criterion(result, "rd_staff_share")
    assert (gap.shortfall, gap.shortfall_unit, result.verdict) == (3.0, "persons", "near")


def test_count_shortfall_is_items() -> None:
    result = run(
        "little_giant@2026",
        build(
            ip={"invention_patent": 3},
            titles=("specialised_sme",),
            facts={"revenue": 6000, "main_business_revenue": 5800},
        ),
    )
    gap = criterion(result, "class1_ip.ip_class1")
    assert (gap.status, gap.shortfall, gap.shortfall_unit) == ("unmet", 1.0, "items")


def test_debt_ratio_shortfall_is_liabilities_to_cut() -> None:
    result = run(
        "specialised_sme@2026", build(facts={"total_liabilities": 4100}, titles=("innovative_sme",))
    )
    gap = criterion(result, "debt_ratio")
    assert (gap.shortfall, gap.shortfall_direction, result.verdict) == (100.0, "reduce", "near")


def test_far_from_the_threshold_is_not_near() -> None:
    # 1 % against 5 %: less than half way (near.min_progress 0.5)
    assert run("high_tech@2016", build(facts={"rd_expense": 40})).verdict == "not_qualified"


def test_more_unmet_criteria_than_near_allows_is_not_qualified() -> None:
    ent = build(facts={"rd_expense": 190, "rd_staff": 9, "high_tech_income": 2300})
    assert run("high_tech@2016", ent).verdict == "not_qualified"  # 3 gaps > near.max_unmet 2


def test_veto_unmet_is_never_near() -> None:
    ent = build(facts={"rd_expense": 190}, assessments={"no_major_incident": False})
    result = run("high_tech@2016", ent)
    assert result.verdict == "not_qualified" and criterion(result, "no_major_incident").veto


@pytest.mark.parametrize(
    ("change", "criterion_id", "status"),
    [
        ({"by_year": {2024: {"rd_expense": None}}}, "rd_intensity.band_1", "unknown"),
        (
            {"facts": {"revenue": None}},
            "rd_intensity",
            "unknown",
        ),  # the sales band cannot be chosen
        ({"assessments": {"innovation_score": None}}, "innovation_score", "manual_review"),
        ({"assessments": {"no_major_incident": None}}, "no_major_incident", "unknown"),
        ({"established_on": None}, "registered_1_year", "unknown"),
    ],
)
def test_missing_data_gives_needs_data_never_a_guess(
    change: dict, criterion_id: str, status: str
) -> None:
    result = run("high_tech@2016", build(**change))
    assert criterion(result, criterion_id).status == status
    assert result.verdict == "needs_data"


def test_missing_data_alongside_a_gap_is_needs_data_not_near() -> None:
    ent = build(facts={"rd_expense": 190}, assessments={"in_supported_field": None})
    assert run("high_tech@2016", ent).verdict == "needs_data"


def test_missing_data_does_not_hide_a_certain_failure() -> None:
    ent = build(facts={"rd_expense": 20}, assessments={"in_supported_field": None})
    assert run("high_tech@2016", ent).verdict == "not_qualified"


def test_2022_and_2026_versions_side_by_side() -> None:
    """Same enterprise: 2 years in its niche and 1,200万 revenue pass the 2022 rules, not the 2026 ones."""
    ent = build(
        facts={
            "revenue": 1200,
            "main_business_revenue": 1100,
            "rd_expense": 100,
            "total_assets": 1500,
            "total_liabilities": 600,
            "high_tech_income": 900,
            "total_costs": 1000,
        },
        assessments={"niche_years": 2},
        titles=("innovative_sme",),
    )
    old, new = run("specialised_sme@2022", ent), run("specialised_sme@2026", ent)
    assert (old.version, old.verdict) == ("2022", "qualified")
    assert (new.version, new.verdict) == ("2026", "not_qualified")
    assert (
        criterion(new, "niche_years").status == "unmet"
        and criterion(new, "size.revenue").status == "unmet"
    )
    assert criterion(new, "size.revenue").shortfall == 300.0


def test_the_version_in_force_switches_on_2026_04_01() -> None:
    before = {p.key for p in policies_in_force(POLICIES.values(), date(2026, 3, 31))}
    after = {p.key for p in policies_in_force(POLICIES.values(), date(2026, 4, 1))}
    assert {"specialised_sme@2022", "little_giant@2022", "innovative_sme@2022"} <= before
    assert {"specialised_sme@2026", "little_giant@2026", "innovative_sme@2026"} <= after
    assert not {k for k in after if k.endswith("@2022")}
    assert len({p.split("@")[0] for p in after}) == len(after)  # one version per policy


def test_better_of_takes_the_higher_rd_score() -> None:
    # R&D ÷ sales 2 % (10 points) but R&D ÷ total costs 30 % (50 points)
    ent = build(facts={"rd_expense": 80, "revenue": 4000, "total_costs": 266})
    item = criterion(run("tech_sme@2017", ent), "score.rd_investment")
    assert item.points == 50


def test_tech_sme_score_passes_at_60_and_needs_a_staff_score() -> None:
    # staff 10 % → 4; R&D 5 % → 40; one invention patent → 30: 74
    ent = build(facts={"rd_staff": 10, "rd_expense": 200, "total_costs": 4000})
    result = run("tech_sme@2017", ent)
    assert (result.verdict, result.score) == ("qualified", 74.0)
    low_staff = run(
        "tech_sme@2017", build(facts={"rd_staff": 9, "rd_expense": 240, "total_costs": 4000})
    )
    assert (
        low_staff.score == 80.0 and criterion(low_staff, "score").status == "unmet"
    )  # staff score 0
    (gap,) = (
        low_staff.path
    )  # 2 more technology staff lift the staff score off 0: (9 + 2) / 102 ≥ 10 %
    assert (gap.id, gap.shortfall, gap.shortfall_unit, low_staff.verdict) == (
        "score.rd_staff",
        2.0,
        "persons",
        "near",
    )


def test_a_score_short_of_the_pass_mark_is_near_by_one_item_upgrade() -> None:
    # staff 10 % → 4; R&D 1.5 % → 0; 1 utility model → 6: 10. Reaching 6 % R&D (50 points) would
    # pass, but 60万 of the 240万 needed is only a quarter of the way: not near
    ent = build(
        facts={"rd_staff": 10, "rd_expense": 60, "total_costs": 4000}, ip={"utility_model": 1}
    )
    result = run("tech_sme@2017", ent)
    assert result.score == 10.0 and result.verdict == "not_qualified"
    # R&D 5.5 % → 40: 56; reaching 6 % (+20万) gives 50 points: 66
    closer = run(
        "tech_sme@2017",
        build(
            facts={"rd_staff": 10, "rd_expense": 220, "total_costs": 4000}, ip={"utility_model": 2}
        ),
    )
    assert closer.score == 56.0 and closer.verdict == "near"
    (gap,) = closer.path
    assert (gap.id, gap.shortfall, gap.shortfall_unit, gap.threshold) == (
        "score.rd_investment",
        20.0,
        "万元",
        6.0,
    )
    assert explain(gap) == "2025年研发费用需增加20万元，方可达到研发费用占营业收入比例不低于6%"


def test_direct_confirmation_by_a_valid_high_tech_title() -> None:
    weak = build(facts={"rd_staff": 5, "rd_expense": 20}, ip={})
    assert run("tech_sme@2017", weak).verdict == "not_qualified"
    titled = run(
        "tech_sme@2017",
        build(facts={"rd_staff": 5, "rd_expense": 20}, ip={}, titles=("high_tech",)),
    )
    assert titled.verdict == "qualified" and titled.confirmed_directly
    expired = run(
        "tech_sme@2017",
        build(facts={"rd_staff": 5, "rd_expense": 20}, ip={}, titles=("high_tech",)),
        on=date(2027, 6, 1),
    )
    assert expired.verdict != "qualified"


def test_direct_confirmation_still_needs_the_base_conditions() -> None:
    big = build(facts={"employees": 800, "rd_staff": 5, "rd_expense": 20}, titles=("high_tech",))
    assert run("tech_sme@2017", big).verdict == "not_qualified"


def test_prerequisite_title_must_be_held() -> None:
    ent = build()
    without = run("specialised_sme@2026", ent)
    assert criterion(without, "holds_innovative_title").status == "unmet"
    assert without.verdict == "not_qualified"  # a title is not closable by an amount
    assert run("specialised_sme@2026", build(titles=("innovative_sme",))).verdict == "qualified"


def test_threshold_still_to_enter_is_manual_review_and_to_confirm() -> None:
    result = run(
        "rd_institute@2025", build(titles=("high_tech",), platforms=("provincial_rd_center",))
    )
    row = criterion(result, "rd_intensity")
    assert (row.status, row.to_confirm, result.verdict, result.to_confirm) == (
        "manual_review",
        True,
        "needs_data",
        True,
    )


def test_check_items_carry_to_confirm() -> None:
    assert criterion(run("high_tech@2016", build()), "rd_staff_share").to_confirm


def test_what_if_closes_the_gap_without_touching_the_enterprise() -> None:
    ent = build(facts={"rd_expense": 190})
    (before,) = what_if([POLICIES["high_tech@2016"]], ent, ON)
    (after,) = what_if([POLICIES["high_tech@2016"]], ent, ON, facts={2025: {"rd_expense": 220}})
    assert (before.verdict, after.verdict) == ("near", "qualified")
    assert ent.facts(2025)["rd_expense"] == 190


def test_results_carry_policy_id_and_version() -> None:
    result = evaluate(POLICIES["little_giant@2026"], build(), ON)
    assert (result.policy, result.version, result.policy_key) == (
        "little_giant",
        "2026",
        "little_giant@2026",
    )


def test_shorter_history_uses_the_actual_period() -> None:
    # registered in 2024: R&D ÷ sales over 2024–2025 only (2023 has no figures)
    ent = build(
        by_year={2023: {k: None for k in ("revenue", "rd_expense")}},
        established_on=date(2024, 2, 1),
    )
    row = criterion(run("high_tech@2016", ent), "rd_intensity.band_1")
    assert row.status == "met" and row.years == (2024, 2025)


@pytest.mark.parametrize("seed", [1, 2])
def test_columnar_path_agrees_with_the_explained_path(seed: int) -> None:
    rng = random.Random(seed)
    ents = [enterprise(rng, i) for i in range(400)]
    cols = columns_from_enterprises(ents, ON)
    for policy in POLICIES.values():
        explained = [evaluate(policy, e, ON) for e in ents]
        batch = evaluate_columns(policy, cols)
        assert batch.names() == [r.verdict for r in explained], policy.key
        scores = batch.score()
        if scores is not None:
            expected = np.array([np.nan if r.score is None else r.score for r in explained])
            np.testing.assert_array_equal(scores, expected)


def test_columnar_path_agrees_on_the_edge_cases() -> None:
    cases = [
        build(facts={"rd_expense": 190}),
        build(facts={"rd_staff": 8}),
        build(facts={"revenue": 5000}),
        build(by_year={2024: {"rd_expense": None}}),
        build(facts={"revenue": None}),
        build(industry_code=None),
        build(titles=("high_tech", "innovative_sme", "specialised_sme")),
        *(
            build(
                facts={"rd_staff": staff, "rd_expense": rd, "total_costs": 4000},
                ip={"utility_model": 2},
            )
            for staff in (9, 10)
            for rd in (60, 180, 220)
        ),  # score upgrades (科小)
        build(
            facts={"main_business_revenue": 1900}, assessments={"strategic_emerging_field": False}
        ),
        build(
            established_on=date(2024, 2, 1), by_year={2023: {"revenue": None, "rd_expense": None}}
        ),
    ]
    cols = columns_from_enterprises(cases, ON)
    for policy in POLICIES.values():
        assert evaluate_columns(policy, cols).names() == [
            evaluate(policy, e, ON).verdict for e in cases
        ]


@pytest.mark.parametrize("titles", [(), ("high_tech",)])
def test_columnar_path_knows_a_title_no_one_in_the_batch_holds(titles: tuple[str, ...]) -> None:
    """A known, empty title list means "not held" even when no enterprise of the batch holds that title."""
    (ent,) = cases = [build(titles=titles)]
    cols = columns_from_enterprises(cases, ON)
    for key in ("specialised_sme@2026", "little_giant@2026", "tech_sme@2017"):
        policy = POLICIES[key]
        assert evaluate_columns(policy, cols).names() == [evaluate(policy, ent, ON).verdict], key


def test_full_years_over_arrays_matches_the_per_enterprise_count() -> None:
    from corridor.engine.qualify.columnar import full_years_array
    from corridor.engine.qualify.measure import full_years

    days = [
        date(2024, 2, 29),
        date(2025, 3, 1),
        date(2025, 6, 1),
        date(2025, 6, 2),
        date(2000, 12, 31),
    ]
    for on in (date(2026, 6, 1), date(2025, 2, 28), date(2028, 2, 29), date(2026, 3, 1)):
        got = full_years_array(
            np.array([d.isoformat() for d in days] + ["NaT"], dtype="datetime64[D]"), on
        )
        assert got[:-1].tolist() == [float(full_years(d, on)) for d in days] and np.isnan(got[-1])


@pytest.mark.parametrize(
    ("policy", "change", "old", "new"),
    [
        # 科技和创新型 (2026) keeps the 2022 evaluation: the same verdict and score
        ("innovative_sme", {}, "qualified", "qualified"),
        # 小巨人: 2022 asks no prior title and 2 Class-I IP; 2026 the 专精特新 title, 4 Class-I IP, 5,000万 revenue
        (
            "little_giant",
            {
                "ip": {"invention_patent": 2},
                "facts": {"rd_expense": 400},
                "by_year": {
                    y: {"revenue": rev, "main_business_revenue": rev * 0.95}
                    for y, rev in ((2023, 5400), (2024, 5700), (2025, 6000))
                },
            },
            "qualified",
            "not_qualified",
        ),
    ],
)
def test_versions_side_by_side(policy: str, change: dict, old: str, new: str) -> None:
    ent = build(**change)
    before, after = run(f"{policy}@2022", ent), run(f"{policy}@2026", ent)
    assert (before.verdict, after.verdict) == (old, new)
    if policy == "innovative_sme":
        assert before.score == after.score


def test_english_sentences_state_money_in_yuan_not_in_wan() -> None:
    """An English reader gets ¥ amounts (no 万元 in English text); Chinese keeps 万元."""
    from corridor.engine.qualify.messages import money_en

    assert money_en(1.07) == "¥10,700"
    assert money_en(712.51) == "¥7.13 million"
    assert money_en(150000) == "¥1.5 billion"
    assert money_en(-30) == "¥-300,000"


def test_no_english_label_of_a_metric_or_criterion_holds_chinese() -> None:
    """English pages show the engine's English names: none may carry Chinese (创客中国 did)."""
    import dataclasses
    import re

    from corridor.engine.qualify import load_policies
    from corridor.engine.qualify import metrics as m
    from corridor.engine.qualify.model import Label

    cjk = re.compile(r"[\u4e00-\u9fff]")
    found = [k for k, v in {**m.FACTS, **m.ASSESSMENTS}.items() if cjk.search(v.en)]

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        """Every Label in a policy's tree of criteria (dataclasses, tuples of them)."""
        if isinstance(node, tuple | list):
            for item in node:
                walk(item)
        elif dataclasses.is_dataclass(node):
            if isinstance(node, Label):
                if cjk.search(node.en):
                    found.append(node.en)
                return
            for f in dataclasses.fields(node):
                walk(getattr(node, f.name))

    for policy in load_policies().values():
        walk(policy.root)
    assert not found, found
