"""Weak-link scoring: a node the registry cannot observe is "no data to judge", not the weakest link
(issue 9: 品牌与渠道 ranked #1 with 85.0 on the power-tool chain with 0 enterprises locally and
nationally)."""

from __future__ import annotations

from corridor.engine.gaps import NO_DATA, SCORED, judged, weak_link_scores
from tests.factories import node_facts


def test_a_node_with_no_enterprise_locally_or_nationally_has_no_score_and_comes_last() -> None:
    ranked = weak_link_scores(
        [
            node_facts("pt.channel", national=0),  # first in the chain, nothing anywhere
            node_facts("pt.gap", national=120, lq=0.0),  # none here, 120 elsewhere: a real gap
            node_facts(
                "pt.strong",
                enterprises=30,
                revenue=5e5,
                employees=900,
                leaders=2,
                national=400,
                lq=1.6,
            ),
        ]
    )
    assert [w.node for w in ranked] == ["pt.gap", "pt.strong", "pt.channel"]
    empty = ranked[-1]
    assert empty.verdict == NO_DATA and empty.score is None and empty.parts == ()
    assert all(w.verdict == SCORED and w.score is not None for w in ranked[:2])
    assert ranked[0].score is not None and ranked[0].score > 80  # the real gap is the weakest
    assert [w.node for w in judged(ranked)] == ["pt.gap", "pt.strong"]


def test_a_local_enterprise_makes_a_node_observable_even_without_national_counts() -> None:
    ranked = weak_link_scores(
        [node_facts("a.one", enterprises=1, national=0), node_facts("a.none", national=0)]
    )
    assert [(w.node, w.verdict) for w in ranked] == [("a.one", SCORED), ("a.none", NO_DATA)]


def test_unknown_national_count_keeps_the_node_scored() -> None:
    """national=None means the count was not supplied (not that it is zero)."""
    ranked = weak_link_scores([node_facts("a.x"), node_facts("a.y", enterprises=3)])
    assert all(w.verdict == SCORED for w in ranked)
    assert ranked[0].node == "a.x"


def test_no_data_nodes_do_not_change_the_scores_of_the_others() -> None:
    scored = [
        node_facts("a.big", enterprises=50, revenue=1e6, national=900, lq=1.2),
        node_facts("a.small", enterprises=2, revenue=300.0, national=50, lq=0.4),
    ]
    alone = {w.node: w.score for w in weak_link_scores(scored)}
    mixed = {w.node: w.score for w in weak_link_scores([node_facts("a.void", national=0), *scored])}
    assert mixed == {**alone, "a.void": None}


def test_several_no_data_nodes_keep_the_chain_order() -> None:
    ranked = weak_link_scores(
        [
            node_facts("a.z", national=0),
            node_facts("a.m", enterprises=1),
            node_facts("a.b", national=0),
        ]
    )
    assert [w.node for w in ranked] == ["a.m", "a.z", "a.b"]
