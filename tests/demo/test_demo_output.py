"""`corridor demo` prints one stage at a time, a summary whose figures are the stages', no logins."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from corridor.demo.management.commands.demo import StageProgress


@pytest.mark.django_db(transaction=True)
def test_demo_prints_each_stage_once_and_a_summary_that_agrees(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stderr", err)  # not a terminal: plain lines, no bars
    call_command("demo", local=60, national=200, seed=3, stdout=out)
    lines = err.getvalue().splitlines()
    stages = [re.fullmatch(r"(.+): ([\d,]+) \(([\d.]+) s\)", line) for line in lines]
    assert all(stages), lines
    assert [m[1] for m in stages] == [  # type: ignore[index]
        "local enterprises",
        "national enterprises",
        "enterprises classified",
        "enterprises qualified",
    ]
    assert [m[2] for m in stages][:2] == ["60", "200"]  # type: ignore[index]
    summary = out.getvalue().splitlines()[0]
    for m in stages:
        assert f"{m[2]} {m[1]} in {m[3]} s" in summary  # type: ignore[index]
    assert "corridor-demo" not in out.getvalue() + err.getvalue()  # logins: printed by serve only
    from corridor.qualify.models import Evaluation
    from corridor.registry.models import Enterprise

    evaluated = Evaluation.objects.filter(is_current=True).values("enterprise_id").distinct()
    assert evaluated.count() == Enterprise.objects.count() > 260  # every one, reference ones too
    from corridor.qualify.models import Assessment

    local = Enterprise.objects.filter(is_synthetic=True, is_local=True).count()
    assert Assessment.objects.count() == 8 * local  # demo assessments for the local enterprises
    assert Evaluation.objects.filter(policy_id="high_tech").exclude(verdict="needs_data").exists()


def test_a_new_stage_closes_the_previous_one() -> None:
    out = io.StringIO()
    progress = StageProgress(out, bars=False)
    progress("local", 0, 3)
    progress("local", 3, 3)
    assert out.getvalue() == ""  # a stage's line comes when it ends
    progress("national", 0, 5)
    assert out.getvalue().startswith("local enterprises: 3 (")
    progress("national", 5, 5)
    progress.finish()
    progress.finish()  # idempotent
    assert len(out.getvalue().splitlines()) == 2
