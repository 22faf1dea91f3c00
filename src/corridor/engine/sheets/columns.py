"""Import columns as data: what a domain's ``data/columns.yaml`` declares, loaded and validated.

A columns file has two keys::

    choice_sets:            # named spellings → stored values, shared by several columns
      status: {存续: operating, 注销: cancelled, ...}
    columns:
      - name: revenue        # the domain's field name (a Python identifier)
        kind: money          # text uscc date money int decimal float bool choice year tags
        target: facts        # which record of the domain the value goes to (free word, default "main")
        label: {zh: 营业收入, en: Revenue}
        aliases: [营业收入, 收入, revenue]     # header spellings, compared after normalise_header()
        unit: 万元           # the unit values are stored in (money: always 万元)
        minimum: 0           # bounds a value must respect (numbers)
        maximum: 100
        max_length: 200      # text
        choices: status      # bool/choice: a choice set's name, or an inline mapping
        required: false      # a row without it is an error (the domain's identity rule may be wider)
        per_year: true       # a yearly figure: a year in its header (2024年营业收入) sets the row's year
        help: {zh: …, en: …} # shown in the template workbook's instructions sheet and on the mapping page
        lookup: stage        # a vocabulary the domain resolves the value against (a word, e.g. stage, user)

Nothing here knows any domain: a domain passes the parsed columns to the reader (``tabular`` and ``rows``).
Errors name the file, the column's position and name, the key and the value, so a wrong edit is found at
start-up, not at the first import.
"""

from __future__ import annotations

import keyword
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from corridor.engine.sheets.cells import normalise_header

KINDS = frozenset(
    {"text", "uscc", "date", "money", "int", "decimal", "float", "bool", "choice", "year", "tags"}
)
NUMERIC_KINDS = frozenset({"money", "int", "decimal", "float"})
CHOICE_KINDS = frozenset({"bool", "choice"})
_KEYS = frozenset(
    {
        "name",
        "kind",
        "target",
        "label",
        "aliases",
        "unit",
        "minimum",
        "maximum",
        "max_length",
        "choices",
        "required",
        "per_year",
        "help",
        "lookup",
    }
)


@dataclass(frozen=True)
class ImportField:
    """One importable column."""

    name: str
    kind: str
    label_en: str
    label_zh: str
    aliases: tuple[str, ...] = ()
    target: str = "enterprise"  # which record the value belongs to (the domain decides the words)
    choices: dict[str, str] = field(default_factory=dict)  # accepted spelling -> stored value
    max_length: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    unit: str = ""
    required: bool = False
    per_year: bool = False
    help_en: str = ""
    help_zh: str = ""
    lookup: str = (
        ""  # a vocabulary the domain resolves values against ("stage", "user"); "" for none
    )

    @property
    def non_negative(self) -> bool:
        """True when the column's values cannot be below zero."""
        return self.minimum is not None and self.minimum >= 0

    def label(self, language: str | None) -> str:
        """The column's header in a language ("zh…" → Chinese, anything else → English)."""
        return self.label_zh if (language or "").lower().startswith("zh") else self.label_en

    def help(self, language: str | None) -> str:
        """The column's help text in a language."""
        return self.help_zh if (language or "").lower().startswith("zh") else self.help_en


class ColumnsError(ValueError):
    """A columns file that cannot be used, with where and why."""


def load_columns_file(path: Path) -> tuple[ImportField, ...]:
    """Read and validate a columns YAML file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ColumnsError(f"{path.name}: cannot be read as YAML: {exc}") from exc
    return load_columns(data, source=path.name)


def load_columns(data: Any, source: str = "columns") -> tuple[ImportField, ...]:
    """Validate the parsed YAML of a columns file and build its fields, in file order."""
    if not isinstance(data, Mapping) or not isinstance(data.get("columns"), list):
        raise ColumnsError(f"{source}: expected a mapping with a 'columns' list")
    sets = _choice_sets(data.get("choice_sets") or {}, source)
    fields = tuple(
        _column(entry, sets, f"{source}: column #{i}") for i, entry in enumerate(data["columns"], 1)
    )
    _check_unique(fields, source)
    return fields


def _choice_sets(raw: Any, source: str) -> dict[str, dict[str, str]]:
    """The named choice sets, each a mapping of spelling → stored value."""
    if not isinstance(raw, Mapping):
        raise ColumnsError(f"{source}: 'choice_sets' must be a mapping of name → spellings")
    return {
        str(name): _choices(spellings, f"{source}: choice set {name!r}")
        for name, spellings in raw.items()
    }


def _choices(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not raw:
        raise ColumnsError(f"{where}: expected a non-empty mapping of spelling → stored value")
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in raw.items()}


def _column(entry: Any, sets: dict[str, dict[str, str]], where: str) -> ImportField:
    """One column entry, checked key by key."""
    if not isinstance(entry, Mapping):
        raise ColumnsError(f"{where}: expected a mapping, found {type(entry).__name__}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ColumnsError(f"{where}: 'name' must be an identifier, found {name!r}")
    where = f"{where} ({name})"
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise ColumnsError(
            f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(_KEYS))}"
        )
    kind = entry.get("kind")
    if kind not in KINDS:
        raise ColumnsError(f"{where}: unknown kind {kind!r}; allowed: {', '.join(sorted(KINDS))}")
    label = _bilingual(entry.get("label"), where, "label", required=True)
    minimum, maximum = (_bound(entry.get(k), where, k, kind) for k in ("minimum", "maximum"))
    if minimum is not None and maximum is not None and minimum > maximum:
        raise ColumnsError(f"{where}: minimum {minimum} is above maximum {maximum}")
    help_text = _bilingual(entry.get("help"), where, "help", required=False)
    return ImportField(
        name=name,
        kind=kind,
        label_en=label["en"],
        label_zh=label["zh"],
        aliases=_aliases(entry.get("aliases", []), label, where),
        target=_word(entry.get("target", "enterprise"), where, "target"),
        choices=_column_choices(entry.get("choices"), sets, kind, where),
        max_length=_max_length(entry.get("max_length"), kind, where),
        minimum=minimum,
        maximum=maximum,
        unit=_word(entry.get("unit", ""), where, "unit", allow_empty=True),
        required=_flag(entry.get("required", False), where, "required"),
        per_year=_flag(entry.get("per_year", False), where, "per_year"),
        help_en=help_text["en"],
        help_zh=help_text["zh"],
        lookup=_lookup(entry.get("lookup", ""), where),
    )


def _bilingual(raw: Any, where: str, key: str, required: bool) -> dict[str, str]:
    if raw is None and not required:
        return {"zh": "", "en": ""}
    if not isinstance(raw, Mapping) or not all(
        isinstance(raw.get(lang), str) and str(raw.get(lang)).strip() for lang in ("zh", "en")
    ):
        raise ColumnsError(f"{where}: '{key}' needs non-empty 'zh' and 'en' texts, found {raw!r}")
    return {"zh": raw["zh"].strip(), "en": raw["en"].strip()}


def _aliases(raw: Any, label: dict[str, str], where: str) -> tuple[str, ...]:
    """The header spellings (the labels and the name match too: see tabular.alias_index)."""
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise ColumnsError(f"{where}: 'aliases' must be a list of header spellings")
    aliases = [str(a) for a in raw]
    empty = [a for a in aliases if not normalise_header(a)]
    if empty:
        raise ColumnsError(f"{where}: alias {empty[0]!r} is empty once normalised")
    return tuple(aliases)


def _word(raw: Any, where: str, key: str, allow_empty: bool = False) -> str:
    if not isinstance(raw, str) or (not raw.strip() and not allow_empty):
        raise ColumnsError(f"{where}: '{key}' must be a word, found {raw!r}")
    return raw.strip()


def _lookup(raw: Any, where: str) -> str:
    """A vocabulary's name: a domain-free identifier the domain maps to its own lookup."""
    if raw == "":
        return ""
    if not isinstance(raw, str) or not raw.isidentifier() or keyword.iskeyword(raw):
        raise ColumnsError(f"{where}: 'lookup' must be an identifier, found {raw!r}")
    return raw


def _flag(raw: Any, where: str, key: str) -> bool:
    if not isinstance(raw, bool):
        raise ColumnsError(f"{where}: '{key}' must be true or false, found {raw!r}")
    return raw


def _bound(raw: Any, where: str, key: str, kind: str) -> Decimal | None:
    if raw is None:
        return None
    if kind not in NUMERIC_KINDS | {"year"}:
        raise ColumnsError(f"{where}: '{key}' applies to numbers, not to kind {kind!r}")
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ColumnsError(f"{where}: '{key}' must be a number, found {raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ColumnsError(f"{where}: '{key}' must be a number, found {raw!r}") from None
    if not value.is_finite():
        raise ColumnsError(f"{where}: '{key}' must be finite, found {raw!r}")
    return value


def _column_choices(
    raw: Any, sets: dict[str, dict[str, str]], kind: str, where: str
) -> dict[str, str]:
    if kind not in CHOICE_KINDS:
        if raw is not None:
            raise ColumnsError(f"{where}: 'choices' applies to bool and choice columns only")
        return {}
    if isinstance(raw, str):
        if raw not in sets:
            raise ColumnsError(
                f"{where}: unknown choice set {raw!r}; defined: {', '.join(sorted(sets)) or 'none'}"
            )
        return sets[raw]
    return _choices(raw, f"{where}: 'choices'")


def _max_length(raw: Any, kind: str, where: str) -> int | None:
    if raw is None:
        return None
    if kind != "text":
        raise ColumnsError(f"{where}: 'max_length' applies to text columns only")
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise ColumnsError(f"{where}: 'max_length' must be a positive whole number, found {raw!r}")
    return raw


def _check_unique(fields: tuple[ImportField, ...], source: str) -> None:
    """Names are unique, and no header spelling points at two columns."""
    seen: dict[str, str] = {}
    names: set[str] = set()
    for f in fields:
        if f.name in names:
            raise ColumnsError(f"{source}: column name {f.name!r} is declared twice")
        names.add(f.name)
        for alias in (*f.aliases, f.label_zh, f.label_en, f.name):
            key = normalise_header(alias)
            if seen.setdefault(key, f.name) != f.name:
                raise ColumnsError(
                    f"{source}: header {alias!r} is an alias of both {seen[key]!r} and {f.name!r}"
                )
