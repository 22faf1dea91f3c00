"""`corridor qualify --input IN.json --output OUT.json [--as-of D] [--policies LIST]`, with no database.

Reads the registry-shaped JSON (docs/qualify.md), evaluates every enterprise under the policy versions
in force on the as-of day (or the listed `id` / `id@version`), and writes verdicts with every
criterion explained. Bad input stops with exit code 2 and one line per problem (enterprise index
and key, field, value, reason); nothing is written then. `--verdicts-only` takes the columnar batch
path (verdicts and scores, no criteria), for large files.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from tqdm import tqdm

from corridor.engine.qualify.columnar import columns_from_enterprises, evaluate_columns
from corridor.engine.qualify.evaluate import evaluate, policies_in_force, reference_year
from corridor.engine.qualify.inputs import InputError, parse_request, reference_year_of
from corridor.engine.qualify.loader import PolicyError, load_policies
from corridor.engine.qualify.messages import explain
from corridor.engine.qualify.model import CriterionResult, Enterprise, Policy, PolicyResult

MAX_INPUT_BYTES = 2_000_000_000
BAD_INPUT = 2
PROGRESS_FROM = 2_000  # enterprises: a progress bar from here on (on a terminal)


class UsageError(ValueError):
    """A problem with the command line or the files it names."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="corridor qualify", description=__doc__.split("\n")[0])
    p.add_argument("--input", required=True, type=Path, help="JSON: {as_of, enterprises: [...]}")
    p.add_argument(
        "--output", required=True, type=Path, help="JSON results (written only on success)"
    )
    p.add_argument(
        "--as-of", help="evaluation day YYYY-MM-DD (default: the input's as_of, else today)"
    )
    p.add_argument("--policies", help="comma-separated id or id@version (default: all in force)")
    p.add_argument(
        "--language", default="zh-hans", help="labels and sentences: zh-hans (default) or en"
    )
    p.add_argument(
        "--verdicts-only", action="store_true", help="verdicts and scores only (fast path)"
    )
    return p


def choose_policies(spec: str | None, on: date, available: dict[str, Policy]) -> list[Policy]:
    """The versions named in `spec` (id → the one in force on the day), or all in force."""
    if not spec:
        return policies_in_force(available.values(), on)
    chosen = []
    for item in (s.strip() for s in spec.split(",")):
        if "@" in item:
            if item not in available:
                raise UsageError(
                    f"--policies: unknown policy version {item!r}; known: {', '.join(sorted(available))}"
                )
            chosen.append(available[item])
            continue
        versions = [p for p in available.values() if p.id == item]
        if not versions:
            ids = sorted({p.id for p in available.values()})
            raise UsageError(f"--policies: unknown policy {item!r}; known: {', '.join(ids)}")
        in_force = [p for p in versions if p.in_force(on)]
        if not in_force:
            raise UsageError(f"--policies: no version of {item!r} is in force on {on.isoformat()}")
        chosen.append(in_force[0])
    return chosen


def read_input(path: Path) -> Any:
    """The decoded JSON document; NaN and Infinity are refused, as are oversize and malformed files."""
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise UsageError(f"{path}: larger than {MAX_INPUT_BYTES:,} bytes")

    def refuse(name: str) -> float:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        with path.open(encoding="utf-8") as f:
            return json.load(f, parse_constant=refuse)
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}: not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise UsageError(
            f"{path}: not usable JSON: {str(exc)[:200] or type(exc).__name__}"
        ) from None


def criterion_json(row: CriterionResult, language: str) -> dict[str, Any]:
    out = {
        k: v
        for k, v in asdict(row).items()
        if k not in ("label", "message", "depth", "closable", "progress")
        and v not in ("", (), None)
    }
    out["id"], out["status"] = row.id, row.status
    out["label"] = row.label.get(language)
    for key in ("value", "threshold", "unit", "period", "shortfall", "shortfall_unit"):
        out.setdefault(key, None)
    out["years"] = list(row.years)
    if row.message is not None:
        out["message"] = explain(row, language)
    return out


def result_json(result: PolicyResult, language: str) -> dict[str, Any]:
    return {
        "key": result.key,
        "policy": result.policy,
        "version": result.version,
        "verdict": result.verdict,
        "score": result.score,
        "score_range": list(result.score_range) if result.score_range else None,
        "confirmed_directly": result.confirmed_directly,
        "to_confirm": result.to_confirm,
        "path": [{"id": r.id, "message": explain(r, language)} for r in result.path],
        "criteria": [criterion_json(r, language) for r in result.criteria],
    }


def run(argv: Sequence[str]) -> int:
    """The command; returns its exit code."""
    args = parser().parse_args(argv)
    try:
        data = read_input(args.input)
        on_arg = _day(args.as_of, "--as-of") if args.as_of else None
        as_of, enterprises = parse_request(data)
        year = reference_year_of(data)
        on = on_arg or as_of or date.today()
        chosen = choose_policies(args.policies, on, load_policies())
    except (UsageError, InputError, PolicyError) as exc:
        for line in str(exc).splitlines():
            print(f"corridor qualify: {line}", file=sys.stderr)
        return BAD_INPUT
    if args.verdicts_only:
        results = _verdicts(chosen, enterprises, on, year)
    else:
        shown = tqdm(
            enterprises,
            desc="qualify",
            unit="enterprise",
            file=sys.stderr,
            disable=len(enterprises) < PROGRESS_FROM or not sys.stderr.isatty(),
        )
        results = [
            result_json(evaluate(p, e, on, year), args.language) for e in shown for p in chosen
        ]
    document = {
        "as_of": on.isoformat(),
        "reference_year": reference_year(on) if year is None else year,
        "policies": [{"policy": p.id, "version": p.version, "number": p.number} for p in chosen],
        "results": results,
    }
    args.output.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"{len(enterprises)} enterprises × {len(chosen)} policies → {args.output}", file=sys.stderr
    )
    return 0


def _verdicts(
    chosen: list[Policy], enterprises: list[Enterprise], on: date, year: int | None
) -> list[dict[str, Any]]:
    cols = columns_from_enterprises(enterprises, on, year)
    found = [(p, evaluate_columns(p, cols)) for p in chosen]
    columns = [(p, v.names(), v.score()) for p, v in found]
    out: list[dict[str, Any]] = []
    for i, ent in enumerate(enterprises):
        for policy, names, score in columns:
            value = None if score is None or score[i] != score[i] else float(score[i])
            out.append(
                {
                    "key": ent.key,
                    "policy": policy.id,
                    "version": policy.version,
                    "verdict": names[i],
                    "score": value,
                    "criteria": [],
                }
            )
    return out


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what}: expected a date YYYY-MM-DD, got {text!r}") from None


def main(argv: Sequence[str] | None = None) -> None:
    sys.exit(run(sys.argv[1:] if argv is None else argv))
