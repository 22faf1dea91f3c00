"""ECharts option dicts for the atlas (pure functions of plain data)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from corridor.engine.chains import Chain, Edge, Node

STAGE_X = {"upstream": 0, "midstream": 1, "downstream": 2}
QUADRANT_COLOURS = {
    "strength": "#2f855a",
    "opportunity": "#2b6cb0",
    "weakness": "#c05621",
    "threat": "#9b2c2c",
    "possible_entrant": "#718096",
}


def _strength_colour(strength: float) -> str:
    """Red (weak) → amber → green (strong) for a strength in [0, 1]."""
    s = max(0.0, min(1.0, strength))
    if s < 0.5:
        r, g = 220, int(80 + 2 * s * 120)
    else:
        r, g = int(220 - (s - 0.5) * 2 * 170), 170
    return f"#{r:02x}{g:02x}50"


NO_DATA_STYLE = {
    "color": "#ffffff",
    "borderColor": "#718096",
    "borderType": "dashed",
    "borderWidth": 1.5,
}


def chain_graph(
    chain: Chain,
    language: str,
    counts: Mapping[str, int],
    strength: Mapping[str, float | None],
    foreign: Mapping[str, Node],
    inbound: Sequence[Edge],
    chain_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The chain as a graph: columns by stage, size by local count, colour by local strength; a node
    with no data to judge (strength None) is drawn hollow with a dashed outline, not as weak."""
    tops = [n for n in chain.nodes if n.parent is None]
    by_stage: dict[str, list[Node]] = {s: [] for s in STAGE_X}
    for n in tops:
        by_stage[n.stage].append(n)
    top_count = max([counts.get(n.id, 0) for n in tops] + [1])
    gap = _row_gap(max(len(nodes) for nodes in by_stage.values()))
    data = []
    for stage, nodes in by_stage.items():
        for i, n in enumerate(nodes):
            count = counts.get(n.id, 0)
            strong = strength.get(n.id, 0.0)
            name = n.name(language)
            data.append(
                {
                    "id": n.id,
                    "name": name,
                    "x": STAGE_X[stage] * 420,
                    "y": (i - (len(nodes) - 1) / 2) * gap,
                    "symbolSize": 26 + 44 * math.sqrt(count / top_count),
                    "value": count,
                    "itemStyle": dict(NO_DATA_STYLE)
                    if strong is None
                    else {"color": _strength_colour(strong)},
                    "label": {
                        "show": True,
                        "formatter": f"{name}\n{_('No data to judge')}"
                        if strong is None
                        else f"{name}\n{count:,}",
                    },
                }
            )
    ids = {n.id for n in tops}
    links = [
        {"source": e.source, "target": e.target}
        for e in chain.edges
        if e.source in ids and e.target in ids
    ]
    cross = _cross_nodes(chain, foreign, inbound, language, chain_names or {})
    data += cross["nodes"]
    links += cross["links"]
    return {
        "tooltip": {"formatter": "{b}: {c}"},
        "animation": False,
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "roam": True,
                "data": data,
                "links": links,
                "edgeSymbol": ["none", "arrow"],
                "edgeSymbolSize": 8,
                "lineStyle": {"color": "#a0aec0", "width": 1.2, "curveness": 0.08},
                "label": {"fontSize": 11},
            }
        ],
        "graphic": [
            {
                "type": "text",
                "left": f"{8 + 40 * x}%",
                "top": 4,
                "style": {"text": label, "fill": "#718096", "fontSize": 12},
            }
            for x, label in enumerate((_("Upstream"), _("Midstream"), _("Downstream")))
        ],
    }


GRAPH_HEIGHT = 1250  # chart units the tallest column spans: about the chart's height at its width


def _row_gap(rows: int) -> float:
    """Vertical distance between nodes of a column, so the tallest column fills the chart's height
    (the graph is scaled to fit its widest extent; a fixed gap packed 8 nodes into overlapping discs)."""
    return 100.0 if rows <= 1 else min(200.0, max(100.0, GRAPH_HEIGHT / (rows - 1)))


def _cross_nodes(
    chain: Chain,
    foreign: Mapping[str, Node],
    inbound_edges: Sequence[Edge],
    language: str,
    chain_names: Mapping[str, str],
) -> dict[str, list[dict[str, Any]]]:
    """Other chains' nodes this chain supplies or is supplied by, drawn small and grey at the edge."""
    nodes, links = [], []
    inbound = [(e.source, e.target) for e in inbound_edges]
    outbound = [(e.source, e.target) for e in chain.cross_edges]
    seen: set[str] = set()
    sides: dict[int, list[dict[str, Any]]] = {}
    for src, dst in inbound + outbound:
        other = src if (src, dst) in inbound else dst
        if other not in foreign or other in seen:
            links.append({"source": src, "target": dst, "lineStyle": {"type": "dashed"}})
            continue
        seen.add(other)
        x = -330 if (src, dst) in inbound else 1170
        sides.setdefault(x, []).append(
            {
                "id": other,
                "name": f"{foreign[other].name(language)} "
                f"({chain_names.get(foreign[other].chain, foreign[other].chain)})",
                "x": x,
                "symbolSize": 16,
                "itemStyle": {"color": "#cbd5e0"},
                "label": {"show": True, "color": "#718096", "fontSize": 10},
            }
        )
        links.append({"source": src, "target": dst, "lineStyle": {"type": "dashed"}})
    for side in sides.values():  # each edge's column centred, spaced like the chain's own nodes
        gap = min(120.0, _row_gap(len(side)))
        for i, node in enumerate(side):
            node["y"] = (i - (len(side) - 1) / 2) * gap
        nodes += side
    return {"nodes": nodes, "links": links}


def swot_scatter(
    points: Sequence[Mapping[str, Any]],
    names: Mapping[str, str],
    labels: Mapping[str, str | Promise],
) -> dict[str, Any]:
    """Metroverse-style scatter: x = relative presence (RCA), y = fit vs peers; one series per quadrant."""
    series = []
    for quadrant, colour in QUADRANT_COLOURS.items():
        pts = [p for p in points if p["label"] == quadrant]
        series.append(
            {
                "type": "scatter",
                "name": labels[quadrant],
                "itemStyle": {"color": colour},
                "symbolSize": 12,
                "data": [
                    {
                        "value": [round(p["presence"], 3), round(p["fit"], 4)],
                        "name": names.get(p["node"], p["node"]),
                        "id": p["node"],
                    }
                    for p in pts
                ],
                "label": {"show": True, "formatter": "{b}", "position": "right", "fontSize": 10},
            }
        )
    series[0]["markLine"] = {
        "silent": True,
        "symbol": "none",
        "lineStyle": {"color": "#a0aec0", "type": "dashed"},
        "data": [{"xAxis": 1}, {"yAxis": 0}],
    }
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 30, "top": 40, "bottom": 50},
        "xAxis": {
            "name": _("Relative presence (RCA)"),
            "nameLocation": "middle",
            "nameGap": 28,
            "type": "value",
            "min": 0,
        },
        "yAxis": {
            "name": _("Fit vs peers (density − peer mean)"),
            "nameLocation": "middle",
            "nameGap": 45,
        },
        "series": series,
    }
