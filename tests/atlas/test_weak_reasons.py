"""Weak-link reasons state the fact that produced the points (issue 9: "有龙头企业 +15.0" on nodes
with no leading enterprise read as the opposite of the facts)."""

from __future__ import annotations

from django.utils import translation

from corridor.atlas.reasons import reason_text
from corridor.engine.gaps import weak_link_scores
from tests.factories import node_facts


def test_a_node_without_a_leader_says_so_where_the_leader_points_come_from() -> None:
    ranked = weak_link_scores(
        [
            node_facts("a.empty"),
            node_facts(
                "a.strong", enterprises=40, revenue=9e5, employees=3000, titled=6, leaders=3
            ),
        ]
    )
    by_node = {w.node: {p.name: p for p in w.parts} for w in ranked}
    no_leader, leaders = by_node["a.empty"]["leader"], by_node["a.strong"]["leader"]
    assert no_leader.contribution > 0 and leaders.contribution == 0
    with translation.override("en"):
        assert reason_text(no_leader) == "No leading enterprise on the node"
        assert reason_text(leaders) == "3 leading enterprises"
        one = next(
            p for p in weak_link_scores([node_facts("b", titled=1)])[0].parts if p.name == "titled"
        )
        assert reason_text(one) == "1 titled enterprise"
        assert reason_text(by_node["a.empty"]["enterprises"]) == "No local enterprise"
        assert reason_text(by_node["a.strong"]["enterprises"]) == "40 local enterprises"
    with translation.override("zh-hans"):
        text = reason_text(no_leader)
        assert "没有" in text and "龙头" in text
        assert reason_text(by_node["a.strong"]["revenue"]) == "营业收入 900,000 万元"
