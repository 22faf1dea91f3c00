"""Enterprise → chain-node classification with evidence: an explainable rule layer.

The rule layer finds each node's vocabulary (terms = strong, synonyms = weak) in the company name,
the business-scope clauses and the product text, then discounts what registry text says but does
not mean: boilerplate, clauses that only sell / repair / rent a product, negations (不含…, 除…外),
node-specific exclusions, and the tail of a long scope (the main business comes first). The learned
layer (`engine/classify_model.py`) re-weighs the same evidence from analysts' decisions.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import ahocorasick

from corridor.engine.chains import Chain, Node

TERM_WEIGHT = 1.0
SYNONYM_WEIGHT = 0.35
FIELD_WEIGHTS = {"name": 0.6, "scope": 1.0, "products": 1.2}
DISCOUNTS = {
    "trade_only": 0.15,
    "repair_only": 0.1,
    "rental_only": 0.1,
    "negated": 0.0,
    "application": 0.0,
}
MAIN_CLAUSES = 4  # the first clauses of a scope section carry full weight
TAIL_STEP = 0.06  # each later clause weighs this much less …
TAIL_FLOOR = 0.35  # … down to this floor
SATURATION = 0.7  # confidence = 1 − exp(−raw / SATURATION)
THRESHOLD = 0.5
RULES_VERSION = "rules-2"

# Registry boilerplate that never describes the business: approval notes, section labels.
_BOILERPLATE = re.compile(
    r"[（(][^（）()]*(?:批准|审批|许可|营业执照|经营项目以)[^（）()]*[）)]"
    r"|除依法须经批准的项目外[^；;。]*"
    r"|依法须经批准的项目[^；;。]*"
    r"|具体经营项目以[^；;。]*"
)
_SECTIONS = re.compile(r"(?:一般项目|许可项目|一般经营项目|许可经营项目)是?[:：]")
_CLAUSE_END = re.compile(r"[；;。，,\n]")
_ITEM_END = re.compile(r"[；;。，,、\n]")
_PARENS = re.compile(r"[（(][^（）()]*[）)]")
_APPLIED_AFTER = ("用", "专用", "配套", "适用")  # 电动工具用 … : made for, not made
_APPLIED_BEFORE = ("用于", "应用于", "适用于", "配套", "服务于")
# What follows a product when the company makes machines for making it: 锂电池生产设备, 电池制造设备
_FOR_MAKING = re.compile(
    r"[^；;。，,、]{0,4}?(?:生产设备|制造设备|设备制造|专用设备|生产线|充放电|化成|检测设备|装备)"
)
# A part or assembly head noun right after an assembled product's phrase: the product names what the
# part is for (新能源汽车驱动总成, 乘用车配件, 电动工具零部件), so the part maker is not on the
# product's node (the part's own phrase, if any, decides). An assembled product is a node that at
# least ASSEMBLY_SUPPLIERS nodes of its chain supply (整车, 手持电动工具); a part head after any
# other node's phrase is a piece of that node's own product (汽车热管理组件) or what the part is made
# of (铝合金零部件), which still counts.
_PART_HEAD = re.compile(
    r"(?:驱动|传动|动力|电驱)?总成|零部件|零配件|配件|部件|组件|附件|构件|结构件"
    r"|电机|电池|电控|电驱"
)
ASSEMBLY_SUPPLIERS = 4
APPLICATION_SUPPORT = 0.3  # "for power tools" supports the chain's component nodes already found
_NEGATION = re.compile(
    r"(?:不含|不包括|不涉及|不得从事|不从事)[^；;。，,)）]*|除[^；;。，,外]{1,30}外"
)
_MAKING = re.compile(
    r"制造|生产|加工|研发|研制|开发|设计|组装|装配|铸造|锻造|冶炼|压延|提取|发酵|培育|培养"
    r"|回收|再生|拆解|运营|检测|诊疗|制备|合成|改性|成型|精炼|种植|养殖"
)
_TRADE = re.compile(
    r"销售|批发|零售|经销|代销|代理|进出口|贸易|购销|采购|经营|商行|商店|门市部|商贸"
)
_REPAIR = re.compile(r"维修|修理|保养|维护|美容|清洗|检修")
_RENTAL = re.compile(r"租赁|出租")
_LEGAL_FORM = re.compile(r"(?:股份)?有限(?:责任)?公司$|(?:集团|分公司|厂|总厂)$")


_WIDE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WIDE_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000]")


def normalise(text: str) -> str:
    """Full-width letters and digits → ASCII, Latin upper case, as every phrase is stored.

    Full-width punctuation is left alone unless the text also has full-width letters (the clause
    patterns accept both widths); NFKC on every text would cost a third of the classifier's time.
    """
    if not text:
        return ""
    if _WIDE_ALNUM.search(text):
        text = text.translate(_WIDE)
    return text.upper()


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs ~3× (hot path)
class Evidence:
    node: str
    field: str  # name | scope | products
    phrase: str
    kind: str  # term | synonym
    clause: str
    position: int  # clause rank within its scope section (0 = first)
    weight: float  # what it added to the node's raw score
    discount: str | None = None  # trade_only | repair_only | rental_only | negated | excluded

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "node": self.node,
            "field": self.field,
            "phrase": self.phrase,
            "kind": self.kind,
            "clause": self.clause,
            "position": self.position,
            "weight": round(self.weight, 4),
            "discount": self.discount,
        }


@dataclass
class NodeResult:
    node: str
    raw: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.0
    rule_confidence: float = 0.0

    @property
    def counted(self) -> list[Evidence]:
        """Evidence that added to the score."""
        return [e for e in self.evidence if e.discount is None]

    @property
    def discounted(self) -> list[Evidence]:
        """Evidence found but discounted, with the reason."""
        return [e for e in self.evidence if e.discount is not None]


@dataclass(frozen=True)
class _Phrase:
    text: str
    kind: str
    weight: float
    nodes: tuple[str, ...]  # the node and its ancestors


@dataclass(slots=True)
class _Clause:
    text: str
    position: int
    start: int
    discount: str | None | bool = False  # False: not computed yet


def rule_confidence(raw: float) -> float:
    """The rule layer's confidence for a raw evidence score."""
    return 1.0 - math.exp(-raw / SATURATION)


def position_weight(position: int) -> float:
    """Weight of the clause at this rank in its section: the main business comes first."""
    if position < MAIN_CLAUSES:
        return 1.0
    return max(TAIL_FLOOR, 1.0 - TAIL_STEP * (position - MAIN_CLAUSES + 1))


def clause_discount(clause: str, counts_trade: bool = False) -> str | None:
    """Why a clause does not count as making/doing the thing it names, or None if it counts."""
    if _MAKING.search(clause):
        return None
    if _REPAIR.search(clause):
        return "repair_only"
    if _RENTAL.search(clause):
        return "rental_only"
    if _TRADE.search(clause) and not counts_trade:
        return "trade_only"
    return None


class RuleClassifier:
    """Finds node vocabulary in enterprise text and scores each node with its evidence."""

    def __init__(self, chains: Sequence[Chain], threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.chains = tuple(chains)
        self.nodes: dict[str, Node] = {n.id: n for c in chains for n in c.nodes}
        self.versions = {c.id: c.version for c in chains}
        self._phrases: list[_Phrase] = []
        self._automaton = self._build()
        self._exclusions = {
            n.id: tuple(normalise(x) for x in n.exclusions) for n in self.nodes.values()
        }
        self._trade_nodes = frozenset(n.id for n in self.nodes.values() if n.counts_trade)
        rank = {"upstream": 0, "midstream": 1, "downstream": 2}
        # a phrase's stage: the earliest of its nodes' stages
        self._stage = [min(rank[self.nodes[n].stage] for n in p.nodes) for p in self._phrases]
        suppliers: dict[str, int] = {}
        for chain in chains:
            for edge in chain.edges:
                suppliers[edge.target] = suppliers.get(edge.target, 0) + 1
        assembled = {n for n, k in suppliers.items() if k >= ASSEMBLY_SUPPLIERS}
        self._assembly = [any(n in assembled for n in p.nodes) for p in self._phrases]

    def _lineage(self, node: Node) -> tuple[str, ...]:
        """The node and its ancestors, nearest first."""
        out = [node.id]
        while (parent := self.nodes[out[-1]].parent) is not None:
            out.append(parent)
        return tuple(out)

    def _build(self) -> ahocorasick.Automaton:
        """One automaton over every phrase; a phrase shared by nodes keeps its strongest kind."""
        by_text: dict[str, dict[str, tuple[str, float]]] = {}
        for node in self.nodes.values():
            for kind, weight, phrases in (
                ("synonym", SYNONYM_WEIGHT, node.synonyms),
                ("term", TERM_WEIGHT, node.terms),
            ):
                for phrase in phrases:
                    # both widths of any punctuation in the phrase, as texts keep theirs
                    for form in {normalise(phrase), phrase.translate(_WIDE).upper()}:
                        for nid in self._lineage(node):
                            slot = by_text.setdefault(form, {})
                            if weight >= slot.get(nid, ("", 0.0))[1]:
                                slot[nid] = (kind, weight)
        automaton = ahocorasick.Automaton()
        for text, per_node in by_text.items():
            # one entry per (kind, weight) group keeps evidence exact when nodes disagree on kind
            groups: dict[tuple[str, float], list[str]] = {}
            for nid, kw in per_node.items():
                groups.setdefault(kw, []).append(nid)
            ids = []
            for (kind, weight), nids in groups.items():
                ids.append(len(self._phrases))
                self._phrases.append(_Phrase(text, kind, weight, tuple(sorted(nids))))
            automaton.add_word(text, (len(text) - 1, tuple(ids)))
        automaton.make_automaton()
        return automaton

    # --- matching ---------------------------------------------------------------------------

    def _matches(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, phrase id) of the leftmost-longest phrases found (no overlaps), so a phrase
        inside a longer one does not count: 锂离子电池 inside 锂离子电池正极材料."""
        return [
            (end - l1, end + 1, pid)
            for end, (l1, ids) in self._automaton.iter_long(text)
            for pid in ids
        ]

    def _applied(self, text: str, matches: list[tuple[int, int, int]], parens: bool) -> set[int]:
        """Starts of phrases naming what a product is for (电动工具用, 用于新能源汽车, 电动工具齿轮).

        A phrase directly followed by another is a modifier only when it sits later in the chain
        (电动工具 + 齿轮: the gear is the product); a material before a form is the product's
        material (镁合金 + 压铸件: both count). An assembled product's phrase followed by a part
        head noun (新能源汽车 + 驱动总成, 乘用车 + 配件) names what the part is for, whether or not
        the part is itself in the vocabulary.
        """
        out: set[int] = set()
        stage_at = {m[0]: self._stage[m[2]] for m in matches}
        ends = {m[1] for m in matches}
        spans = [(m.start(), m.end()) for m in _PARENS.finditer(text)] if parens else []
        for start, end, pid in matches:
            after, before = text[end : end + 2], text[max(0, start - 3) : start]
            if (
                after.startswith(_APPLIED_AFTER)
                or (before.endswith(_APPLIED_BEFORE) and not _paired(before, start, ends))
                or _FOR_MAKING.match(text, end)
                or stage_at.get(end, 9) < self._stage[pid]  # a later stage modifying an earlier
                or (self._assembly[pid] and _PART_HEAD.match(text, end))
                or any(a < start < b for a, b in spans)
            ):
                out.add(start)
        return out

    def _support_applications(self, results: dict[str, NodeResult]) -> None:
        """A product made for another chain's product supports that chain's nodes already found."""
        mentioned: dict[str, Evidence] = {}
        for r in results.values():
            for ev in r.evidence:
                if ev.discount == "application":
                    mentioned.setdefault(ev.node.split(".")[0], ev)
        if not mentioned:
            return
        for node, r in list(results.items()):
            app = mentioned.get(node.split(".")[0])
            if app is None or app.node == node or not r.counted:
                continue
            support = Evidence(
                node,
                app.field,
                app.phrase,
                "application",
                app.clause,
                app.position,
                APPLICATION_SUPPORT,
            )
            _collect([support], results)

    def classify(
        self, name: str = "", scope: str = "", products: str = ""
    ) -> dict[str, NodeResult]:
        """Every node with any evidence, scored by the rule layer (confidence set)."""
        results: dict[str, NodeResult] = {}
        scope_n = normalise(scope)
        if scope_n:
            self._scope(scope_n, results)
        if products:
            self._items(normalise(products), "products", results)
        if name:
            self._name(normalise(name), results)
        self._support_applications(results)
        for r in results.values():
            r.rule_confidence = r.confidence = rule_confidence(r.raw)
        return results

    def labels(self, results: dict[str, NodeResult]) -> list[str]:
        """Node ids whose confidence reaches the threshold."""
        return sorted(n for n, r in results.items() if r.confidence >= self.threshold)

    def _scope(self, text: str, results: dict[str, NodeResult]) -> None:
        """Score the scope section by section; clause ranks restart in each section."""
        for section in _SECTIONS.split(_BOILERPLATE.sub("；", text)):
            matches = self._matches(section)
            if matches:
                self._score_section(section, matches, results)

    def _score_section(
        self, section: str, matches: list[tuple[int, int, int]], results: dict[str, NodeResult]
    ) -> None:
        """Add the evidence of one scope section (clauses are cut lazily, only where phrases are)."""
        starts = [0] + [m.end() for m in _CLAUSE_END.finditer(section)]
        clauses: dict[int, _Clause] = {}
        negated = (
            [(m.start(), m.end()) for m in _NEGATION.finditer(section)]
            if "不" in section or "除" in section
            else []
        )
        best: dict[tuple[str, int], Evidence] = {}
        applied = self._applied(section, matches, parens=False)
        for start, _end, pid in matches:
            i = bisect_right(starts, start) - 1
            clause = clauses.get(i)
            if clause is None:
                stop = starts[i + 1] - 1 if i + 1 < len(starts) else len(section)
                clause = clauses[i] = _Clause(section[starts[i] : stop], i, starts[i])
            phrase = self._phrases[pid]
            in_negation = any(a <= start < b for a, b in negated)
            base = phrase.weight * position_weight(i) * FIELD_WEIGHTS["scope"]
            for nid in phrase.nodes:
                if in_negation:
                    discount: str | None = "negated"
                elif start in applied:
                    discount = "application"
                else:
                    discount = self._discount(nid, clause)
                weight = base * DISCOUNTS.get(discount, 0.0) if discount else base
                key = (nid, i)
                old = best.get(key)
                if old is None or (weight, len(phrase.text)) > (old.weight, len(old.phrase)):
                    best[key] = Evidence(
                        nid, "scope", phrase.text, phrase.kind, clause.text, i, weight, discount
                    )
        _collect(best.values(), results)

    def _discount(self, nid: str, clause: _Clause) -> str | None:
        """The clause's discount for this node (exclusions are node-specific)."""
        exclusions = self._exclusions.get(nid)
        if exclusions and any(map(clause.text.__contains__, exclusions)):
            return "excluded"
        if clause.discount is False:
            clause.discount = clause_discount(clause.text)
        if clause.discount == "trade_only" and nid in self._trade_nodes:
            return None
        return clause.discount  # type: ignore[return-value]

    def _items(self, text: str, field_name: str, results: dict[str, NodeResult]) -> None:
        """Products: each item is one piece of evidence per node, no position or trade discount."""
        matches = self._matches(text)
        if not matches:
            return
        items = _split(text, _ITEM_END)
        starts = [c.start for c in items]
        best: dict[tuple[str, int], Evidence] = {}
        applied = self._applied(text, matches, parens=True)
        for start, _end, pid in matches:
            item = items[bisect_right(starts, start) - 1]
            phrase = self._phrases[pid]
            for nid in phrase.nodes:
                discount = None
                if start in applied:
                    discount = "application"
                elif any(map(item.text.__contains__, self._exclusions.get(nid, ()))):
                    discount = "excluded"
                else:  # 药品零售连锁, 医疗器械分销: a product line that is a trade
                    discount = self._discount(nid, item)
                weight = phrase.weight * FIELD_WEIGHTS[field_name]
                weight *= DISCOUNTS.get(discount, 0.0) if discount else 1.0
                ev = Evidence(
                    nid,
                    field_name,
                    phrase.text,
                    phrase.kind,
                    item.text,
                    item.position,
                    weight,
                    discount,
                )
                key = (nid, item.position)
                if key not in best or _better(ev, best[key]):
                    best[key] = ev
        _collect(best.values(), results)

    def _name(self, text: str, results: dict[str, NodeResult]) -> None:
        """The company name: one piece of evidence per node; a trading company's name is discounted."""
        core = _LEGAL_FORM.sub("", text)
        matches = self._matches(core)
        if not matches:
            return
        discount = clause_discount(core)
        best: dict[str, Evidence] = {}
        for _start, _end, pid in matches:
            phrase = self._phrases[pid]
            for nid in phrase.nodes:
                d = None if (discount == "trade_only" and nid in self._trade_nodes) else discount
                if d is None and any(map(core.__contains__, self._exclusions.get(nid, ()))):
                    d = "excluded"
                weight = (
                    phrase.weight * FIELD_WEIGHTS["name"] * (DISCOUNTS.get(d, 0.0) if d else 1.0)
                )
                ev = Evidence(nid, "name", phrase.text, phrase.kind, core, 0, weight, d)
                if nid not in best or _better(ev, best[nid]):
                    best[nid] = ev
        _collect(best.values(), results)


def _paired(before: str, start: int, ends: set[int]) -> bool:
    """X配套Y: a phrase right before 配套 is what Y is for, so Y is the product (电动汽车配套线束),
    unlike 配套Y alone (配套新能源汽车: Y is what the product is for)."""
    return before.endswith("配套") and (start - 2) in ends


def _better(new: Evidence, old: Evidence) -> bool:
    """Keep the stronger piece of evidence for a node in one clause (ties: the longer phrase)."""
    return (new.weight, len(new.phrase)) > (old.weight, len(old.phrase))


def _collect(evidence: Iterable[Evidence], results: dict[str, NodeResult]) -> None:
    """Add evidence to the per-node results."""
    for ev in evidence:
        result = results.get(ev.node)
        if result is None:
            result = results[ev.node] = NodeResult(ev.node)
        result.raw += ev.weight
        result.evidence.append(ev)


def _split(text: str, pattern: re.Pattern[str]) -> list[_Clause]:
    """Clauses (or items) of a text with their rank among non-empty ones and start offsets."""
    clauses: list[_Clause] = []
    start = 0
    rank = 0
    for m in pattern.finditer(text):
        piece = text[start : m.start()]
        if piece.strip():
            clauses.append(_Clause(piece, rank, start))
            rank += 1
        else:
            clauses.append(_Clause(piece, rank, start))
        start = m.end()
    clauses.append(_Clause(text[start:], rank, start))
    if not clauses or clauses[0].start > 0:
        clauses.insert(0, _Clause("", 0, 0))
    return clauses
