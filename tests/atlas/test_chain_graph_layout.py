"""The chain graph's layout: discs in one column never overlap once the chart fits its box."""

from __future__ import annotations

from corridor.atlas.chains import packaged_definitions, parse_atlas
from corridor.atlas.charts import chain_graph

CHART_PX = (720, 680)  # the chain page's graph box, about (width, height) in pixels


def _fitted_overlaps(option: dict) -> list[tuple[str, str]]:
    """Pairs of nodes in the same column whose discs overlap after ECharts scales the graph to fit
    (layout 'none' keeps the aspect ratio: one scale, the smaller of width and height)."""
    data = option["series"][0]["data"]
    xs, ys = [d["x"] for d in data], [d["y"] for d in data]
    scale = min(CHART_PX[0] / (max(xs) - min(xs) or 1), CHART_PX[1] / (max(ys) - min(ys) or 1))
    overlaps = []
    for a in data:
        for b in data:
            if a["id"] < b["id"] and a["x"] == b["x"]:
                gap_px = abs(a["y"] - b["y"]) * scale
                if gap_px < (a["symbolSize"] + b["symbolSize"]) / 2:
                    overlaps.append((a["id"], b["id"]))
    return overlaps


def test_no_chain_packs_its_discs_on_top_of_each_other() -> None:
    atlas = parse_atlas(packaged_definitions())
    for chain in atlas:
        tops = [n for n in chain.nodes if n.parent is None]
        counts = {n.id: 100 for n in tops}  # every disc at its largest: the worst case
        # other chains' nodes drawn at the edges, as the page does: they widen the graph
        foreign = {n.id: n for c in atlas if c.id != chain.id for n in c.nodes}
        inbound = [e for c in atlas if c.id != chain.id for e in c.cross_edges
                   if e.target in counts]  # fmt: skip
        option = chain_graph(chain, "zh", counts, {n.id: 0.5 for n in tops}, foreign, inbound)
        assert not _fitted_overlaps(option), (chain.id, _fitted_overlaps(option))
