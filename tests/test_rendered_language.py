"""Audit of the rendered pages' language: Chinese pages carry no stray English, English pages no
Chinese words or CJK punctuation, for every role on the main pages.

Visible text is what a person reads: text nodes outside <script>/<style>, plus the title, placeholder
and aria-label attributes, plus the names and texts inside the ECharts options of <script
type="application/json">. Data is not judged: the fixture's own values (enterprise names, regions,
chain and node names in the other language, user names) are removed before checking, so what is
left is what templates and Python strings rendered.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from corridor.registry.bulk import refresh_latest_facts
from tests.factories import (
    EnterpriseFactory,
    FactsFactory,
    TitleFactory,
    user_with_role,
    valid_uscc,
)

ROLES = (
    "administrator",
    "investment_analyst",
    "technology_officer",
    "park_operator",
    "academy_coordinator",
    "leader",
    "applicant",
)

# Words allowed in Chinese pages: codes, standards, units, file formats, measures with no Chinese
# name in use (LQ, RCA, PCI, COG are glossed where shown), product names.
ALLOWED_IN_ZH = {
    "USCC", "LQ", "RCA", "PCI", "COG", "API", "Excel", "CSV", "XLSX", "xlsx", "csv", "SHA",
    "GB", "ID", "ECharts", "HTMX", "Corridor", "OpenAPI", "JSON", "URL", "HS", "CNY", "ISO",
    "UTC", "IP", "KPI", "AUC", "NNLS", "SQL", "PDF", "Token", "token", "Bearer", "AI", "R", "D",
    "Chromium", "English", "vs", "T", "BOM", "GBK", "XLS", "UTF", "m", "M", "km", "kg",
    "SME", "CAGR", "Growth", "Lab", "Atlas", "Metroverse", "Harvard",
    "YAML", "II",  # II: Class-II IP (II类知识产权), as the official texts write it
    # protocol text shown as it must be typed (API token header, paths)
    "Authorization", "api", "docs", "v",
    # formula notation: functions and the package that computes them
    "log", "min", "max", "exp", "cp", "ecomplexity",
}  # fmt: skip
SINGLE_LETTER = re.compile(r"^[A-Za-z]$")  # variables in formulas (x, s, w), compass N
# Chinese an English page may show: the language switcher's own name for Chinese, and on the
# import pages the words a Chinese spreadsheet is written in (column names, units, date forms),
# which the reader must recognise or type as they are.
GLOSSES_IN_EN = {"简体中文"}
FILE_VOCABULARY = {
    "企业名称", "统一社会信用代码", "营业收入", "年份", "万元", "亿元", "元", "千元", "年", "月", "日",
    "年度", "年营业收入", "重点企业名录", "、", "（", "）", "万", "亿",
}  # fmt: skip
IMPORT_PAGES = ("/imports/", "/investment/projects/import/")
# the chain editor explains Chinese text patterns the classifier handles (不含… = 'not including')
CHAIN_EDITOR_VOCABULARY = {"不含"}


def _policy_vocabulary() -> set[str]:
    """Qualification pages name the issuing documents by their official Chinese numbers (国科发火
    〔2016〕32号), identifiers rather than text to translate, and money in 万元 as the engine does."""
    from corridor.engine.qualify import load_policies
    from corridor.engine.qualify import metrics as qm

    found = {"万元", "万", "亿", "（", "）"}
    texts = [p.number + " " + p.document for p in load_policies().values()]
    texts += [metric.en for metric in qm.ASSESSMENTS.values()]
    for text in texts:
        found |= set(CJK.findall(text)) | set(CJK_PUNCT.findall(text))
    return found


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
CJK_PUNCT = re.compile(r"[，。；：、（）《》“”！？【】]")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
CODE = re.compile(r"\b[A-Z]{2,}[0-9][A-Z0-9_.-]*\b|\b[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*\b")


class _Visible(HTMLParser):
    """Collects visible text and the text of a few attributes and of JSON chart options."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._json: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style", "code", "pre", "kbd"):
            if tag == "script" and values.get("type") == "application/json":
                self._json = []
            else:
                self._skip += 1
        for name in ("title", "placeholder", "aria-label"):
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre", "kbd"):
            if self._json is not None:
                self.parts.extend(_chart_texts(json.loads("".join(self._json) or "null")))
                self._json = None
            elif self._skip:
                self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._json is not None:
            self._json.append(data)
        elif not self._skip:
            self.parts.append(data)


def _chart_texts(option: Any, key: str = "") -> list[str]:
    """Strings a chart shows: names, texts, axis names, legend entries (not data values)."""
    if isinstance(option, dict):
        return [t for k, v in option.items() for t in _chart_texts(v, k)]
    if isinstance(option, list):
        return [t for v in option for t in _chart_texts(v, key)]
    if isinstance(option, str) and key in ("name", "text", "subtext", "data"):
        return [option]
    return []


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip())


def _strip(text: str, data: list[str]) -> str:
    for value in data:  # longest first, so a name is removed before its parts
        text = text.replace(value, " ")
    return text


def english_in_zh(text: str) -> list[str]:
    text = CODE.sub(" ", text)
    words = WORD.findall(text)
    return sorted({w for w in words if w not in ALLOWED_IN_ZH and not SINGLE_LETTER.match(w)})


def chinese_in_en(text: str, allowed: set[str] = GLOSSES_IN_EN) -> list[str]:
    found = {m for m in CJK.findall(text) if m not in allowed}
    found |= {m for m in CJK_PUNCT.findall(text) if m not in allowed}
    return sorted(found)


@pytest.fixture
def world(db, tmp_path):  # type: ignore[no-untyped-def]
    """A small district: local and external enterprises with facts and titles, one on a chain
    node, a project, an import; the data values each page may show are returned for stripping."""
    from corridor.atlas import selectors as atlas
    from corridor.atlas.models import NodeLink
    from corridor.investment import services as investment

    users = {role: user_with_role(role, f"u-{role}") for role in ROLES}
    local = EnterpriseFactory(name="金华示范机械有限公司", business_scope="机械制造")
    other = EnterpriseFactory(
        name="宁波外地电池有限公司",
        is_local=False,
        province="浙江省",
        city="宁波市",
        county="北仑区",
        county_code="330206",
        city_code="330200",
    )
    for e in (local, other):
        FactsFactory(enterprise=e, year=2023, revenue=12000, employees=80)
        FactsFactory(enterprise=e, year=2024, revenue=15000, employees=90)
    TitleFactory(
        enterprise=local,
        title="high_tech",
        issued_on=dt.date(2023, 1, 1),
        expires_on=dt.date(2099, 1, 1),
    )
    demo = EnterpriseFactory(name="演示合成科技有限公司", is_synthetic=True)
    refresh_latest_facts([local.pk, other.pk])
    from corridor.imports import services as imports
    from tests.registry.files import write_csv

    path = write_csv(
        tmp_path / "名录.csv",
        [["导入测试有限公司", valid_uscc(90001), "浙江省金华市婺城区", 2024, 3000, 20]],
        ["企业名称", "统一社会信用代码", "注册地址", "年份", "营业收入", "从业人员"],
    )
    batch = imports.apply_batch(
        imports.receive_path(path, users["administrator"]), users["administrator"]
    )
    chain = atlas.chains().first()
    node = atlas.definition_of(chain).nodes[0]
    for e in (local, other):
        NodeLink.objects.update_or_create(
            enterprise=e,
            node=node.id,
            defaults={"chain": chain.key, "confidence": 0.9, "rule_confidence": 0.9,
                      "effective": True, "classifier_version": "rules"},
        )  # fmt: skip
    project = investment.create_project(
        other, users["investment_analyst"], {"name": "宁波电池项目", "investment_amount": 50000}
    )
    from corridor.investment.models import Stage

    # a stage move and an activity: their history lines are rendered text, not data
    contact = Stage.objects.get(key="contact")
    investment.update_project(
        project, {"first_visit_on": dt.date(2025, 11, 20)}, users["investment_analyst"]
    )
    investment.move_stage(project, contact, users["investment_analyst"])
    investment.add_activity(project, "call", "电话沟通", users["investment_analyst"])
    nodes = atlas.node_index()
    vocabulary = [
        term
        for n in nodes.values()
        for key in ("products", "technologies", "terms", "synonyms", "exclusions")
        for term in getattr(n, key, ()) or ()
    ]
    data = [*vocabulary, "rules", "电话沟通", demo.name, "导入测试有限公司", "名录.csv", "浙江省金华市婺城区",
        local.name, other.name, project.name, "机械制造",
        *(n.name_zh for n in nodes.values()), *(c.name_zh for c in atlas.chains()),
        *(c.leader_name for c in atlas.chains()), *(c.leader_title for c in atlas.chains()),
        "浙江省", "金华市", "婺城区", "宁波市", "北仑区", *users,
    ]  # fmt: skip
    usernames = [u.get_username() for u in users.values()]
    # node ids and chain keys are atlasfix's to replace by names; here they count as codes
    codes = [*nodes, *(c.key for c in atlas.chains())]
    data += [*usernames, *codes]
    english_data = [
        *(n.name_en for n in nodes.values()), *(c.name_en for c in atlas.chains()), *usernames, *codes, "rules",
    ]  # fmt: skip
    return {
        "users": users,
        "local": local,
        "other": other,
        "project": project,
        "batch": batch,
        "chain": chain,
        "node": node.id,
        "zh_data": sorted({d for d in data if d}, key=len, reverse=True),
        "en_data": sorted({d for d in english_data if d}, key=len, reverse=True),
    }


def _pages(w: dict[str, Any]) -> list[str]:
    e, o, p, chain, node = w["local"].pk, w["other"].pk, w["project"].pk, w["chain"].key, w["node"]
    return [
        "/",
        "/registry/",
        f"/registry/{e}/",
        f"/registry/{o}/",
        f"/registry/{e}/edit/",
        "/registry/new/",
        "/registry/deleted/",
        "/imports/enterprises/",
        f"/imports/batch/{w['batch'].pk}/",
        "/imports/projects/",
        f"/registry/?import={w['batch'].pk}",
        "/registry/?synthetic=synthetic",
        "/atlas/",
        f"/atlas/{chain}/",
        f"/atlas/{chain}/edit/",
        f"/atlas/node/{node}/",
        "/atlas/review/",
        "/atlas/relatedness/",
        f"/atlas/enterprise/{e}/",
        "/investment/",
        "/investment/list/",
        "/investment/analytics/",
        f"/investment/targets/?chain={chain}",
        "/investment/map/",
        "/investment/projects/new/",
        f"/investment/projects/{p}/",
        f"/investment/projects/{p}/edit/",
        "/investment/projects/import/",
        "/accounts/profile/",
        "/qualify/",
        f"/qualify/enterprise/{e}/",
        "/qualify/lists/high_tech/near/",
        "/qualify/lists/high_tech/expiring/",
        "/qualify/policies/",
    ]


def _audit(world: dict[str, Any], language: str) -> tuple[list[str], int]:
    findings = []
    checked = 0
    for role, user in world["users"].items():
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.cookies["django_language"] = language
        client.force_login(user)
        for url in _pages(world):
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            checked += 1
            text = visible_text(response.content.decode())
            if language == "zh-hans":
                bad = english_in_zh(_strip(text, world["en_data"]))
            else:
                allowed = GLOSSES_IN_EN | (
                    FILE_VOCABULARY if url.startswith(IMPORT_PAGES) else set()
                )
                if url.startswith("/atlas/") and url.endswith("/edit/"):
                    allowed = allowed | CHAIN_EDITOR_VOCABULARY
                if url.startswith("/qualify/"):
                    allowed = allowed | _policy_vocabulary()
                bad = chinese_in_en(_strip(text, world["zh_data"]), allowed)
            if bad:
                findings.append(f"{role} {url}: {' | '.join(bad[:20])}")
    anonymous = Client(HTTP_ACCEPT_LANGUAGE=language)
    anonymous.cookies["django_language"] = language
    for url in ("/accounts/login/", "/accounts/signup/"):
        text = visible_text(anonymous.get(url).content.decode())
        bad = english_in_zh(text) if language == "zh-hans" else chinese_in_en(text)
        if bad:
            findings.append(f"anonymous {url}: {' | '.join(bad[:20])}")
    return sorted(set(findings)), checked


def test_visible_text_helper_skips_scripts_and_reads_labels() -> None:
    html = (
        '<p>营业收入<script>var x = "English";</script></p><input placeholder="Search">'
        '<span title="Tip" class="English">中</span><script type="application/json">'
        '{"series": [{"name": "Revenue", "data": [1, 2]}]}</script>'
    )
    text = visible_text(html)
    assert "营业收入" in text and "Search" in text and "Tip" in text and "Revenue" in text
    assert "var x" not in text and "class" not in text
    assert english_in_zh("营业收入 Search USCC LQ 2024 NEV01 x") == ["Search"]
    assert chinese_in_en("Revenue，total 万元") == ["万元", "，"]


@pytest.mark.django_db
def test_chinese_pages_show_no_english(world) -> None:  # type: ignore[no-untyped-def]
    findings, checked = _audit(world, "zh-hans")
    assert checked > 80, checked  # the pages did render (an audit of error pages proves nothing)
    assert not findings, "\n".join(findings)


@pytest.mark.django_db
def test_english_pages_show_no_chinese(world) -> None:  # type: ignore[no-untyped-def]
    findings, checked = _audit(world, "en")
    assert checked > 80, checked
    assert not findings, "\n".join(findings)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_show_node_names_not_node_ids(world, language) -> None:  # type: ignore[no-untyped-def]
    """Issue 9 §2 "names, never internal ids": no node id (e.g. nev.motor) in any page's visible
    text, pickers included; the chain editor, which edits the definition itself, is left out."""
    from corridor.atlas import selectors as atlas

    node_ids = sorted(atlas.node_index(), key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(n) for n in node_ids))
    findings = []
    for role in ("administrator", "investment_analyst", "leader"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.cookies["django_language"] = language
        client.force_login(world["users"][role])
        for url in _pages(world):
            if url.endswith("/edit/") and url.startswith("/atlas/"):
                continue
            response = client.get(url)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                shown = pattern.findall(visible_text(response.content.decode()))
                if shown:
                    findings.append(f"{role} {url}: {sorted(set(shown))[:5]}")
    assert not findings, "\n".join(findings)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_error_page_details_are_labelled_in_the_language(world, language) -> None:  # type: ignore[no-untyped-def]
    """A refused query (park=²) names the parameter and value as typed in the address; the labels
    around them ("field", "value") are in the page's language."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    client.force_login(world["users"]["administrator"])
    response = client.get("/registry/", {"park": "²"})
    assert response.status_code == 422
    text = _strip(visible_text(response.content.decode()), ["park", "²", *world["users"]])
    if language == "zh-hans":
        assert "字段" in text and not english_in_zh(text), english_in_zh(text)
    else:
        assert "Field" in text and not chinese_in_en(text, GLOSSES_IN_EN)
