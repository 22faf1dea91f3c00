"""corridor classify --input FILE.jsonl --output OUT.jsonl: label enterprises with chain nodes."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from corridor.atlas import chains as packaged
from corridor.engine.classify_batch import classify_many
from corridor.engine.classify_model import Classifier

TEXT_FIELDS = ("name", "scope", "products")


class BadLine(ValueError):
    """A line that is not a JSON object with text fields; the message says which and why."""


def parse_line(number: int, line: str) -> dict[str, Any]:
    """One input record, validated: a JSON object whose name/scope/products are text (or absent)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"line {number}: not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise BadLine(f"line {number}: expected a JSON object, got {type(record).__name__}")
    for field in TEXT_FIELDS:
        value = record.get(field)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            record[field] = "、".join(value)  # a product list
        elif value is not None and not isinstance(value, (str, int, float)):
            raise BadLine(
                f"line {number}: field '{field}' must be text, got {type(value).__name__}"
            )
    if not any(record.get(f) for f in TEXT_FIELDS):
        raise BadLine(f"line {number}: none of name, scope, products has text")
    return record


def _classifier(use_database: bool) -> tuple[Classifier, str]:
    """The live classifier (chains and model as edited in the database) or the packaged one."""
    if use_database:
        try:
            from corridor.atlas.selectors import live_classifier

            return live_classifier(), "database"
        except DatabaseError:
            pass  # a fresh machine without a database: the packaged chains and model still work
    return packaged.packaged_classifier(), "package"


class Command(BaseCommand):
    help = "Classify enterprises from a JSON-lines file into chain nodes, with evidence."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--input", required=True, type=Path, help="JSON lines: name, scope, products"
        )
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument("--packaged", action="store_true", help="ignore the database's edits")
        parser.add_argument(
            "--workers", type=int, default=1, help="processes (e.g. the core count)"
        )
        parser.add_argument("--strict", action="store_true", help="stop at the first bad line")
        parser.add_argument(
            "--no-evidence", action="store_true", help="labels only (smaller output)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        source, target = Path(opts["input"]), Path(opts["output"])
        if not source.is_file():
            raise CommandError(f"no such file: {source}")
        if opts["workers"] < 1 or opts["workers"] > (os.cpu_count() or 1) * 4:
            raise CommandError("--workers must be between 1 and 4 × the core count")
        classifier, origin = _classifier(not opts["packaged"])
        self.stderr.write(f"classifier: {classifier.version} (from the {origin})")
        records: dict[int, dict[str, Any]] = {}
        bad: list[str] = []
        written = labelled = 0
        tmp = target.with_name(target.name + ".partial")
        with (
            source.open(encoding="utf-8-sig", errors="strict") as fin,
            tmp.open("w", encoding="utf-8") as fout,
        ):
            try:
                total = sum(1 for _ in fin)
            except UnicodeDecodeError as exc:
                tmp.unlink(missing_ok=True)
                raise CommandError(
                    f"{source}: not UTF-8 text (byte {exc.start}: {exc.reason})"
                ) from None
            fin.seek(0)
            items = self._items(fin, records, bad, opts["strict"])
            bar = tqdm(total=total, unit="line", file=sys.stderr, disable=total < 5000)
            for number, rows in classify_many(classifier, items, workers=opts["workers"]):
                record = records.pop(number)
                out = self._output(record, rows, opts["no_evidence"])
                labelled += bool(out["labels"])
                fout.write(json.dumps(out, ensure_ascii=False) + "\n")
                written += 1
                bar.update(1)
            bar.close()
        tmp.replace(target)  # the output appears only when complete
        for message in bad[:20]:
            self.stderr.write(message)
        self.stdout.write(
            f"{written} enterprises classified, {labelled} on at least one node, {len(bad)} lines skipped"
        )

    def _items(self, lines, records, bad, strict) -> Iterator[tuple[int, str, str, str]]:  # type: ignore[no-untyped-def]
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = parse_line(number, line)
            except BadLine as exc:
                if strict:
                    raise CommandError(str(exc)) from None
                bad.append(str(exc))
                continue
            records[number] = record
            name, scope, products = (str(record.get(f) or "") for f in TEXT_FIELDS)
            yield number, name, scope, products

    @staticmethod
    def _output(
        record: dict[str, Any], rows: list[dict[str, Any]], no_evidence: bool
    ) -> dict[str, Any]:
        labels = sorted(r["node"] for r in rows if r["effective"])
        out = dict(record)
        out["labels"] = labels
        out["confidence"] = {r["node"]: r["confidence"] for r in rows if r["effective"]}
        if not no_evidence:
            out["evidence"] = [
                e for r in rows if r["effective"] for e in r["evidence"] if e["node"] == r["node"]
            ]
            out["discounted"] = [
                e for r in rows for e in r["evidence"] if e["node"] == r["node"] and e["discount"]
            ]
        return out
