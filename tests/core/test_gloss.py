"""LQ, RCA, PCI and COG carry a gloss on hover (issue 9): one home for the definitions (core.glossary),
one template tag, in both languages, applied to the atlas pages' headers and labels."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from corridor.core.glossary import GLOSSARY

TERMS = ("LQ", "RCA", "PCI", "COG")


def _render(text: str, **context: object) -> str:
    return Template("{% load corridor %}" + text).render(Context(context))


@pytest.mark.parametrize("term", TERMS)
def test_the_gloss_tag_renders_an_abbr_with_the_definition_in_the_active_language(
    term: str,
) -> None:
    with translation.override("en"):
        en = _render(f'{{% gloss "{term}" %}}')
    with translation.override("zh-hans"):
        zh = _render(f'{{% gloss "{term}" %}}')
    for html in (en, zh):
        m = re.fullmatch(r'<abbr class="gloss" title="([^"]+)">' + term + "</abbr>", html)
        assert m, html
    assert en != zh, "the definition is translated"
    assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en)


def test_every_gloss_is_defined_once_and_unknown_terms_render_plain() -> None:
    assert set(GLOSSARY) >= set(TERMS)
    assert _render('{% gloss "XYZ" %}') == "XYZ"
    assert _render("{% gloss term %}", term="<b>") == "&lt;b&gt;"  # a variable is escaped


@pytest.mark.django_db
def test_atlas_pages_gloss_their_abbreviations() -> None:
    from corridor.atlas import services
    from tests.factories import EnterpriseFactory, user_with_role

    scopes = [
        "角磨机制造；电锤生产",
        "锂离子电池制造；动力电池研发",
        "割草机制造；园林工具生产；链锯研发",
    ]
    for c in range(4):
        for k in range(3):
            EnterpriseFactory(
                is_local=False, city_code=f"3{c:02d}100", business_scope=scopes[(c + k) % 3]
            )
    EnterpriseFactory(business_scope=scopes[0])
    services.classify_registry()
    client = Client()
    client.force_login(user_with_role("investment_analyst"))
    pages = {
        "/atlas/pt/": {"LQ"},
        "/atlas/relatedness/": {"RCA", "PCI", "COG"},
        "/atlas/node/pt.handheld/": {"RCA"},
    }
    for language in ("zh-hans", "en"):
        for url, terms in pages.items():
            html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            glossed = set(re.findall(r'<abbr class="gloss" title="[^"]+">(\w+)</abbr>', html))
            assert terms <= glossed, (url, language, terms - glossed)
            headers = re.findall(r"<th[^>]*>(LQ|RCA|PCI|COG)</th>", html)
            assert not headers, (url, "bare abbreviation in a header", headers)
