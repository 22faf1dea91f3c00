"""Registry reads: the filtered enterprise list, its export, a record's history, headline figures."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from corridor.accounts.models import AuditEvent
from corridor.core.channels import channel_label
from corridor.core.memo import per_request
from corridor.core.params import ascii_int, id_param, year_param
from corridor.engine.regions import region_label
from corridor.imports.models import ImportBatch, ImportChange
from corridor.registry.models import (
    Enterprise,
    EnterpriseStatus,
    EnterpriseTag,
    EnterpriseYearFacts,
    IPHolding,
    RDPlatform,
    SizeBand,
    TitleHeld,
    TitleKind,
)

T = TypeVar("T")

SORTS = {
    "name": "name",
    "-name": "-name",
    "revenue": "latest_revenue",
    "-revenue": "-latest_revenue",
    "employees": "latest_employees",
    "-employees": "-latest_employees",
    "established": "established_on",
    "-established": "-established_on",
    "county": "county",
    "-county": "-county",
}


@dataclass(frozen=True)
class ListFilter:
    """A list filter another app adds (the registry imports no app that follows it).

    `build(value)` gives the Q narrowing the list, or None for a value it does not know;
    `describe(value)` says it in words ('产业链：新能源汽车') for the page and export notes.
    """

    build: Callable[[str], Q | None]
    describe: Callable[[str], str]


LIST_FILTERS: dict[str, ListFilter] = {}


def register_list_filter(param: str, list_filter: ListFilter) -> None:
    """Let a later app (atlas: ?chain=) narrow the registry list by its own data."""
    LIST_FILTERS[param] = list_filter


@dataclass(frozen=True)
class EnterpriseFilters:
    """The list page's filters, parsed from the query string."""

    q: str = ""
    county_code: str = ""
    park_id: int | None = None
    title: str = ""
    size_band: str = ""
    locality: str = ""  # "" (all, the national pool) | local | external
    status: str = ""
    tag: str = ""
    synthetic: str = ""  # "" | real | synthetic
    import_id: int | None = None  # the records one import created or updated
    facts_year: int | None = None  # enterprises with yearly facts for this year
    extra: tuple[tuple[str, str], ...] = ()  # registered filters' (param, value), see LIST_FILTERS
    sort: str = "-revenue"

    @classmethod
    def from_query(cls, params: Any, default_locality: str = "") -> EnterpriseFilters:
        """Parse and sanitise query parameters (unknown choices are ignored; a record number that
        is not one is a ValidationFailed naming the parameter).

        default_locality applies when the query names no locality (the list page opens on the
        district's own enterprises: "local"); locality=all asks for the national pool. A link to
        the records an import wrote (import=…) shows them all unless it names a locality.
        """
        params = {k: _printable(str(v)) for k, v in dict(params.items()).items()}
        sort = params.get("sort", "-revenue")
        extra = tuple(
            (name, params[name][:40]) for name in sorted(LIST_FILTERS) if params.get(name, "")
        )
        locality = params.get("locality")
        if locality is None:
            locality = "" if params.get("import", "") else default_locality
        return cls(
            q=params.get("q", "").strip()[:100],
            county_code=params.get("county", "").strip()[:6],
            park_id=id_param(params, "park"),
            title=params.get("title", "") if params.get("title", "") in TitleKind.values else "",
            size_band=params.get("size", "") if params.get("size", "") in SizeBand.values else "",
            locality=locality if locality in ("local", "external") else "",
            status=params.get("status", "")[:16],
            tag=params.get("tag", "").strip()[:40],
            synthetic=params.get("synthetic", "")
            if params.get("synthetic", "") in ("real", "synthetic")
            else "",
            import_id=id_param(params, "import"),
            facts_year=year_param(params, "facts_year"),
            extra=extra,
            sort=sort if sort in SORTS else "-revenue",
        )


def _printable(text: str) -> str:
    """Drop control characters (NUL is refused by PostgreSQL) from a query parameter."""
    return "".join(ch for ch in text if ch.isprintable())


def valid_title_filter(title: str, on: dt.date | None = None) -> Q:
    """Enterprises holding a title in force on a day."""
    day = on or timezone.localdate()
    return Q(Exists(titles_held_in_force(day).filter(enterprise=OuterRef("pk"), title=title)))


def titles_held_in_force(on: dt.date | None = None) -> QuerySet[TitleHeld]:
    """Every title row in force on a day (today by default), for other apps to narrow."""
    return TitleHeld.objects.in_force(on or timezone.localdate())


def enterprise_list(filters: EnterpriseFilters) -> QuerySet[Enterprise]:
    """The enterprises matching the filters, sorted; soft-deleted ones excluded."""
    qs = Enterprise.objects.select_related("park")
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(uscc__istartswith=filters.q.upper()))
    if filters.county_code:
        qs = qs.filter(county_code=filters.county_code)
    if filters.park_id:
        qs = qs.filter(park_id=filters.park_id)
    if filters.title:
        qs = qs.filter(valid_title_filter(filters.title))
    if filters.size_band:
        qs = qs.filter(size_band=filters.size_band)
    if filters.locality:
        qs = qs.filter(is_local=filters.locality == "local")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.tag:
        qs = qs.filter(
            Exists(EnterpriseTag.objects.filter(enterprise=OuterRef("pk"), tag=filters.tag))
        )
    if filters.synthetic:
        qs = qs.filter(is_synthetic=filters.synthetic == "synthetic")
    if filters.import_id:
        qs = qs.filter(pk__in=written_by_import(filters.import_id).values("pk"))
    if filters.facts_year:
        qs = qs.filter(
            Exists(
                EnterpriseYearFacts.objects.filter(
                    enterprise=OuterRef("pk"), year=filters.facts_year
                )
            )
        )
    for name, value in filters.extra:
        condition = LIST_FILTERS[name].build(value)
        qs = qs.filter(condition) if condition is not None else qs.none()
    return qs.order_by(*_ordering(filters.sort))


def describe_filters(filters: EnterpriseFilters) -> list[str]:
    """The filters in words, for the list page and an export's notes (never the query string)."""
    words: list[str] = []
    if filters.q:
        words.append(_("name or USCC contains “%(q)s”") % {"q": filters.q})
    if filters.locality:
        words.append(
            _("local enterprises") if filters.locality == "local" else _("external enterprises")
        )
    if filters.county_code:
        words.append(_("county: %(c)s") % {"c": county_name(filters.county_code)})
    if filters.park_id:
        park = parks().filter(pk=filters.park_id).first()
        words.append(_("park: %(p)s") % {"p": park.name if park else filters.park_id})
    if filters.title:
        words.append(_("holding %(t)s in force today") % {"t": TitleKind(filters.title).label})
    if filters.size_band:
        words.append(_("size: %(s)s") % {"s": SizeBand(filters.size_band).label})
    if filters.status:
        labels = dict(EnterpriseStatus.choices)
        words.append(_("status: %(s)s") % {"s": labels.get(filters.status, filters.status)})
    if filters.tag:
        words.append(_("tag: %(t)s") % {"t": filters.tag})
    if filters.synthetic:
        words.append(
            _("synthetic demo records only")
            if filters.synthetic == "synthetic"
            else _("real records only")
        )
    if filters.import_id:
        words.append(_("written by import #%(n)s") % {"n": filters.import_id})
    if filters.facts_year:
        words.append(_("with yearly facts for %(y)s") % {"y": filters.facts_year})
    for name, value in filters.extra:
        words.append(LIST_FILTERS[name].describe(value))
    return words


def _ordering(sort: str) -> list[Any]:
    """ORDER BY terms: the sort column (unknown figures last either way), then id.

    NULLS LAST is written only for nullable columns: on a NOT NULL column it changes nothing but
    stops SQLite from walking the (deleted_at, name, id) index. "-revenue" (the default) is served
    by the (deleted_at, latest_revenue DESC, id) index: in SQLite a DESC scan puts NULLs last.
    """
    order = SORTS[sort]
    name = order.lstrip("-")
    column = F(name)
    nullable = Enterprise._meta.get_field(name).null
    nulls: dict[str, bool] = {"nulls_last": True} if nullable else {}
    return [column.desc(**nulls) if order.startswith("-") else column.asc(**nulls), "id"]


# --- change stamp, cached counts and pages -------------------------------------------------------


def registry_stamp() -> str:
    """Changes whenever enterprise data may have changed: the key of cached registry figures.

    One small query (max ids and import times, all from indexes or small tables), once per
    request: every edit, delete, restore and merge writes an audit event on a registry record;
    every import creates a batch and stamps its apply and revert; records, yearly facts, titles
    and tags created without either raise their table's max id. Audit events on other apps' records (a project moved, a user changed) do
    not move it, so they do not throw away the registry's, the atlas's or the targets' caches.
    """

    def build() -> str:
        ent, audit, batch = (m._meta.db_table for m in (Enterprise, AuditEvent, ImportBatch))
        rows = [m._meta.db_table for m in (EnterpriseYearFacts, TitleHeld, EnterpriseTag)]
        types = [m._meta.label_lower for m in apps.get_app_config("registry").get_models()]
        marks = ", ".join(["%s"] * len(types))
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT (SELECT MAX(id) FROM "{ent}"), '
                + "".join(f'(SELECT MAX(id) FROM "{table}"), ' for table in rows)
                + f'(SELECT MAX(id) FROM "{audit}" WHERE target_type IN ({marks})), '
                f'(SELECT MAX(id) FROM "{batch}"), (SELECT MAX(applied_at) FROM "{batch}"), '
                f'(SELECT MAX(reverted_at) FROM "{batch}")',
                types,
            )
            row = cursor.fetchone()
        return "|".join(map(str, row))

    return per_request("registry:stamp", build)


def under_registry_stamp(name: str, build: Callable[[], T], *parts: Any) -> T:
    """build() cached under the registry's change stamp (and parts): figures over many rows that
    change only when enterprise data do (e.g. the home page's headline counts)."""
    key = _stamped_key(name, *parts)
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, CACHE_SECONDS)
    return found  # type: ignore[no-any-return]


def _stamped_key(name: str, *parts: Any) -> str:
    raw = "|".join([registry_stamp(), *map(str, parts)])
    return f"registry:{name}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


CACHE_SECONDS = 3600


class EnterprisePaginator(Paginator):
    """Pages of the registry list that stay fast at 303,000 rows.

    The count is cached under the registry's change stamp and the filters (a COUNT over the whole
    registry costs a scan); a page first reads only the ids of its rows (walking a covering index
    past OFFSET instead of whole rows), then the rows themselves by id.
    """

    def __init__(self, queryset: QuerySet[Enterprise], per_page: int, filters: EnterpriseFilters):
        super().__init__(queryset, per_page)
        self.queryset = queryset
        self.filters = filters

    @property
    def count(self) -> int:  # type: ignore[override]
        if not hasattr(self, "_count"):
            key = _stamped_key("count", self.filters)
            found = cache.get(key)
            if found is None:
                found = self.queryset.count()
                cache.set(key, found, CACHE_SECONDS)
            self._count = int(found)
        return self._count

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = list(self.queryset.values_list("pk", flat=True)[bottom:top])
        rows = Enterprise.all_objects.select_related("park").in_bulk(ids)
        return Page([rows[i] for i in ids if i in rows], number, self)


def enterprise_page(filters: EnterpriseFilters, number: Any, per_page: int = 50) -> Page:
    """One page of the filtered, sorted list (an invalid page number gives the nearest page)."""
    return EnterprisePaginator(enterprise_list(filters), per_page, filters).get_page(number)


def county_options() -> list[dict[str, Any]]:
    """Counties present in the registry, grouped by province and city, in code order.

    [{"label": "浙江省金华市", "counties": [(code, name), …]}, …]. Cached under the registry's
    change stamp; building it walks only the county-code index (one GROUP BY of codes) and reads
    one row per county for the names, never a GROUP BY of names over every row.
    """
    key = county_options_key()
    found = _COUNTIES.get(key)
    if found is None:
        found = cache.get(key)
        if found is None:
            found = _build_county_options()
            cache.set(key, found, CACHE_SECONDS)
        _COUNTIES.clear()  # one stamp at a time: older ones are never asked for again
        _COUNTIES[key] = found
    return found


def county_options_key() -> str:
    """Names the current county options (moves with the registry stamp), e.g. for their HTML."""
    return _stamped_key("counties-v2")


# This process's county options under the current stamp (shared by requests: never changed).
_COUNTIES: dict[str, list[dict[str, Any]]] = {}


def county_name(code: str) -> str:
    """'city county' for a county code present in the registry (the code itself otherwise)."""
    for group in county_options():
        for county_code, county in group["counties"]:
            if county_code == code:
                return region_label(group["city"], county)
    return code


def _build_county_options() -> list[dict[str, Any]]:
    sample_ids = (
        Enterprise.all_objects.exclude(county_code="")
        .order_by()
        .values("county_code")
        .annotate(sample=Min("id"))
        .values_list("sample", flat=True)
    )
    rows = sorted(
        Enterprise.all_objects.filter(pk__in=list(sample_ids)).values_list(
            "province_code", "province", "city_code", "city", "county_code", "county"
        ),
        key=lambda r: (r[0] or r[4][:2], r[2] or r[4][:4], r[4]),
    )
    groups: list[dict[str, Any]] = []
    for province_code, province, city_code, city, code, county in rows:
        key = (province_code or code[:2], city_code or code[:4])
        if not groups or groups[-1]["key"] != key:
            label = region_label(province, city)  # 北京市, not 北京市北京市
            groups.append({"key": key, "label": label, "city": city, "counties": []})
        groups[-1]["counties"].append((code, county or code))
    return groups


def titles_in_force(enterprise: Enterprise, on: dt.date | None = None) -> list[TitleHeld]:
    """The enterprise's titles that are valid on a day."""
    day = on or timezone.localdate()
    return [t for t in enterprise.titles.all() if t.is_valid_on(day)]


def _field_value(field: Any, value: Any) -> str | None:
    """A stored change value as a person reads it: choice labels, 是/否, separators, ISO dates."""
    if value is None or value == "":
        return None
    if field is None:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("yes") if value in (True, "true", "True", 1) else _("no"))
    if isinstance(field, (models.DecimalField, models.FloatField)):
        try:
            # normalize(): PostgreSQL keeps the column's scale (1200.50), SQLite does not (1200.5);
            # a person reads the same figure either way.
            return f"{Decimal(str(value)).normalize():,f}"
        except InvalidOperation:
            return str(value)
    if isinstance(field, models.IntegerField) and not field.name.endswith("year"):
        try:
            return f"{int(value):,}"
        except (TypeError, ValueError):
            return str(value)
    if isinstance(field, models.ForeignKey):
        return f"#{value}"
    return str(value)


def describe_changes(
    model: type[models.Model], changes: list[tuple[str, Any, Any]]
) -> list[tuple[str, str | None, str | None]]:
    """(field's verbose name, before, after) in the active language, never the column name."""
    out = []
    for name, before, after in changes:
        try:
            field: Any = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        label = str(field.verbose_name) if field is not None else name.replace("_", " ")
        out.append((label, _field_value(field, before), _field_value(field, after)))
    return out


def enterprise_history(enterprise: Enterprise) -> list[dict[str, Any]]:
    """Every recorded change of a record: edits, deletes, merges, and import updates, newest first."""
    entries: list[dict[str, Any]] = []
    fact_ids = list(enterprise.year_facts.values_list("pk", flat=True))
    events = AuditEvent.objects.filter(
        Q(target_type="registry.enterprise", target_id=str(enterprise.pk))
        | Q(target_type="registry.enterpriseyearfacts", target_id__in=[str(i) for i in fact_ids])
    ).select_related("actor")
    for event in events:
        entries.append(
            {
                "at": event.at,
                "who": event.actor,
                "action": event.get_action_display(),
                "source": channel_label(event.source),
                "note": event.note,
                "changes": describe_changes(
                    EnterpriseYearFacts
                    if event.target_type == "registry.enterpriseyearfacts"
                    else Enterprise,
                    event.changed_fields(),
                ),
            }
        )
    changes = ImportChange.objects.filter(
        Q(record_type="enterprise", record_id=enterprise.pk)
        | Q(record_type="facts", record_id__in=fact_ids)
    ).select_related("batch", "batch__applied_by")
    for change in changes:
        batch = change.batch
        keys = sorted(set(change.before) | set(change.after))
        entries.append(
            {
                "at": batch.applied_at or batch.created_at,
                "who": batch.applied_by,
                "action": "import",
                "source": channel_label(batch.source),
                "note": f"#{batch.pk} {batch.filename}",
                "batch": batch,
                "changes": describe_changes(
                    EnterpriseYearFacts if change.record_type == "facts" else Enterprise,
                    [(k, change.before.get(k), change.after.get(k)) for k in keys],
                ),
            }
        )
    if enterprise.created_by_import_id:
        creator = ImportBatch.objects.filter(pk=enterprise.created_by_import_id).first()
        if creator:
            entries.append(
                {
                    "at": creator.applied_at or creator.created_at,
                    "who": creator.applied_by,
                    "action": "import_create",
                    "source": channel_label(creator.source),
                    "note": f"#{creator.pk} {creator.filename}",
                    "batch": creator,
                    "changes": [],
                }
            )
    return sorted(entries, key=lambda e: e["at"], reverse=True)


def deleted_enterprises() -> QuerySet[Enterprise]:
    """Soft-deleted enterprises, most recently deleted first (for restore)."""
    return Enterprise.all_objects.filter(deleted_at__isnull=False).order_by("-deleted_at")


def merge_candidates(enterprise: Enterprise) -> QuerySet[Enterprise]:
    """Records with a USCC and the same name, to merge a USCC-less record into."""
    return (
        Enterprise.objects.filter(name=enterprise.name)
        .exclude(pk=enterprise.pk)
        .exclude(uscc__isnull=True)
    )


def written_by_import(batch_id: int) -> QuerySet[Enterprise]:
    """Every enterprise (deleted ones too) an import created or updated, or whose facts it wrote."""
    changes = ImportChange.objects.filter(batch_id=batch_id)
    facts = EnterpriseYearFacts.objects.filter(
        Q(created_by_import_id=batch_id)
        | Q(pk__in=changes.filter(record_type="facts").values("record_id"))
    ).values("enterprise_id")
    return Enterprise.all_objects.filter(
        Q(created_by_import_id=batch_id)
        | Q(pk__in=changes.filter(record_type="enterprise").values("record_id"))
        | Q(pk__in=facts)
    )


CLASSIFIED_TEXTS = ("name", "business_scope", "main_products")  # what the atlas classifier reads


def texts_written_by_import(batch_id: int) -> Iterator[int]:
    """Ids of the enterprises an import created, or whose name or texts it changed."""
    created = Enterprise.all_objects.filter(created_by_import_id=batch_id)
    yield from created.values_list("pk", flat=True).iterator(chunk_size=5000)
    changes = ImportChange.objects.filter(batch_id=batch_id, record_type="enterprise")
    for record_id, before in changes.values_list("record_id", "before").iterator(chunk_size=5000):
        if any(key in before for key in CLASSIFIED_TEXTS):
            yield record_id


def get_enterprise(pk: int, include_deleted: bool = False) -> Enterprise:
    """One enterprise with its related rows, or a 404 DomainError."""
    from corridor.errors import NotFound

    manager = Enterprise.all_objects if include_deleted else Enterprise.objects
    ent = (
        manager.select_related("park")
        .prefetch_related("titles", "tags", "ip_holdings", "rd_platforms")
        .filter(pk=pk)
        .first()
    )
    if ent is None:
        raise NotFound(_("No such enterprise."))
    return ent


def year_facts_of(enterprise: Enterprise) -> list:
    """The enterprise's yearly facts, oldest first."""
    return list(enterprise.year_facts.order_by("year"))


def parks() -> QuerySet:
    """All parks, for filters."""
    from corridor.parks.models import Park

    return Park.objects.all()


def ip_by_year(enterprise: Enterprise) -> list[dict[str, Any]]:
    """IP holdings grouped by year with Class I and Class II totals."""
    rows: dict[int, dict[str, Any]] = {}
    for holding in enterprise.ip_holdings.all():
        row = rows.setdefault(
            holding.year, {"year": holding.year, "class_i": 0, "class_ii": 0, "items": []}
        )
        row["class_i" if holding.ip_class == "I" else "class_ii"] += holding.count
        row["items"].append(holding)
    return [rows[y] for y in sorted(rows, reverse=True)]


def enterprises_named(spellings: set[str], limit: int = 2) -> list[Enterprise]:
    """Live enterprises registered under one of these exact names (at most limit, by id)."""
    return list(Enterprise.objects.filter(name__in=spellings).order_by("pk")[:limit])


def find_enterprise(key: str) -> Enterprise | None:
    """A live enterprise by USCC, or by record id when the key is all digits and short."""
    key = key.strip().upper()
    qs = Enterprise.objects.filter(deleted_at__isnull=True)
    record = ascii_int(key) if len(key) < 12 else None
    if record is not None:
        return qs.filter(pk=record).first()
    return qs.filter(uscc=key).first()


def enterprise_with_uscc(uscc: str) -> Enterprise | None:
    """The live enterprise registered under a USCC, or None."""
    return Enterprise.objects.filter(uscc=uscc).first()


def enterprises_written_by_import(batch_id: int) -> Iterator[int]:
    """Ids of every enterprise an import created or whose record or yearly facts it wrote."""
    yield from (
        Enterprise.all_objects.filter(created_by_import_id=batch_id)
        .values_list("pk", flat=True)
        .iterator(chunk_size=5000)
    )
    changes = ImportChange.objects.filter(batch_id=batch_id)
    yield from (
        changes.filter(record_type="enterprise")
        .values_list("record_id", flat=True)
        .iterator(chunk_size=5000)
    )
    facts = changes.filter(record_type="facts").values("record_id")
    for rows in (
        EnterpriseYearFacts.objects.filter(created_by_import_id=batch_id),
        EnterpriseYearFacts.objects.filter(pk__in=facts),
    ):
        yield from rows.values_list("enterprise_id", flat=True).iterator(chunk_size=5000)


def live_enterprise_ids() -> list[int]:
    """The ids of every live enterprise, ascending (a batch over the registry walks these)."""
    return list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))


QUALIFICATION_FACTS = (
    "revenue",
    "main_business_revenue",
    "total_costs",
    "rd_expense",
    "rd_expense_domestic",
    "total_assets",
    "total_liabilities",
    "employees",
    "rd_staff",
    "high_tech_income",
    "new_equity_financing",
)


def ids_condition(field: str, ids: list[int]) -> Q:
    """`field IN ids` for a few ids; for many, the range they span (callers keep only theirs): a
    5,000-item IN list costs Django more to compile than the query costs SQLite to run."""
    if len(ids) <= 500:
        return Q(**{f"{field}__in": ids})
    return Q(**{f"{field}__gte": min(ids), f"{field}__lte": max(ids)})


def qualification_inputs(
    enterprise_ids: list[int], first_year: int | None = None, last_year: int | None = None
) -> dict[int, dict[str, Any]]:
    """What qualification reads of each live enterprise, as plain values, in five queries.

    Per id: name, established_on, industry_code, park_id, county_code, size_band, facts source;
    year_facts [{year, <fact>: float|int}] (missing figures left out, never 0, within the years if
    given); ip [{year, kind, count}]; titles [{title, level, issued_on, expires_on}]; platforms
    [{kind, level, year}]. Money is in 万元 as the registry stores it.
    """
    found: dict[int, dict[str, Any]] = {}
    wanted = set(enterprise_ids)
    for row in Enterprise.objects.filter(ids_condition("pk", enterprise_ids)).values(
        "pk", "name", "established_on", "industry_code", "park_id", "county_code", "size_band"
    ):
        base: dict[str, Any] = dict(row)
        pk: int = base.pop("pk")
        if pk not in wanted:
            continue
        found[pk] = {**base, "year_facts": [], "ip": [], "titles": [], "platforms": []}
    ids = sorted(found)
    facts = EnterpriseYearFacts.objects.filter(ids_condition("enterprise_id", ids))
    if first_year is not None:
        facts = facts.filter(year__gte=first_year)
    if last_year is not None:
        facts = facts.filter(year__lte=last_year)
    names = QUALIFICATION_FACTS
    for values in facts.order_by("enterprise_id", "year").values_list(
        "enterprise_id", "year", "source", *names
    ):
        if values[0] not in found:
            continue
        year_row: dict[str, Any] = {"year": values[1]}
        for name, value in zip(names, values[3:], strict=True):
            if value is not None:
                year_row[name] = float(value) if isinstance(value, Decimal) else value
        found[values[0]]["year_facts"].append(year_row)
        if values[2]:
            found[values[0]]["source"] = values[2]
    tables: list[tuple[Any, str, tuple[str, ...]]] = [
        (IPHolding, "ip", ("year", "kind", "count")),
        (TitleHeld, "titles", ("title", "level", "issued_on", "expires_on")),
        (RDPlatform, "platforms", ("kind", "level", "year")),
    ]
    for model, key, fields in tables:
        for values in model.objects.filter(ids_condition("enterprise_id", ids)).values_list(
            "enterprise_id", *fields
        ):
            if values[0] in found:
                found[values[0]][key].append(dict(zip(fields, values[1:], strict=True)))
    return found
