"""Build the demo database: real entities from the reference, synthetic enterprises, demo users."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from corridor.academy.models import Academy, Programme
from corridor.accounts.roles import Role
from corridor.accounts.services import create_user
from corridor.atlas import services as atlas_services
from corridor.demo import generator, seeds, services
from corridor.demo.producer import generated_in_background
from corridor.parks.models import Park
from corridor.qualify import services as qualify_services
from corridor.registry.bulk import BulkWriter
from corridor.registry.models import (
    Enterprise,
    EnterpriseTag,
    EnterpriseYearFacts,
    IPHolding,
    RDPlatform,
    TitleHeld,
)
from corridor.registry.parsing import UpsertRow, make_upsert_row
from corridor.registry.services import EDITABLE_FIELDS

DEMO_PASSWORD = "corridor-demo"
DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR),
    ("analyst", Role.INVESTMENT_ANALYST),
    ("officer", Role.TECHNOLOGY_OFFICER),
    ("park", Role.PARK_OPERATOR),
    ("academy", Role.ACADEMY_COORDINATOR),
    ("leader", Role.LEADER),
    ("applicant", Role.APPLICANT),
]
CHUNK = 4000
# Enterprise fields a synthetic record carries (the park comes by name and is resolved to an id).
RECORD_FIELDS = tuple(f for f in EDITABLE_FIELDS if f != "park")


def seed_reference_entities() -> None:
    """Parks, the academy and its programme, and the named enterprises (idempotent)."""
    parks = {}
    for data in seeds.PARKS:
        park, _ = Park.objects.update_or_create(
            name=data["name"], defaults={**data, "county_code": "330702", "source": seeds.SOURCE}
        )
        parks[park.name] = park
    academy, _ = Academy.objects.update_or_create(
        name=seeds.ACADEMY["name"], defaults={**seeds.ACADEMY, "source": seeds.SOURCE}
    )
    for data in seeds.PROGRAMMES:
        Programme.objects.update_or_create(
            academy=academy, name=data["name"], defaults={**data, "source": seeds.SOURCE}
        )
    for data in seeds.ENTERPRISES:
        _seed_enterprise(data, parks)


def _seed_enterprise(data: dict[str, Any], parks: dict[str, Park]) -> None:
    ent, _ = Enterprise.all_objects.update_or_create(
        name=data["name"],
        uscc=None,
        defaults={
            **seeds.WUCHENG,
            "main_products": data["main_products"],
            "is_local": True,
            "park": parks.get(data["park"]) if data["park"] else None,
            "is_synthetic": False,
            "deleted_at": None,
        },
    )
    for tag in data["tags"]:
        EnterpriseTag.objects.get_or_create(enterprise=ent, tag=tag)
    for title in data.get("titles", []):
        TitleHeld.objects.get_or_create(
            enterprise=ent,
            title=title["title"],
            level=title["level"],
            defaults={"source": title["source"]},
        )


def classify_demo(progress: Callable[[str, int, int], None] | None = None) -> None:
    """Classify the whole demo registry into chain nodes and appoint demo anchors."""
    seen = [0]
    if progress:
        progress("classified", 0, 0)  # the stage starts now; its size comes with the first report

    def report(done: int, total: int) -> None:  # the demo's bars take increments
        if progress:
            progress("classified", done - seen[0], total)
        seen[0] = done

    atlas_services.classify_registry(
        None, progress=report, workers=atlas_services.default_workers()
    )
    services.appoint_demo_anchors()
    seed_projects()


def qualify_demo(progress: Callable[[str, int, int], None] | None = None) -> None:
    """Evaluate the whole demo registry under every policy in force today (stored evaluations)."""
    seen = [0]
    if progress:
        progress("qualified", 0, 0)

    def report(done: int, total: int) -> None:
        if progress:
            progress("qualified", done - seen[0], total)
        seen[0] = done

    qualify_services.sync_shipped_policies()
    services.seed_demo_assessments()
    qualify_services.evaluate_enterprises(None, timezone.localdate(), report)


def seed_projects(per_node: int = 4) -> int:
    """Demo projects for the analyst on the top targets of the weakest nodes (all synthetic)."""
    from django.contrib.auth.models import User

    from corridor.atlas import selectors as atlas_selectors
    from corridor.investment import targets

    analyst = User.objects.filter(username="analyst").first()
    if analyst is None:
        return 0
    picks: dict[str, list[int]] = {}
    for chain in atlas_selectors.chains():
        for item in atlas_selectors.weakest_links(chain, 2):
            rows = targets.ranked([item["node"].id], targets.strategies()["balanced"], per_node)[
                "rows"
            ]
            picks[item["node"].id] = [r["id"] for r in rows]
    return services.seed_demo_projects(analyst, picks)


def remove_synthetic() -> int:
    """Delete every synthetic enterprise and its rows (demo rebuild); returns how many."""
    ent = Enterprise._meta.db_table
    sub = f"SELECT id FROM {ent} WHERE is_synthetic = %s"
    services.forget_synthetic_atlas_links()
    services.forget_synthetic_projects()
    services.forget_synthetic_qualifications()
    with connection.cursor() as cursor:
        for model in (EnterpriseYearFacts, EnterpriseTag, TitleHeld, IPHolding, RDPlatform):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE enterprise_id IN ({sub})", [True]
            )
        cursor.execute(f"DELETE FROM {ent} WHERE is_synthetic = %s", [True])
        return cursor.rowcount


def _upsert_row(record: generator.SyntheticEnterprise, park_ids: dict[str, int]) -> UpsertRow:
    enterprise = {k: getattr(record, k) for k in RECORD_FIELDS}
    enterprise["is_synthetic"] = True
    enterprise["park_id"] = park_ids.get(record.park) if record.park else None
    facts = {f["year"]: {k: v for k, v in f.items() if k != "year"} for f in record.facts}
    return make_upsert_row(enterprise, facts, record.tags)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def load_synthetic(
    records: Iterable[generator.SyntheticEnterprise], progress: Callable[[int], None] | None = None
) -> int:
    """Write synthetic enterprises with their facts, titles, IP and platforms in bulk."""
    park_ids = dict(Park.objects.values_list("name", "id"))
    writer = BulkWriter(batch_id=None, record_changes=False)
    total = 0
    for chunk in _chunks(records, CHUNK):
        ids = writer.write([_upsert_row(r, park_ids) for r in chunk])
        _write_children(chunk, ids)
        total += len(chunk)
        if progress:
            progress(len(chunk))
    writer.finish()
    return total


CHILD_COLUMNS = {
    TitleHeld: ("title", "level", "issued_on", "expires_on"),
    IPHolding: ("year", "kind", "count"),
    RDPlatform: ("kind", "level", "year", "name"),
}


def _write_children(chunk: list[generator.SyntheticEnterprise], ids: list[int]) -> None:
    """Titles, IP and platforms of a chunk, inserted with executemany (the ORM is too slow at 300k)."""
    sources = {TitleHeld: "titles", IPHolding: "ip", RDPlatform: "rd_platforms"}
    with connection.cursor() as cursor:
        for model, attr in sources.items():
            cols = CHILD_COLUMNS[model]
            extra = ("source", "certificate_no") if model is TitleHeld else ()
            rows = [
                (ent_id, *[item.get(c) for c in cols], *(["synthetic", ""] if extra else []))
                for record, ent_id in zip(chunk, ids, strict=True)
                for item in getattr(record, attr)
            ]
            if rows:
                names = ("enterprise_id", *cols, *extra)
                cursor.executemany(
                    f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
                    f"VALUES ({', '.join(['%s'] * len(names))})",
                    rows,
                )


def ensure_demo_users() -> list[tuple[str, str, str]]:
    """Create the demo users if missing; returns (username, password, role label)."""
    from django.contrib.auth.models import User

    from corridor.accounts.models import ApplicantProfile

    for username, role in DEMO_USERS:
        if not User.objects.filter(username=username).exists():
            user = create_user(username, DEMO_PASSWORD, role)
            if role == Role.APPLICANT:
                ApplicantProfile.objects.create(user=user, organisation="示例申请企业（合成）")
    return [(u, DEMO_PASSWORD, str(Role(r).label)) for u, r in DEMO_USERS]


def demo_years(today: dt.date | None = None) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Fact years of the demo: the last four (local) and three (national) complete calendar years.

    Relative to today so that titles in the demo (a 科技型中小企业 registration lasts one year) are in
    force when the demo is shown, whatever year that is.
    """
    latest = (today or dt.date.today()).year - 1
    return tuple(range(latest - 3, latest + 1)), tuple(range(latest - 2, latest + 1))


@contextmanager
def _fast_sqlite_journal() -> Iterator[None]:
    """For the demo rebuild on SQLite: a rollback journal instead of WAL, without fsync.

    One 300,000-enterprise transaction would otherwise grow the WAL to gigabytes and checkpoint it at
    commit. The demo database can always be rebuilt, so durability during the build is not needed.
    """
    if (
        connection.vendor != "sqlite" or connection.in_atomic_block
    ):  # pragmas can't change inside a transaction
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.execute("PRAGMA synchronous=OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA journal_mode=WAL")


def build_demo(
    local: int = 3000,
    national: int = 300_000,
    seed: int = 2025,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, float]:
    """Rebuild all demo data in one transaction; returns timings in seconds.

    progress(stage, n, total) is called with n=0 when a stage (local, national, classified,
    qualified) starts,
    then with the rows done since the last call; stages follow one another, never overlap."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    with _fast_sqlite_journal(), transaction.atomic():
        seed_reference_entities()
        remove_synthetic()
        timings["reference"] = time.perf_counter() - start
        step = time.perf_counter()
        local_years, national_years = demo_years()
        if progress:
            progress("local", 0, local)  # each stage announces itself before its first row
        load_synthetic(
            generator.generate_local(seed=seed, count=local, years=local_years),
            (lambda n: progress("local", n, local)) if progress else None,
        )
        timings["local"] = time.perf_counter() - step
        step = time.perf_counter()
        if progress:
            progress("national", 0, national)
        load_synthetic(
            generated_in_background("national", seed, national, national_years),
            (lambda n: progress("national", n, national)) if progress else None,
        )
        timings["national"] = time.perf_counter() - step
        ensure_demo_users()
    step = time.perf_counter()
    classify_demo(progress)
    timings["atlas"] = time.perf_counter() - step
    step = time.perf_counter()
    qualify_demo(progress)
    timings["qualify"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - start
    return timings
