"""Every user-facing string has a Simplified Chinese translation whose placeholders match."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def _extractor():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "extract_messages", ROOT / "scripts" / "extract_messages.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _catalogue() -> dict[tuple[str | None, str], polib.POEntry]:
    po = polib.pofile(str(ROOT / "src/corridor/locale/zh_Hans/LC_MESSAGES/django.po"))
    return {(e.msgctxt or None, e.msgid): e for e in po}


def _django_catalogue() -> dict[str, tuple[str, str]]:
    """Django's own zh_Hans translations (core and contrib apps): msgid -> (msgstr, file)."""
    import django

    root = Path(django.__file__).parent
    files = [root / "conf/locale/zh_Hans/LC_MESSAGES/django.po"]
    files += sorted(root.glob("contrib/*/locale/zh_Hans/LC_MESSAGES/django.po"))
    found: dict[str, tuple[str, str]] = {}
    for path in files:
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.msgctxt:
                found.setdefault(entry.msgid, (entry.msgstr, str(path.relative_to(root))))
    return found


def test_every_message_has_a_chinese_translation() -> None:
    messages = _extractor().collect()
    catalogue = _catalogue()
    missing = []
    for (context, msgid, _plural), files in messages.items():
        entry = catalogue.get((context, msgid))
        if (
            entry is None
            or not (entry.msgstr or any(entry.msgstr_plural.values()))
            or "fuzzy" in entry.flags
        ):
            missing.append(f"{msgid!r} ({files[0]})")
    assert not missing, (
        f"{len(missing)} untranslated; run scripts/extract_messages.py and translate:\n"
        + "\n".join(missing[:50])
    )


def test_translations_keep_the_placeholders() -> None:
    bad = []
    for entry in _catalogue().values():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for text in translations:
            if text and sorted(PLACEHOLDER.findall(text)) != wanted:
                bad.append(f"{entry.msgid!r} -> {text!r}")
    assert not bad, bad


def test_no_project_message_overrides_djangos_own() -> None:
    """Our catalogue is searched before Django's (LOCALE_PATHS), so a project msgid equal to one of
    Django's replaces Django's translation everywhere, the admin included ('Change' showed as
    '名次变化' on every admin change link). A shared msgid must agree with Django or carry a context
    (pgettext / {% translate "…" context "…" %})."""
    django_msgs = _django_catalogue()
    clashes = []
    for (context, msgid), entry in _catalogue().items():
        theirs = django_msgs.get(msgid)
        if context is None and theirs is not None and entry.msgstr != theirs[0]:
            clashes.append(
                f"{msgid!r}: ours {entry.msgstr!r}, Django's {theirs[0]!r} ({theirs[1]})"
            )
    assert not clashes, "\n".join(clashes)


def test_django_admin_keeps_its_own_words() -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("Change") == "修改"
        assert translation.gettext("Add") == "增加"
