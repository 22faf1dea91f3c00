"""`corridor qualify`: JSON in, explained verdicts out, no database; bad input is refused row-precisely."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.engine.qualify import evaluate
from corridor.engine.qualify.columnar import columns_from_enterprises, evaluate_columns
from corridor.engine.qualify.command import run
from corridor.engine.qualify.inputs import InputError, parse_request
from tests.engine.qualify_build import ON, POLICIES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "docs" / "qualify-example-input.json").read_text(encoding="utf-8"))


def _write(tmp_path: Path, doc: Any, raw: str | None = None) -> Path:
    path = tmp_path / "in.json"
    path.write_text(
        raw if raw is not None else json.dumps(doc, ensure_ascii=False), encoding="utf-8"
    )
    return path


def _qualify(tmp_path: Path, *flags: str) -> tuple[int, Path]:
    """Run the command on the documented example with these flags: (exit code, output path)."""
    out = tmp_path / "out.json"
    return run(["--input", str(_write(tmp_path, EXAMPLE)), "--output", str(out), *flags]), out


def test_the_documented_example_runs(tmp_path: Path) -> None:
    code, out = _qualify(tmp_path, "--policies", "high_tech,tech_sme")
    assert code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["as_of"] == "2026-06-01" and doc["reference_year"] == 2025
    verdicts = {(r["policy"], r["version"]): r["verdict"] for r in doc["results"]}
    assert verdicts == {("high_tech", "2016"): "near", ("tech_sme", "2017"): "qualified"}
    high_tech = next(r for r in doc["results"] if r["policy"] == "high_tech")
    gap = next(c for c in high_tech["criteria"] if c["status"] == "unmet" and c["shortfall"])
    assert (gap["shortfall"], gap["shortfall_unit"], gap["unit"]) == (30.0, "万元", "%")
    for row in high_tech["criteria"]:
        assert {
            "id",
            "label",
            "status",
            "value",
            "threshold",
            "unit",
            "period",
            "shortfall",
            "shortfall_unit",
        } <= set(row)


def test_the_documented_output_is_what_the_command_writes(tmp_path: Path) -> None:
    _, out = _qualify(tmp_path, "--policies", "high_tech,tech_sme")
    documented = json.loads(
        (ROOT / "docs" / "qualify-example-output.json").read_text(encoding="utf-8")
    )
    assert json.loads(out.read_text(encoding="utf-8")) == documented


def test_default_policies_are_those_in_force_on_the_as_of_day(tmp_path: Path) -> None:
    code, out = _qualify(tmp_path, "--as-of", "2026-03-31")
    assert code == 0
    versions = {(p["policy"], p["version"]) for p in json.loads(out.read_text())["policies"]}
    assert ("specialised_sme", "2022") in versions and ("specialised_sme", "2026") not in versions
    assert len(versions) == 12 - 3


def test_verdicts_only_matches_the_explained_run(tmp_path: Path) -> None:
    full, fast = tmp_path / "full.json", tmp_path / "fast.json"
    source = _write(tmp_path, EXAMPLE)
    run(["--input", str(source), "--output", str(full)])
    run(["--input", str(source), "--output", str(fast), "--verdicts-only"])

    def pick(path: Path) -> list[tuple[Any, ...]]:
        rows = json.loads(path.read_text())["results"]
        return [(r["key"], r["policy"], r["verdict"], r["score"]) for r in rows]

    assert pick(full) == pick(fast)


def test_english_labels(tmp_path: Path) -> None:
    _, out = _qualify(tmp_path, "--policies", "high_tech", "--language", "en")
    rows = json.loads(out.read_text())["results"][0]["criteria"]
    assert rows[0]["label"] == "Registered at least one year before applying"


def test_the_corridor_command_runs_without_django_or_a_database(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "no.such.settings",
        "CORRIDOR_DATABASE_URL": "postgres://nowhere:1/x",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "corridor",
            "qualify",
            "--input",
            str(_write(tmp_path, EXAMPLE)),
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["results"]


def _broken(change: Any) -> dict[str, Any]:
    doc = copy.deepcopy(EXAMPLE)
    change(doc)
    return doc


def _set(path: list[Any], value: Any):  # type: ignore[no-untyped-def]
    def apply(doc: dict[str, Any]) -> None:
        node = doc
        for step in path[:-1]:
            node = node[step]
        if value is ...:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return apply


E0 = ["enterprises", 0]
YF = [*E0, "year_facts", 2]
BAD = [
    (_set([*YF, "rd_expense"], "190"), "year_facts[2].rd_expense", "expected a number"),
    (_set([*YF, "rd_expense"], True), "year_facts[2].rd_expense", "expected a number"),
    (_set([*YF, "rd_expense"], 1e300), "year_facts[2].rd_expense", "out of range"),
    (_set([*YF, "employees"], 12.5), "year_facts[2].employees", "whole number"),
    (_set([*YF, "employees"], -1), "year_facts[2].employees", "out of range"),
    (_set([*YF, "rd_expence"], 10), "year_facts[2].rd_expence", "unknown fact"),
    (_set([*YF, "year"], "2025"), "year_facts[2].year", "expected a number"),
    (_set([*YF, "year"], 2024), "year_facts[2].year", "given twice"),
    (_set([*E0, "established_on"], "2015/03/05"), "established_on", "YYYY-MM-DD"),
    (_set([*E0, "key"], ...), "key", "non-empty text key"),
    (_set([*E0, "key"], ""), "key", "non-empty text key"),
    (_set([*E0, "colour"], "red"), "colour", "unknown field"),
    (_set([*E0, "year_facts"], {"2025": {}}), "year_facts", "expected a list"),
    (_set([*E0, "ip_holdings", 0, "kind"], "trademark"), "ip_holdings[0].kind", "unknown IP kind"),
    (_set([*E0, "ip_holdings", 0, "count"], -2), "ip_holdings[0].count", "out of range"),
    (
        _set(
            [*E0, "titles"],
            [{"title": "high_tech", "issued_on": "2025-01-01", "expires_on": "2024-01-01"}],
        ),
        "titles[0].expires_on",
        "before issued_on",
    ),
    (
        _set([*E0, "rd_platforms"], [{"level": "galactic_lab"}]),
        "rd_platforms[0].level",
        "unknown platform level",
    ),
    (
        _set([*E0, "assessments", "innovation_scor"], 80),
        "assessments.innovation_scor",
        "unknown assessment",
    ),
    (
        _set([*E0, "assessments", "innovation_score"], 180),
        "assessments.innovation_score",
        "out of range",
    ),
    (
        _set([*E0, "assessments", "no_major_incident"], "yes"),
        "assessments.no_major_incident",
        "true or false",
    ),
    (
        _set([*E0, "assessments", "niche_market_share"], 12),
        "assessments.niche_market_share",
        "out of range",
    ),
    (_set(["enterprises", 0], "a company"), "(record)", "expected a JSON object"),
    (_set(["enterprises"], {"a": 1}), "enterprises", "expected a list"),
    (_set(["as_of"], "tomorrow"), "as_of", "YYYY-MM-DD"),
    (_set(["extra"], 1), "extra", "unknown field"),
]


@pytest.mark.parametrize(("change", "field", "reason"), BAD, ids=[f"{b[1]}-{b[2]}" for b in BAD])
def test_bad_input_names_the_enterprise_field_value_and_reason(
    change: Any, field: str, reason: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_request(_broken(change))
    (problem,) = [p for p in caught.value.problems if p.field == field]
    assert reason in problem.reason
    if field not in ("enterprises", "as_of", "extra"):
        assert problem.index == 0
    if field not in ("key", "(record)", "enterprises", "as_of", "extra"):
        assert problem.key == "91330702MA2D000001" and "91330702MA2D000001" in str(problem)


def test_duplicate_keys_name_the_second_row() -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["enterprises"].append(copy.deepcopy(doc["enterprises"][0]))
    with pytest.raises(InputError) as caught:
        parse_request(doc)
    assert [(p.index, p.field, p.reason) for p in caught.value.problems] == [
        (1, "key", "duplicate key")
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            '{"as_of": "2026-06-01", "enterprises": [{"key": "a", "year_facts": [{"year": 2025, "revenue": NaN}]}]}',
            "NaN",
        ),
        (
            '{"enterprises": [{"key": "a", "year_facts": [{"year": 2025, "revenue": 1e999}]}]}',
            "finite",
        ),
        ('{"enterprises": [', "not JSON"),
        (
            '{"enterprises": [{"key": "a", "year_facts": [{"year": 2025, "revenue": '
            + "9" * 5000
            + "}]}]}",
            "not usable JSON",
        ),
        ("[" * 100_000 + "]" * 100_000, "not usable JSON"),
        ('["a list"]', "expected a JSON object"),
    ],
    ids=["nan", "overflow", "truncated", "huge-int", "deep", "not-object"],
)
def test_hostile_json_exits_non_zero_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: str, message: str
) -> None:
    out = tmp_path / "out.json"
    assert run(["--input", str(_write(tmp_path, None, raw)), "--output", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_not_utf8_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.json"
    path.write_bytes('{"enterprises": [{"key": "甲"}]}'.encode("gbk"))
    assert run(["--input", str(path), "--output", str(tmp_path / "o.json")]) == 2
    assert "not UTF-8" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("policies", "message"),
    [
        ("high_tec", "unknown policy 'high_tec'"),
        ("high_tech@2099", "unknown policy version"),
        ("specialised_sme@2026,little_giant", None),
    ],
)
def test_policy_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], policies: str, message: str | None
) -> None:
    code = _qualify(tmp_path, "--policies", policies)[0]
    assert code == (2 if message else 0)
    if message:
        assert message in capsys.readouterr().err


def test_bad_as_of_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _qualify(tmp_path, "--as-of", "01/06/2026")[0] == 2
    assert "--as-of" in capsys.readouterr().err


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=30,
)
FIELDS = st.sampled_from(
    [
        "key",
        "year_facts",
        "ip_holdings",
        "titles",
        "rd_platforms",
        "assessments",
        "established_on",
        "industry_code",
        "name",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(FIELDS, JSON, max_size=6))
def test_any_record_is_read_or_refused_with_a_reason(record: dict[str, Any]) -> None:
    """Whatever an outside system sends, the reader either accepts it or names the problem."""
    try:
        _, ents = parse_request({"enterprises": [record]})
    except InputError as exc:
        assert exc.problems and all(p.reason for p in exc.problems)
    else:
        assert len(ents) == 1  # and an accepted record evaluates under every policy, both paths
        cols = columns_from_enterprises(ents, ON)
        for policy in POLICIES.values():
            assert evaluate_columns(policy, cols).names() == [evaluate(policy, ents[0], ON).verdict]
