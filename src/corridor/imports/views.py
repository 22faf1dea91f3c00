"""The import pages, one set for every kind: list and upload, preview and mapping, report, apply, revert."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corridor.core.tasks import read_progress, task_state, workers_running
from corridor.core.views import SignedInRequest
from corridor.errors import Conflict, DomainError, PermissionDenied
from corridor.imports import exporting, selectors, services
from corridor.imports.forms import ApplyForm, RevertForm, UploadForm, mapping_form_class
from corridor.imports.models import ImportBatch, ImportStatus
from corridor.imports.seam import Importer, kinds

EDITABLE = (ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.FAILED)


def _importer(request: SignedInRequest, kind: str, revert: bool = False) -> Importer:
    """The kind's importer, if the user may import (or revert) that kind."""
    importer = services.importer_of(kind)
    needed = importer.revert_permission if revert else importer.import_permission
    if not request.user.has_perm(needed):
        raise PermissionDenied(_("You may not import this kind of data."))
    return importer


def _batch(request: SignedInRequest, pk: int, revert: bool = False) -> tuple[ImportBatch, Importer]:
    """The import (given up as failed if its job died) and its kind's importer."""
    batch = selectors.get_import(pk)
    importer = _importer(request, batch.kind, revert)
    return services.fail_if_lost(batch), importer


def _progress_context(batch: ImportBatch) -> dict[str, Any]:
    """Progress of an applying import; whether its job still waits and no worker runs to take it."""
    waiting = (
        batch.status == ImportStatus.APPLYING
        and bool(batch.task_id)
        and task_state(batch.task_id).status == "queued"
    )
    return {
        "progress": read_progress(services.progress_key(batch)),
        "waiting": waiting,
        "no_worker": waiting and workers_running() == 0,
    }


def _permitted_kinds(request: SignedInRequest) -> list[tuple[str, Any]]:
    """(kind, page title) of every kind this user may import, for the tabs."""
    out = []
    for kind in kinds():
        importer = services.importer_of(kind)
        if request.user.has_perm(importer.import_permission):
            out.append((kind, importer.label))
    return out


@login_required
def batch_list(request: SignedInRequest, kind: str) -> HttpResponse:
    """Past imports of one kind and the upload form."""
    importer = _importer(request, kind)
    page = Paginator(selectors.import_list(kind), 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": UploadForm(),
        "importer": importer,
        "kind": kind,
        "kinds": _permitted_kinds(request),
    }
    return render(request, "imports/list.html", context)


@login_required
@require_POST
def upload(request: SignedInRequest, kind: str) -> HttpResponse:
    """Receive a file; rejected files get a specific message and leave nothing behind."""
    _importer(request, kind)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(map(str, errors)))
        return redirect("imports:list", kind=kind)
    stream, year = form.cleaned_data["file"], form.cleaned_data.get("year")
    options = {"year": year} if year else {}
    batch = services.receive_upload(stream, stream.name, request.user, kind, options=options)
    return redirect("imports:detail", pk=batch.pk)


def _mapping_context(batch: ImportBatch, importer: Importer) -> dict[str, Any]:
    """The preview: detected header, the editable mapping and the first rows as they will be stored."""
    inspection = services.inspect_batch(batch)
    labels = inspection.layout.labels
    form_class = mapping_form_class(labels, importer.columns)
    initial: dict[str, Any] = {
        f"col_{i}": inspection.mapping.get(i, "") for i in range(len(labels))
    }
    initial |= {
        "money_unit": batch.options.get("money_unit", "1"),
        "accept_warnings": batch.options.get("accept_warnings", False),
        "year": batch.options.get("year"),
    }
    form = form_class(initial=initial)
    return {
        "inspection": inspection,
        "mapping_form": form,
        "mapping_rows": [(label, form[f"col_{i}"]) for i, label in enumerate(labels)],
        **_sample(inspection, importer),
    }


def _sample(inspection: services.Inspection, importer: Importer) -> dict[str, Any]:
    """Preview rows as (row number, values in field order, issues)."""
    order = [f.name for f in importer.columns]
    by_name = {f.name: f for f in importer.columns}
    fields = sorted(set(inspection.mapping.values()), key=order.index)
    rows = [(r.row, [r.values.get(f) for f in fields], r.issues) for r in inspection.sample]
    chinese = (get_language() or "").startswith("zh")
    labels = [by_name[f].label_zh if chinese else by_name[f].label_en for f in fields]
    return {"sample_fields": labels, "sample_rows": rows}


@login_required
def detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """Preview, mapping, the validation report, apply, and after apply the records and revert."""
    batch, importer = _batch(request, pk)
    context: dict[str, Any] = {
        "batch": batch,
        "importer": importer,
        "apply_form": ApplyForm(initial={"mode": batch.mode}),
        "earlier": list(selectors.earlier_imports(batch)[:5]),
        "may_revert": request.user.has_perm(importer.revert_permission),
    }
    if batch.status in EDITABLE:
        context |= _mapping_context(batch, importer)
    if batch.status in (ImportStatus.APPLIED, ImportStatus.REVERTED):
        context["records"] = importer.record_links(batch)
        context["records_url"] = importer.records_url(batch)
    if batch.status == ImportStatus.APPLIED:
        edited_count = importer.edited_after_count(batch)
        context["edited_count"] = edited_count
        context["edited"] = importer.edited_after(batch) if edited_count else []
        context["revert_form"] = RevertForm()
    severity = request.GET.get("severity", "")
    context["issues"] = Paginator(selectors.import_issues(batch, severity), 100).get_page(
        request.GET.get("page")
    )
    context["severity"] = severity
    context |= _progress_context(batch)
    return render(request, "imports/detail.html", context)


@login_required
@require_POST
def choose_sheet(request: SignedInRequest, pk: int) -> HttpResponse:
    """Import another sheet of the workbook; an unknown one is named in a message, nothing saved."""
    batch, _importer_ = _batch(request, pk)
    try:
        services.choose_sheet(batch, request.POST.get("sheet", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("imports:detail", pk=pk)


@login_required
@require_POST
def validate(request: SignedInRequest, pk: int) -> HttpResponse:
    """Save the mapping and options, then validate every row (nothing is applied)."""
    batch, importer = _batch(request, pk)
    inspection = services.inspect_batch(batch)
    labels = inspection.layout.labels
    form = mapping_form_class(labels, importer.columns)(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(map(str, errors)))
        return redirect("imports:detail", pk=pk)
    mapping = {i: form.cleaned_data[f"col_{i}"] for i in range(len(labels))}
    options = {
        "money_unit": form.cleaned_data["money_unit"],
        "accept_warnings": form.cleaned_data["accept_warnings"],
        "year": form.cleaned_data.get("year"),
    }
    services.set_mapping(batch, mapping, options)
    services.validate_batch(batch, actor=request.user)
    messages.success(request, _("Validated. Read the report, then apply."))
    return redirect("imports:detail", pk=pk)


@login_required
@require_POST
def apply(request: SignedInRequest, pk: int) -> HttpResponse:
    """Queue the import's apply for the worker; the page polls its progress."""
    batch, _importer_ = _batch(request, pk)
    mode = services.checked_mode(request.POST.get("mode") or batch.mode)
    try:
        services.queue_apply(batch, request.user, mode)
    except Conflict as exc:  # e.g. applied twice from two tabs
        messages.error(request, exc.message)
    return redirect("imports:detail", pk=pk)


@login_required
def progress(request: SignedInRequest, pk: int) -> HttpResponse:
    """HTMX partial: progress while applying; tells the page to reload when done."""
    batch, _importer_ = _batch(request, pk)
    response = render(
        request,
        "imports/_progress.html",
        {"batch": batch, **_progress_context(batch)},
    )
    if batch.status != ImportStatus.APPLYING:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def revert(request: SignedInRequest, pk: int) -> HttpResponse:
    """Undo an applied import; records edited since need the explicit confirmation."""
    batch, importer = _batch(request, pk, revert=True)
    form = RevertForm(request.POST)
    confirmed = form.is_valid() and form.cleaned_data["confirm_edited"]
    services.revert_batch(batch, request.user, confirm_edited=confirmed)
    messages.success(request, _("Import reverted."))
    return redirect("imports:detail", pk=pk)


@login_required
def template(request: SignedInRequest, kind: str) -> HttpResponseBase:
    """A blank XLSX with every importable column of the kind, Chinese headers."""
    importer = _importer(request, kind)
    name = f"corridor-{kind}-template.xlsx"
    return FileResponse(importer.template(), as_attachment=True, filename=name)


@login_required
def report(request: SignedInRequest, pk: int) -> HttpResponseBase:
    """The validation report as CSV (row, column, value, reason)."""
    batch, _importer_ = _batch(request, pk)
    response = StreamingHttpResponse(
        exporting.issues_csv(selectors.import_issues(batch)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.csv"'
    return response
