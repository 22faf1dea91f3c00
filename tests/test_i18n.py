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


def _catalogue() -> dict[str, polib.POEntry]:
    po = polib.pofile(str(ROOT / "src/corridor/locale/zh_Hans/LC_MESSAGES/django.po"))
    return {e.msgid: e for e in po}


def test_every_message_has_a_chinese_translation() -> None:
    messages = _extractor().collect()
    catalogue = _catalogue()
    missing = []
    for (msgid, _plural), files in messages.items():
        entry = catalogue.get(msgid)
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
