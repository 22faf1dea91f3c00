"""Registry pages: list with filters and export, detail with history, edit, delete/restore, merge, imports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corridor.core.tasks import read_progress, run_task
from corridor.core.views import SignedInRequest
from corridor.core.views import perm_required as _perm
from corridor.errors import ValidationFailed
from corridor.imports.models import ImportStatus
from corridor.registry import charts, exporting, importing, selectors, services
from corridor.registry import permissions as perms
from corridor.registry.columns import ENTERPRISE_FIELDS, FIELDS_BY_NAME
from corridor.registry.forms import ApplyForm, EnterpriseForm, UploadForm, mapping_form_class
from corridor.registry.models import SizeBand, TitleKind

PAGE_SIZE = 50
FIELD_ORDER = [f.name for f in ENTERPRISE_FIELDS]


@login_required
@_perm(perms.VIEW_ENTERPRISE)
def enterprise_list(request: SignedInRequest) -> HttpResponse:
    """Search, filter, sort and page the registry."""
    filters = selectors.EnterpriseFilters.from_query(request.GET)
    page = Paginator(selectors.enterprise_list(filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filters": filters,
        "counties": selectors.county_options(),
        "parks": selectors.parks(),
        "titles": TitleKind.choices,
        "sizes": SizeBand.choices,
        "query": request.GET.urlencode(),
    }
    template = "registry/_table.html" if request.headers.get("HX-Request") else "registry/list.html"
    return render(request, template, context)


@login_required
@_perm(perms.EXPORT_ENTERPRISES)
def enterprise_export(request: SignedInRequest) -> HttpResponseBase:
    """Export exactly the filtered list as XLSX (default) or CSV."""
    filters = selectors.EnterpriseFilters.from_query(request.GET)
    qs = selectors.enterprise_list(filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(
            exporting.csv_stream(qs), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="enterprises-{stamp}.csv"'
        return response
    note = _("Filters: %(q)s") % {"q": request.GET.urlencode() or _("none")}
    return FileResponse(
        exporting.xlsx_file(qs, note), as_attachment=True, filename=f"enterprises-{stamp}.xlsx"
    )


@login_required
@_perm(perms.VIEW_ENTERPRISE)
def enterprise_detail(request: SignedInRequest, pk: int) -> HttpResponseBase:
    """One enterprise: facts with chart, titles, IP, platforms, tags and full change history."""
    can_see_deleted = request.user.has_perm(perms.RESTORE_ENTERPRISE)
    ent = selectors.get_enterprise(pk, include_deleted=can_see_deleted)
    facts = selectors.year_facts_of(ent)
    chart = charts.facts_chart(
        [f.year for f in facts],
        {
            _("Revenue"): [_f(f.revenue) for f in facts],
            _("R&D expense"): [_f(f.rd_expense) for f in facts],
            _("Tax paid"): [_f(f.tax_paid) for f in facts],
        },
        [f.employees for f in facts],
        _("10k yuan"),
        _("Employees"),
    )
    context = {
        "ent": ent,
        "facts": facts,
        "chart": chart,
        "titles_now": selectors.titles_in_force(ent),
        "ip_years": selectors.ip_by_year(ent),
        "history": selectors.enterprise_history(ent),
        "merge_candidates": selectors.merge_candidates(ent) if not ent.uscc else [],
    }
    return render(request, "registry/detail.html", context)


def _f(value):  # type: ignore[no-untyped-def]
    return float(value) if value is not None else None


@login_required
@_perm(perms.CHANGE_ENTERPRISE)
def enterprise_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    """Edit an enterprise; a USCC failing its checksum needs an explicit confirmation."""
    ent = selectors.get_enterprise(pk)
    form = EnterpriseForm(request.POST or None, instance=ent)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_enterprise(
                # A fresh copy: ModelForm validation has already written the new values onto `ent`,
                # and the audit trail needs the stored values as its "before" image.
                selectors.get_enterprise(pk),
                form.cleaned_data,
                request.user,
                confirm_checksum=form.cleaned_data["confirm_checksum"],
            )
        except ValidationFailed as exc:
            form.add_error(exc.details.get("field"), exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("registry:detail", pk=pk)
    return render(request, "registry/edit.html", {"form": form, "ent": ent})


@login_required
@_perm(perms.ADD_ENTERPRISE)
def enterprise_create(request: SignedInRequest) -> HttpResponse:
    """Add one enterprise by hand."""
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ent = services.create_enterprise(
                form.cleaned_data,
                request.user,
                confirm_checksum=form.cleaned_data["confirm_checksum"],
            )
        except ValidationFailed as exc:
            form.add_error(exc.details.get("field"), exc.message)
        else:
            messages.success(request, _("Enterprise added."))
            return redirect("registry:detail", pk=ent.pk)
    return render(request, "registry/edit.html", {"form": form, "ent": None})


@login_required
@_perm(perms.DELETE_ENTERPRISE)
@require_POST
def enterprise_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    """Soft-delete: the record leaves lists and can be restored."""
    services.soft_delete_enterprise(
        selectors.get_enterprise(pk), request.user, request.POST.get("reason", "")
    )
    messages.success(request, _("Deleted. An administrator can restore it from the deleted list."))
    return redirect("registry:list")


@login_required
@_perm(perms.RESTORE_ENTERPRISE)
def deleted_list(request: SignedInRequest) -> HttpResponse:
    """Soft-deleted enterprises, to restore."""
    page = Paginator(selectors.deleted_enterprises(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/deleted.html", {"page": page})


@login_required
@_perm(perms.RESTORE_ENTERPRISE)
@require_POST
def enterprise_restore(request: SignedInRequest, pk: int) -> HttpResponse:
    """Restore a soft-deleted enterprise."""
    services.restore_enterprise(pk, request.user)
    messages.success(request, _("Restored."))
    return redirect("registry:detail", pk=pk)


@login_required
@_perm(perms.MERGE_ENTERPRISE)
@require_POST
def enterprise_merge(request: SignedInRequest, pk: int) -> HttpResponse:
    """Merge this USCC-less record into the chosen record that has the USCC."""
    target = services.merge_into(pk, int(request.POST.get("target", "0") or 0), request.user)
    messages.success(request, _("Merged into this record."))
    return redirect("registry:detail", pk=target.pk)


# -- imports ----------------------------------------------------------------------------------


@login_required
@_perm(perms.IMPORT_ENTERPRISES)
def import_list(request: SignedInRequest) -> HttpResponse:
    """Past imports and the upload form."""
    page = Paginator(selectors.import_list(), 30).get_page(request.GET.get("page"))
    return render(request, "registry/imports.html", {"page": page, "form": UploadForm()})


@login_required
@_perm(perms.IMPORT_ENTERPRISES)
@require_POST
def import_upload(request: SignedInRequest) -> HttpResponse:
    """Receive a file; rejected files get a specific message and leave nothing behind."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("registry:import_list")
    upload = form.cleaned_data["file"]
    batch = importing.receive_upload(upload, upload.name, request.user, source="web")
    return redirect("registry:import_detail", pk=batch.pk)


@login_required
@_perm(perms.IMPORT_ENTERPRISES)
def import_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """Preview: detected header, the column mapping (editable), sample rows and the validation report."""
    batch = selectors.get_import(pk)
    context: dict = {"batch": batch, "apply_form": ApplyForm(initial={"mode": batch.mode})}
    if batch.status in (ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.FAILED):
        inspection = importing.inspect_batch(batch, sheet=request.GET.get("sheet"))
        form_class = mapping_form_class(inspection.layout.labels)
        initial = {
            f"col_{i}": inspection.mapping.get(i, "") for i in range(len(inspection.layout.labels))
        }
        initial |= {
            "money_unit": batch.options.get("money_unit", "1"),
            "accept_warnings": batch.options.get("accept_warnings", False),
        }
        form = form_class(initial=initial)
        context |= {
            "inspection": inspection,
            "mapping_form": form,
            "mapping_rows": [
                (label, form[f"col_{i}"]) for i, label in enumerate(inspection.layout.labels)
            ],
            **_sample(inspection),
        }
    severity = request.GET.get("severity", "")
    context["issues"] = Paginator(selectors.import_issues(batch, severity), 100).get_page(
        request.GET.get("page")
    )
    context["severity"] = severity
    context["progress"] = read_progress(importing.progress_key(batch))
    return render(request, "registry/import_detail.html", context)


@login_required
@_perm(perms.IMPORT_ENTERPRISES)
@require_POST
def import_validate(request: SignedInRequest, pk: int) -> HttpResponse:
    """Save the mapping and options, then validate every row (nothing is applied)."""
    batch = selectors.get_import(pk)
    inspection = importing.inspect_batch(batch)
    form = mapping_form_class(inspection.layout.labels)(request.POST)
    if form.is_valid():
        mapping = {i: form.cleaned_data[f"col_{i}"] for i in range(len(inspection.layout.labels))}
        importing.set_mapping(
            batch,
            mapping,
            {
                "money_unit": form.cleaned_data["money_unit"],
                "accept_warnings": form.cleaned_data["accept_warnings"],
            },
        )
        importing.validate_batch(batch)
        messages.success(request, _("Validated. Read the report, then apply."))
    return redirect("registry:import_detail", pk=pk)


@login_required
@_perm(perms.IMPORT_ENTERPRISES)
@require_POST
def import_apply(request: SignedInRequest, pk: int) -> HttpResponse:
    """Apply the import as a task; the page polls its progress."""
    batch = selectors.get_import(pk)
    form = ApplyForm(request.POST)
    mode = form.cleaned_data["mode"] if form.is_valid() else batch.mode
    run_task(importing.apply_quietly, batch.pk, request.user.pk, mode)
    return redirect("registry:import_detail", pk=pk)


def _sample(inspection: importing.Inspection) -> dict:
    """Preview rows as (row number, values in field order, issues)."""
    fields = sorted(set(inspection.mapping.values()), key=FIELD_ORDER.index)
    rows = [(r.row, [r.values.get(f) for f in fields], r.issues) for r in inspection.sample]
    chinese = (get_language() or "").startswith("zh")
    labels = [FIELDS_BY_NAME[f].label_zh if chinese else FIELDS_BY_NAME[f].label_en for f in fields]
    return {"sample_fields": labels, "sample_rows": rows}


@login_required
@_perm(perms.IMPORT_ENTERPRISES)
def import_progress(request: SignedInRequest, pk: int) -> HttpResponse:
    """HTMX partial: progress while applying; tells the page to reload when done."""
    batch = selectors.get_import(pk)
    response = render(
        request,
        "registry/_import_progress.html",
        {"batch": batch, "progress": read_progress(importing.progress_key(batch))},
    )
    if batch.status != ImportStatus.APPLYING:
        response["HX-Refresh"] = "true"
    return response


@login_required
@_perm(perms.REVERT_IMPORT)
@require_POST
def import_revert(request: SignedInRequest, pk: int) -> HttpResponse:
    """Undo an applied import."""
    importing.revert_batch(selectors.get_import(pk), request.user)
    messages.success(request, _("Import reverted."))
    return redirect("registry:import_detail", pk=pk)


@login_required
@_perm(perms.IMPORT_ENTERPRISES)
def import_template(request: SignedInRequest) -> HttpResponseBase:
    """A blank XLSX with every importable column, Chinese headers."""
    return FileResponse(
        exporting.template_file(), as_attachment=True, filename="corridor-import-template.xlsx"
    )


@login_required
@_perm(perms.IMPORT_ENTERPRISES)
def import_report(request: SignedInRequest, pk: int) -> HttpResponseBase:
    """The validation report as CSV (row, column, value, reason)."""
    batch = selectors.get_import(pk)
    response = StreamingHttpResponse(
        exporting.issues_csv(selectors.import_issues(batch)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.csv"'
    return response
