"""Registry rows and stored assessments → the engine's Enterprise records (the input adapter).

The registry's facts become the `corridor qualify` input shape (money in 万元, a missing figure left
out so it reads as unknown, never 0) and go through the engine's own input parser, so a stored
enterprise and a posted body are read by one set of rules. Each record's hash covers exactly what the
engine reads plus the evaluation day: the batch evaluates again only when it moved.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date
from typing import Any

from corridor.engine.qualify.evaluate import reference_year
from corridor.engine.qualify.inputs import InputProblem, parse_enterprise
from corridor.engine.qualify.model import Enterprise
from corridor.qualify import selectors
from corridor.registry import selectors as registry_selectors

logger = logging.getLogger(__name__)

IP_KINDS = {"design": "design_patent"}  # registry kind → engine kind (the rest are the same)
# (registry platform kind, level) → the engine's R&D ladder level
PLATFORM_LEVELS = {
    ("rd_centre", "city"): "city_rd_center",
    ("rd_centre", "provincial"): "provincial_rd_center",
    ("enterprise_institute", "provincial"): "enterprise_research_institute",
    ("key_institute", "provincial"): "key_enterprise_research_institute",
}
YEARS_READ = 3  # the engine reads the reference year Y and the two before it


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def input_document(pk: int, row: dict[str, Any], judged: dict[str, Any]) -> dict[str, Any]:
    """One enterprise in the `corridor qualify` input format, from registry values and assessments."""
    doc: dict[str, Any] = {"key": str(pk), "name": row["name"]}
    if row.get("established_on"):
        doc["established_on"] = _iso(row["established_on"])
    if row.get("industry_code"):
        doc["industry_code"] = row["industry_code"][:10]
    doc["year_facts"] = row["year_facts"]
    if row["ip"]:  # holdings are a stock: the latest year recorded counts; none recorded: unknown
        latest = max(item["year"] for item in row["ip"])
        doc["ip_holdings"] = [
            {"year": i["year"], "kind": IP_KINDS.get(i["kind"], i["kind"]), "count": i["count"]}
            for i in row["ip"]
            if i["year"] == latest
        ]
    # The registry is the district's register of titles and platforms: an empty list is known.
    doc["titles"] = [
        {
            "title": t["title"],
            "level": t["level"],
            "issued_on": _iso(t["issued_on"]),
            "expires_on": _iso(t["expires_on"]),
        }
        for t in row["titles"]
        if t["title"] != "other"
    ]
    doc["rd_platforms"] = [
        {"level": PLATFORM_LEVELS[(p["kind"], p["level"])], "issued_on": f"{p['year']:04d}-01-01"}
        for p in row["platforms"]
        if (p["kind"], p["level"]) in PLATFORM_LEVELS
    ]
    if judged:
        doc["assessments"] = judged
    if row.get("source"):
        doc["source"] = row["source"][:200]
    return doc


def inputs_hash(doc: dict[str, Any], on: date) -> str:
    """A fingerprint of what the engine reads of one enterprise, on that evaluation day."""
    text = json.dumps([on.isoformat(), doc], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def enterprise_documents(ids: list[int], on: date) -> dict[int, tuple[dict[str, Any], str]]:
    """The input document and its hash of each live enterprise among ids (nothing parsed yet: a
    batch parses only the enterprises whose hash moved)."""
    year = reference_year(on)
    rows = registry_selectors.qualification_inputs(ids, year - YEARS_READ + 1, year)
    judged = selectors.latest_assessments(list(rows))
    found = {}
    for pk, row in rows.items():
        doc = input_document(pk, row, judged.get(pk, {}))
        found[pk] = (doc, inputs_hash(doc, on))
    return found


def parse_documents(
    docs: dict[int, dict[str, Any]],
) -> tuple[dict[int, Enterprise], list[InputProblem]]:
    """Engine records from input documents; the ones the engine's parser refuses (a registry figure
    out of range) are left out and their problems returned."""
    found: dict[int, Enterprise] = {}
    problems: list[InputProblem] = []
    for pk, doc in docs.items():
        ent = parse_enterprise(0, doc, problems)
        if ent is None:
            logger.warning("enterprise %s left out of qualification: %s", pk, problems[-1])
            continue
        found[pk] = ent
    return found, problems


def enterprise_records(
    ids: list[int], on: date
) -> tuple[dict[int, tuple[Enterprise, str]], list[InputProblem]]:
    """Engine records with their inputs hash for the live enterprises among ids (unreadable ones
    left out, their problems returned)."""
    docs = enterprise_documents(ids, on)
    parsed, problems = parse_documents({pk: doc for pk, (doc, _h) in docs.items()})
    return {pk: (ent, docs[pk][1]) for pk, ent in parsed.items()}, problems


def enterprise_record(pk: int, on: date) -> Enterprise | None:
    """One stored enterprise as an engine record (None when it is not live or not readable)."""
    found, _problems = enterprise_records([pk], on)
    return found[pk][0] if pk in found else None
