"""The registry's importer at the intake wing's seam: enterprises and their yearly facts.

Reading is corridor.registry.parsing (Django-free, so a large file is parsed in a child process);
writing is corridor.registry.bulk (raw SQL in chunks, before-images kept for revert). A revert
restores the before-images, soft-deletes what the import created and removes the yearly facts it
created, all by the import's id rather than by lists of ids, so it works at any size.
"""

from __future__ import annotations

from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corridor.accounts import selectors as audit
from corridor.engine.sheets.cells import ERROR, Issue
from corridor.imports.models import ImportBatch, ImportChange, ImportStatus
from corridor.imports.seam import EditedRecord, Importer, RecordLink, WriteResult
from corridor.registry import permissions as perms
from corridor.registry import selectors, services
from corridor.registry.bulk import BulkWriter, refresh_latest_facts
from corridor.registry.columns import ENTERPRISE_FIELDS, FIELDS_BY_NAME
from corridor.registry.models import Enterprise, EnterpriseYearFacts
from corridor.registry.parsing import USCC, UpsertRow, parse_chunks

REVERT_CHUNK = 2000  # before-images restored and facts deleted per statement batch


class _Writer:
    """The bulk writer at the seam; it refuses a row only when it would create a nameless record
    (a row may leave the name empty to update the record its USCC names, not to create one)."""

    def __init__(self, batch: ImportBatch) -> None:
        self.bulk = BulkWriter(batch_id=batch.pk)

    def write(self, records: list[UpsertRow]) -> list[tuple[bool, list[Issue]]]:
        self.bulk.write(records)
        return [(False, [_nameless(record)]) for record in self.bulk.refused]

    def finish(self) -> WriteResult:
        result = self.bulk.finish()
        return WriteResult(result.created, result.updated, result.facts_written)


def _nameless(record: UpsertRow) -> Issue:
    code = record.enterprise[USCC]
    return Issue(
        record.row,
        FIELDS_BY_NAME["name"].label_zh,
        "",
        "name_required",
        f"no enterprise has USCC {code} yet, and a new one needs a name",
        ERROR,
        {"uscc": code},
    )


class EnterpriseImporter(Importer):
    """Enterprises and yearly facts, upserted by USCC (or exact name), in bulk."""

    kind = "enterprises"
    label = _("Import enterprise data")
    description = _(
        "XLSX, XLS or CSV (UTF-8, UTF-8 with BOM, GBK/GB18030); Chinese or English headers. Rows are "
        "matched by USCC: existing enterprises are updated, new ones created. Nothing changes until "
        "you apply, and an applied import can be reverted."
    )
    columns = ENTERPRISE_FIELDS
    import_permission = perms.IMPORT_ENTERPRISES
    revert_permission = perms.REVERT_IMPORT
    parse = staticmethod(parse_chunks)
    records_name = _("enterprises")
    details_label = _("yearly facts written")

    def lookups(self) -> dict[str, Any]:
        return {
            "parks": dict(selectors.parks().values_list("name", "pk")),
            "district": settings.CORRIDOR_DISTRICT_COUNTY_CODE,
        }

    def writer(self, batch: ImportBatch, actor: User | None) -> _Writer:
        return _Writer(batch)

    def changed_by_later_imports(self, batch: ImportBatch) -> bool:
        later = ImportBatch.objects.filter(
            kind=self.kind, status=ImportStatus.APPLIED, applied_at__gt=batch.applied_at
        )
        created = Enterprise.all_objects.filter(created_by_import=batch).values("pk")
        return (
            ImportChange.objects.filter(batch__in=later)
            .filter(
                Q(record_id__in=batch.changes.values("record_id"))
                | Q(record_type="enterprise", record_id__in=created)
            )
            .exists()
        )

    def _edited_ids(self, batch: ImportBatch) -> set[int]:
        """What people changed after the apply (a later save moves updated_at past applied_at).

        Three narrow queries (created by the import, updated by it, its yearly facts), each led by
        an index, rather than one OR over all of them: a page of a 300,000-row import stays fast."""
        after = batch.applied_at
        changed = batch.changes.filter(record_type="enterprise").values("record_id")
        changed_facts = batch.changes.filter(record_type="facts").values("record_id")
        live = Enterprise.all_objects
        ids = set(
            live.filter(created_by_import=batch, updated_at__gt=after).values_list("pk", flat=True)
        )
        ids |= set(live.filter(pk__in=changed, updated_at__gt=after).values_list("pk", flat=True))
        for facts in (
            EnterpriseYearFacts.objects.filter(created_by_import=batch),
            EnterpriseYearFacts.objects.filter(pk__in=changed_facts),
        ):
            ids |= set(facts.filter(updated_at__gt=after).values_list("enterprise_id", flat=True))
        return ids

    def edited_after_count(self, batch: ImportBatch) -> int:
        return len(self._edited_ids(batch)) if batch.applied_at else 0

    def edited_after(self, batch: ImportBatch, limit: int = 50) -> list[EditedRecord]:
        if not batch.applied_at:
            return []
        ids = sorted(self._edited_ids(batch))[:REVERT_CHUNK]  # enough to list the newest `limit`
        records = list(
            Enterprise.all_objects.filter(pk__in=ids).order_by("-updated_at", "-pk")[:limit]
        )
        events = audit.latest_events("registry.enterprise", [e.pk for e in records])
        out = []
        for ent in records:
            event = events.get(ent.pk)
            out.append(
                EditedRecord(
                    ent.name,
                    reverse("registry:detail", args=[ent.pk]),
                    event.at if event else ent.updated_at,
                    event.actor.username if event and event.actor else "—",
                    event.get_action_display() if event else "",
                )
            )
        return out

    def record_links(self, batch: ImportBatch, limit: int = 20) -> list[RecordLink]:
        """The first records it created, then the first it updated (each query led by an index)."""
        created = list(
            Enterprise.all_objects.filter(created_by_import=batch).order_by("pk")[:limit]
        )
        updated: list[Enterprise] = []
        if len(created) < limit:
            changed = batch.changes.filter(record_type="enterprise").values("record_id")
            updated = list(
                Enterprise.all_objects.filter(pk__in=changed).order_by("pk")[: limit - len(created)]
            )
        return [
            RecordLink(e.name, reverse("registry:detail", args=[e.pk]), e in created)
            for e in created + updated
        ]

    def records_url(self, batch: ImportBatch) -> str:
        return reverse("registry:list") + f"?import={batch.pk}"

    def revert(self, batch: ImportBatch, actor: User | None) -> int:
        _restore_before_images(batch)
        touched = list(
            selectors.written_by_import(batch.pk)
            .values_list("pk", flat=True)
            .iterator(chunk_size=5000)
        )
        facts = EnterpriseYearFacts.objects.filter(created_by_import=batch)
        while ids := list(facts.values_list("pk", flat=True)[:REVERT_CHUNK]):
            EnterpriseYearFacts.objects.filter(pk__in=ids).delete()
        removed = Enterprise.all_objects.filter(
            created_by_import=batch, deleted_at__isnull=True
        ).update(deleted_at=timezone.now())
        refresh_latest_facts(touched)
        return removed

    def template(self) -> IO[bytes]:
        from corridor.registry.exporting import template_file

        return template_file()

    def after_apply(self, batch: ImportBatch) -> None:
        """Classify what the import created, and what it changed the name or texts of; tell the
        followers of figures every enterprise it wrote."""
        services.announce_enterprises_changed(selectors.texts_written_by_import(batch.pk))
        services.announce_facts_changed(selectors.enterprises_written_by_import(batch.pk))

    def after_revert(self, batch: ImportBatch) -> None:
        """Restored and removed records follow on the atlas and in qualification too."""
        services.announce_enterprises_changed(selectors.texts_written_by_import(batch.pk))
        services.announce_facts_changed(selectors.enterprises_written_by_import(batch.pk))


def _restore_before_images(batch: ImportBatch) -> None:
    """Put back what the import overwrote, in chunks of before-images."""
    managers = {"enterprise": Enterprise.all_objects, "facts": EnterpriseYearFacts.objects}
    for change in batch.changes.all().iterator(chunk_size=REVERT_CHUNK):
        managers[change.record_type].filter(pk=change.record_id).update(**change.before)
