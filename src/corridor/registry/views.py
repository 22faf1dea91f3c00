"""Registry pages: list with filters and export, detail with history, edit, delete/restore, merge, imports."""

from __future__ import annotations

from html import escape
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corridor.core.params import id_param
from corridor.core.views import SignedInRequest
from corridor.core.views import perm_required as _perm
from corridor.errors import ValidationFailed
from corridor.registry import charts, exporting, selectors, services
from corridor.registry import permissions as perms
from corridor.registry.columns import ENTERPRISE_FIELDS
from corridor.registry.forms import EnterpriseForm
from corridor.registry.models import SizeBand, TitleKind

PAGE_SIZE = 50
FIELD_ORDER = [f.name for f in ENTERPRISE_FIELDS]


@login_required
@_perm(perms.VIEW_ENTERPRISE)
def enterprise_list(request: SignedInRequest) -> HttpResponse:
    """Search, filter, sort and page the registry."""
    filters = selectors.EnterpriseFilters.from_query(request.GET, default_locality="local")
    page = selectors.enterprise_page(filters, request.GET.get("page"), PAGE_SIZE)
    context = {
        "page": page,
        "filters": filters,
        "county_options": _county_options_html(filters.county_code),
        "parks": selectors.parks(),
        "titles": TitleKind.choices,
        "sizes": SizeBand.choices,
        "query": request.GET.urlencode(),
        "narrowed": selectors.describe_filters(filters),
        "hidden_filters": _hidden_filters(request.GET),
    }
    template = "registry/_table.html" if request.headers.get("HX-Request") else "registry/list.html"
    return render(request, template, context)


def _county_options_html(selected: str) -> SafeString:
    """<optgroup>s of county <option>s (about 2,900 on the national registry), built in Python
    (the template loop over them cost more than the rest of the page) once per registry stamp."""
    key = selectors.county_options_key()
    html = _COUNTY_HTML.get(key)
    if html is None:
        parts = []
        for group in selectors.county_options():
            parts.append(f'<optgroup label="{escape(group["label"])}">')
            for code, name in group["counties"]:
                parts.append(f'<option value="{escape(code)}">{escape(name)}</option>')
            parts.append("</optgroup>")
        html = "".join(parts)
        _COUNTY_HTML.clear()
        _COUNTY_HTML[key] = html
    if selected:
        value = f'<option value="{escape(selected)}"'
        html = html.replace(f"{value}>", f"{value} selected>", 1)
    return mark_safe(html)  # noqa: S308 - every value above is escaped


_COUNTY_HTML: dict[str, str] = {}  # this process's options HTML under the current stamp


# Filters reached by links (home figures, charts, imports) that the filter form has no control for:
# kept as hidden inputs so changing another filter does not silently drop them.
_LINK_ONLY = ("status", "tag", "synthetic", "import", "facts_year")


def _hidden_filters(params: Any) -> list[tuple[str, str]]:
    names = (*_LINK_ONLY, *sorted(selectors.LIST_FILTERS))
    return [(name, params[name]) for name in names if params.get(name)]


@login_required
@_perm(perms.EXPORT_ENTERPRISES)
def enterprise_export(request: SignedInRequest) -> HttpResponseBase:
    """Export exactly the filtered list as XLSX (default) or CSV (local unless locality=all, as the list)."""
    filters = selectors.EnterpriseFilters.from_query(request.GET, default_locality="local")
    qs = selectors.enterprise_list(filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(
            exporting.csv_stream(qs), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="enterprises-{stamp}.csv"'
        return response
    words = [*selectors.describe_filters(filters), _("format Excel")]
    note = _("Filters: %(q)s") % {"q": _("; ").join(words)}
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
    target = services.merge_into(pk, id_param(request.POST, "target") or 0, request.user)
    messages.success(request, _("Merged into this record."))
    return redirect("registry:detail", pk=target.pk)
