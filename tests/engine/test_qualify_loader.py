"""Policy files: the packaged ones load; malformed and hostile YAML is refused with file, path, value, reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from corridor.engine.qualify.loader import PolicyError, load_policies, load_policy_text
from corridor.engine.qualify.model import Check, Tiers

GOOD = """
id: demo
version: "2026"
name: {zh: 示例, en: Example}
document: 示例办法
number: 示例〔2026〕1号
effective_from: 2026-01-01
criteria:
  - id: staff
    label: {zh: 科技人员占比, en: Tech staff share}
    metric: rd_staff_share
    comparison: ">="
    threshold: 0.10
  - id: rd
    label: {zh: 研发强度, en: R&D intensity}
    metric: rd_intensity
    period: last_3_years
    comparison: ">="
    tiers:
      by: {metric: revenue, period: latest}
      bands:
        - {upto: 5000, threshold: 0.05}
        - {threshold: 0.03}
"""


def test_packaged_policies_load_with_their_documents() -> None:
    policies = load_policies()
    assert set(policies) == {
        "high_tech@2016",
        "tech_sme@2017",
        "innovative_sme@2022",
        "innovative_sme@2026",
        "specialised_sme@2022",
        "specialised_sme@2026",
        "little_giant@2022",
        "little_giant@2026",
        "above_scale@2011",
        "rd_center@2025",
        "rd_institute@2025",
        "key_rd_institute@2025",
    }
    assert policies["high_tech@2016"].number == "国科发火〔2016〕32号"
    assert policies["specialised_sme@2026"].number == "工信部企业〔2026〕2号"
    assert all(p.source == f"{p.key}.yaml" for p in policies.values())


def test_the_example_loads() -> None:
    policy = load_policy_text(GOOD)
    assert policy.key == "demo@2026" and len(policy.root.children) == 2


def _edit(path: list[object], value: object) -> str:
    """GOOD with the node at `path` replaced by value (or removed when value is ...)."""
    doc = yaml.safe_load(GOOD)
    node = doc
    for step in path[:-1]:
        node = node[step]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return yaml.safe_dump(doc, allow_unicode=True)


BROKEN = [
    (["criteria", 0, "metric"], "rd_staf_share", "criteria[0].metric", "unknown metric"),
    (["criteria", 0, "threshold"], "ten", "criteria[0].threshold", "finite number"),
    (["criteria", 0, "threshold"], float("nan"), "criteria[0].threshold", "finite number"),
    (["criteria", 0, "threshold"], float("inf"), "criteria[0].threshold", "finite number"),
    (["criteria", 0, "threshold"], 1e300, "criteria[0].threshold", "finite number"),
    (["criteria", 0, "threshold"], True, "criteria[0].threshold", "finite number"),
    (["criteria", 0, "threshold"], 10, "criteria[0].threshold", "write 0.05 for 5 %"),
    (["criteria", 0, "threshold"], ..., "criteria[0].threshold", "missing"),
    (["criteria", 0, "comparison"], "=>", "criteria[0].comparison", "expected one of"),
    (["criteria", 0, "comparison"], "is", "criteria[0].comparison", "is a number"),
    (
        ["criteria", 0, "period"],
        "cagr_2_years",
        "criteria[0].period",
        "not a period of rd_staff_share",
    ),
    (["criteria", 0, "colour"], "red", "criteria[0].colour", "unknown key"),
    (["criteria", 0, "label"], {"zh": "只有中文"}, "criteria[0].label", "{zh: …, en: …}"),
    (["criteria", 0, "id"], "Staff Share", "criteria[0].id", "expected an id"),
    (["criteria", 1, "id"], "staff", "criteria[1].id", "duplicate id"),
    (
        ["criteria", 1, "tiers", "bands", 0, "upto"],
        "5千",
        "criteria[1].tiers.bands[0].upto",
        "finite number",
    ),
    (
        ["criteria", 1, "tiers", "bands", 1, "upto"],
        9000,
        "criteria[1].tiers.bands[1]",
        "open-ended",
    ),
    (
        ["criteria", 1, "tiers", "by"],
        {"metric": "rd_intensity"},
        "criteria[1].tiers.by",
        "bands go by",
    ),
    (["criteria"], [], "criteria", "non-empty list"),
    (["criteria"], "all of them", "criteria", "non-empty list"),
    (["criteria", 0], "staff ≥ 10 %", "criteria[0]", "expected a criterion mapping"),
    (["criteria", 0, "id"], "direct", "criteria[0].id", "reserved id"),
    (["id"], ..., "id", "missing"),
    (["version"], "latest", "version", "starting with its year"),
    (["effective_from"], "2026-13-01", "effective_from", "YYYY-MM-DD"),
    (["effective_to"], "2025-01-01", "effective_to", "before effective_from"),
    (["near"], {"max_unmet": -1}, "near.max_unmet", "whole number"),
    (["near"], {"min_progress": 2}, "near.min_progress", "between 0 and 1"),
    (
        ["score"],
        {
            "pass": 60,
            "items": [
                {
                    "id": "x",
                    "label": {"zh": "x", "en": "x"},
                    "metric": "rd_intensity",
                    "steps": [{"min": 0.05, "points": 20}],
                }
            ],
        },
        "score.pass",
        "above the most",
    ),
    (
        ["score"],
        {
            "pass": 10,
            "items": [
                {
                    "id": "x",
                    "label": {"zh": "x", "en": "x"},
                    "metric": "rd_intensity",
                    "steps": [{"min": 0.05, "points": 20}],
                }
            ],
            "groups": [{"id": "x", "label": {"zh": "x", "en": "x"}, "items": ["x"], "min": 5}],
        },
        "score.groups[0].id",
        "differ from the item ids",
    ),
    (
        ["direct"],
        [{"id": "t", "label": {"zh": "t", "en": "t"}, "metric": "title.high_tech"}],
        "direct",
        "add `score`",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "where", "reason"), BROKEN, ids=[f"{b[2]}-{b[3]}" for b in BROKEN]
)
def test_broken_policy_is_refused_precisely(
    path: list[object], value: object, where: str, reason: str
) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy_text(_edit(path, value), "demo.yaml")
    assert any(
        p.path == where and reason in p.reason and p.file == "demo.yaml"
        for p in caught.value.problems
    ), caught.value.problems


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a: [1, 2\n", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        ("!!python/object/apply:os.system ['echo hi']\n", "not valid YAML"),
        ("a: &x [1, 2]\nb: [*x, *x]\n", "anchors and aliases"),
        ("x: " + "y" * 300_000 + "\n", "larger than"),
        ("", "expected a mapping"),
    ],
    ids=["syntax", "list", "python-tag", "alias", "oversize", "empty"],
)
def test_hostile_yaml_is_refused(text: str, reason: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy_text(text, "evil.yaml")
    assert reason in str(caught.value)


def test_deep_nesting_is_refused() -> None:
    node: dict = {"id": "leaf", "label": {"zh": "x", "en": "x"}, "metric": "title.high_tech"}
    for depth in range(10):
        node = {"id": f"n{depth}", "label": {"zh": "x", "en": "x"}, "any_of": [node]}
    doc = yaml.safe_load(GOOD)
    doc["criteria"] = [node]
    with pytest.raises(PolicyError, match="nested deeper"):
        load_policy_text(yaml.safe_dump(doc), "deep.yaml")


def test_every_problem_in_a_file_is_reported() -> None:
    text = _edit(["criteria", 0, "metric"], "nope").replace("threshold: 0.05", "threshold: 5")
    with pytest.raises(PolicyError) as caught:
        load_policy_text(text, "demo.yaml")
    assert {p.path for p in caught.value.problems} >= {
        "criteria[0].metric",
        "criteria[1].tiers.bands[0].threshold",
    }


def test_overlapping_versions_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        GOOD.replace('version: "2026"', 'version: "2027"'), encoding="utf-8"
    )
    with pytest.raises(PolicyError, match="overlaps demo@2026"):
        load_policies(tmp_path)


def test_check_items_of_the_reference_are_flagged() -> None:
    """policies.md marks [check]: the 183-day staff rule and the non-industry 上规 thresholds."""
    policies = load_policies()
    staff = next(c for c in policies["high_tech@2016"].root.children if c.id == "rd_staff_share")
    assert isinstance(staff, Check) and staff.to_confirm
    (sectors,) = policies["above_scale@2011"].root.children
    assert isinstance(sectors, Tiers)
    by_sector = {b.sector: b.child for b in sectors.bands}
    industry = by_sector.pop("industry")
    assert isinstance(industry, Check) and (industry.threshold, industry.to_confirm) == (
        2000,
        False,
    )
    assert all(
        isinstance(c, Check) and c.threshold is None and c.to_confirm for c in by_sector.values()
    )
