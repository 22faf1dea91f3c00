"""Investment pages: the pipeline board, the list, a project with its timeline, analytics."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corridor.atlas import selectors as atlas_selectors
from corridor.core.params import id_param, int_param
from corridor.core.views import SignedInRequest
from corridor.core.views import active_language as _lang
from corridor.core.views import perm_required as _perm
from corridor.engine.targeting import PARTS
from corridor.errors import DomainError, ValidationFailed
from corridor.investment import (
    charts,
    explain,
    exporting,
    forms,
    selectors,
    services,
    targets,
)
from corridor.investment import permissions as perms
from corridor.registry import selectors as registry_selectors

if TYPE_CHECKING:
    from corridor.registry.models import Enterprise


def _sees_pipeline(view):  # type: ignore[no-untyped-def]
    """A view decorator: those who work the pipeline, or read its outcome (the leader), else 403."""

    @wraps(view)
    def wrapped(request: SignedInRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not selectors.sees_the_pipeline(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@login_required
@_sees_pipeline
def pipeline_board(request: SignedInRequest) -> HttpResponseBase:
    """The kanban board: a column per stage, cards flagged when overdue or stale."""
    if not selectors.works_the_pipeline(request.user):  # the leader reads the outcome: the funnel
        return redirect("investment:analytics")
    filters = selectors.ProjectFilters.from_query(request.GET)
    context = {
        "columns": selectors.board(request.user, filters),
        "filters": filters,
        "stages": selectors.stages(),
        "lost_reasons": selectors.lost_reasons(),
        "chains": atlas_selectors.chains(),
        "follow": selectors.follow_ups(request.user),
        "lang": _lang(),
    }
    template = (
        "investment/_board.html" if request.headers.get("HX-Request") else "investment/board.html"
    )
    return render(request, template, context)


@login_required
@_sees_pipeline
def project_list(request: SignedInRequest) -> HttpResponseBase:
    """Every visible project with filters, paging and export."""
    filters = selectors.ProjectFilters.from_query(request.GET)
    if not filters.phase and not selectors.works_the_pipeline(request.user):
        filters = replace(filters, phase="signed")  # what the leader sees by name
    qs = selectors.project_list(request.user, filters)
    if request.GET.get("export") == "xlsx":
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(
            exporting.projects_xlsx(qs, _lang()),
            as_attachment=True,
            filename=f"projects-{stamp}.xlsx",
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "stages": selectors.stages(),
        "chains": atlas_selectors.chains(),
        "query": request.GET.urlencode(),
        "lang": _lang(),
        "works": selectors.works_the_pipeline(request.user),
    }
    return render(request, "investment/list.html", context)


def _target_of(request: SignedInRequest) -> Enterprise | None:
    """The enterprise named by ?target= / the form's target, or None for a project by hand."""
    number = id_param(request.GET, "target") or id_param(request.POST, "target")
    return registry_selectors.get_enterprise(number) if number else None


@login_required
@_perm(perms.MANAGE_PIPELINE)
def project_create(request: SignedInRequest) -> HttpResponse:
    """Open a project: one click from a target list, or the form, on a registry enterprise or on
    a company not yet in the registry (a referral no ranking found)."""
    target = _target_of(request)
    node = request.GET.get("node") or request.POST.get("node") or ""
    if request.method == "POST" and request.POST.get("quick"):  # one click from a target list
        if target is None:
            raise ValidationFailed(_("Pick the enterprise from the registry."), field="target")
        project = services.create_project(
            target,
            request.user,
            {"node": node, "chain": node.split(".")[0], "source_channel": "targeting"},
        )
        messages.success(request, _("Lead created: %(p)s.") % {"p": project.name})
        return redirect("investment:project", pk=project.pk)
    status = 200
    if request.method == "POST":
        form = forms.NewProjectForm(request.POST)
        if form.is_valid():
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if v not in (None, "") and k not in forms.NewProjectForm.COMPANY_FIELDS
            }
            company = {
                "name": form.cleaned_data["new_name"],
                "province": form.cleaned_data["new_province"],
                "city": form.cleaned_data["new_city"],
            }
            try:
                project = services.open_project_by_hand(request.user, data, target, company)
            except DomainError as exc:  # shown on the form, which keeps what was typed
                status = exc.status
                field = exc.details.get("field")
                form.add_error(field if field in form.fields else None, exc.message)
                if exc.details.get("enterprise"):  # the registry has it: offer that record
                    target = registry_selectors.get_enterprise(exc.details["enterprise"])
            else:
                messages.success(
                    request,
                    _("Project opened at stage %(s)s.") % {"s": project.stage.name(_lang())},
                )
                return redirect("investment:project", pk=project.pk)
    else:
        form = forms.NewProjectForm(
            initial={
                "target": target.pk if target else None,
                "node": node,
                "chain": node.split(".")[0] if node else "",
                "source_channel": "targeting" if node else ("" if target else "referral"),
            }
        )
    return render(
        request,
        "investment/edit.html",
        {"form": form, "target": target, "project": None},
        status=status,
    )


@login_required
@_perm(perms.MANAGE_PIPELINE)
def enterprise_picker(request: SignedInRequest) -> HttpResponse:
    """The new-project form's search: registry enterprises matching a name or USCC, to pick one."""
    q = "".join(ch for ch in request.GET.get("q", "") if ch.isprintable()).strip()[:100]
    found = registry_selectors.enterprise_list(registry_selectors.EnterpriseFilters(q=q))
    return render(
        request,
        "investment/_enterprise_picker.html",
        {"q": q, "found": list(found[:PICKER_ROWS]) if len(q) >= 2 else []},
    )


PICKER_ROWS = 15


@login_required
@_sees_pipeline
def project_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """A project: details, stage history, activity timeline, documents, forms to act."""
    project = selectors.get_project(request.user, pk)
    context = {
        "project": project,
        "timeline": selectors.timeline(project),
        "stages": selectors.stages(),
        "lost_reasons": selectors.lost_reasons(),
        "requirements": selectors.requirements_by_stage(project),
        "activity_form": forms.ActivityForm(),
        "document_form": forms.DocumentForm(),
        "stale": selectors.stale_level(project),
        "overdue": selectors.is_overdue(project),
        "lang": _lang(),
        "node": atlas_selectors.node_index().get(project.node),
        "chain_name": _chain_name(project.chain),
        "works": selectors.works_the_pipeline(request.user),
    }
    return render(request, "investment/project.html", context)


@login_required
@_perm(perms.MANAGE_PIPELINE)
def project_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    """Edit a project's details."""
    project = selectors.get_project(request.user, pk)
    if request.method == "POST":
        form = forms.ProjectForm(request.POST, instance=selectors.get_project(request.user, pk))
        if form.is_valid():
            services.update_project(project, form.cleaned_data, request.user)
            messages.success(request, _("Saved."))
            return redirect("investment:project", pk=pk)
    else:
        form = forms.ProjectForm(instance=project)
    return render(
        request,
        "investment/edit.html",
        {"form": form, "target": project.target, "project": project},
    )


@login_required
@_perm(perms.MANAGE_PIPELINE)
@require_POST
def project_move(request: SignedInRequest, pk: int) -> HttpResponse:
    """Move a project to another stage (board drag-and-drop, the project page, the API)."""
    project = selectors.get_project(request.user, pk)
    form = forms.MoveForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(
            _("Choose a stage (and a lost reason when the project is lost)."), field="stage"
        )
    data = form.cleaned_data
    args = (project, data["stage"], request.user, data["note"] or "", data["lost_reason"])
    if request.headers.get("HX-Request"):  # errors become a toast (DomainErrorMiddleware)
        services.move_stage(*args)
        return pipeline_board(request)
    try:
        services.move_stage(*args)
    except DomainError as exc:  # back to the project page, which lists what is still missing
        messages.error(request, exc.message)
        return redirect("investment:project", pk=pk)
    messages.success(request, _("Moved to %(s)s.") % {"s": data["stage"].name(_lang())})
    return redirect("investment:project", pk=pk)


@login_required
@_perm(perms.MANAGE_PIPELINE)
@require_POST
def project_activity(request: SignedInRequest, pk: int) -> HttpResponse:
    """Log a visit, call, meeting or note."""
    project = selectors.get_project(request.user, pk)
    form = forms.ActivityForm(request.POST)
    if form.is_valid():
        services.add_activity(
            project, form.cleaned_data["kind"], form.cleaned_data["summary"], request.user
        )
        messages.success(request, _("Activity logged."))
    else:
        messages.error(request, form.errors.as_text())
    return redirect("investment:project", pk=pk)


@login_required
@_perm(perms.MANAGE_PIPELINE)
@require_POST
def project_document(request: SignedInRequest, pk: int) -> HttpResponse:
    """Attach a document."""
    project = selectors.get_project(request.user, pk)
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        services.attach_document(project, d["kind"], d["title"], d["file"], request.user)
        messages.success(request, _("Document attached."))
    else:
        messages.error(request, form.errors.as_text())
    return redirect("investment:project", pk=pk)


@login_required
@_sees_pipeline
def document_download(request: SignedInRequest, pk: int, doc: int) -> HttpResponseBase:
    """Download a project's document (only for those who see the project)."""
    project = selectors.get_project(request.user, pk)
    document = selectors.get_document(project, doc)
    stored = document.file.name or ""  # a saved document always has its file's name
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=stored.rsplit("/", 1)[-1]
    )


@login_required
@_sees_pipeline
def analytics(request: SignedInRequest) -> HttpResponseBase:
    """Funnel and conversion by stage, chain and owner; days per stage; the year's goals."""
    group = request.GET.get("group", "")
    if group not in ("", "chain", "owner"):
        group = ""
    data = selectors.funnel(request.user, group)
    if request.GET.get("export") == "xlsx":
        return FileResponse(
            exporting.funnel_xlsx(data, _lang()),
            as_attachment=True,
            filename="investment-funnel.xlsx",
        )
    context = {
        "funnel": data,
        "group": group,
        "goals": selectors.goals(request.user),
        "chart": selectors.funnel_chart(data, _lang()),
        "lang": _lang(),
        "works": selectors.works_the_pipeline(request.user),
    }
    return render(request, "investment/analytics.html", context)


def _chain_name(key: str) -> str:
    chain = next((c for c in atlas_selectors.chains() if c.key == key), None)
    if chain is None:
        return key
    return chain.name_en if _lang().startswith("en") else chain.name_zh


# --- targets ------------------------------------------------------------------------------------


def _target_context(request: SignedInRequest, index: dict | None = None) -> dict:
    nodes = targets.selected_nodes(request.GET, index)
    strategy = targets.strategy_from(request.GET)
    top = int_param(request.GET, "top", targets.DEFAULT_TOP, 1, targets.MAX_TOP)
    return {"nodes": nodes, "strategy": strategy, "top": top}


@login_required
@_perm(perms.RANK_TARGETS)
def targets_page(request: SignedInRequest) -> HttpResponse:
    """Rank enterprises outside the district for a node, nodes or a chain, explained."""
    base = _target_context(request)
    result = targets.ranked(base["nodes"], base["strategy"], base["top"]) if base["nodes"] else None
    context = {
        **base,
        "result": result,
        "rows_html": _target_rows(request, result) if result else "",
        "strategies": explain.strategy_labels(list(targets.strategies())),
        "parts": PARTS,
        "part_names": {p: explain.part_name(p) for p in PARTS},
        "chains": atlas_selectors.chains(),
        "node_index": atlas_selectors.node_index(),
        "node_groups": atlas_selectors.node_groups(),
        "lists": selectors.target_lists()[:20],
        "query": request.GET.urlencode(),
        "lang": _lang(),
    }
    return render(request, "investment/targets.html", context)


@login_required
@_perm(perms.RANK_TARGETS)
def targets_export(request: SignedInRequest) -> HttpResponseBase:
    """The ranking as Excel, one sheet per node, with the score breakdown."""
    base = _target_context(request)
    by_node = {n: targets.ranked([n], base["strategy"], base["top"]) for n in base["nodes"]}
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    index = atlas_selectors.node_index()
    names = {n: index[n].name(_lang()) for n in by_node if n in index}
    stream = exporting.targets_xlsx(by_node, base["strategy"], _lang(), names)
    return FileResponse(stream, as_attachment=True, filename=f"targets-{stamp}.xlsx")


@login_required
@_perm(perms.RANK_TARGETS)
@require_POST
def targets_save(request: SignedInRequest) -> HttpResponse:
    """Save the ranking as a named list (to compare over time), or the weights as a strategy."""
    base = _target_context(request)
    if request.POST.get("save") == "strategy":
        targets.save_strategy(
            request.POST.get("name", ""), dict(base["strategy"].weights), request.user
        )
        messages.success(request, _("Strategy saved."))
        return redirect(f"{reverse('investment:targets')}?{request.GET.urlencode()}")
    saved = targets.save_list(
        request.POST.get("name", ""), base["nodes"], base["strategy"], request.user, base["top"]
    )
    messages.success(request, _("Target list saved."))
    return redirect("investment:target_list", pk=saved.pk)


# The ranked rows' HTML, kept in this process under what they show: the ranking, its open
# projects, whether the reader may make leads, the language. Rendering 50 explained rows was the
# largest part of the page's time under load; the rows' forms carry the reader's CSRF token,
# so a slot stands in for it in what is kept.
_ROWS_HTML: OrderedDict[tuple, str] = OrderedDict()
_ROWS_HTML_SIZE = 64
_CSRF_SLOT = "__corridor_csrf_slot__"


def _target_rows(request: SignedInRequest, result: dict) -> SafeString:
    """The target table's rows, rendered once per ranking, projects, permission and language."""
    can_manage = request.user.has_perm(perms.MANAGE_PIPELINE)
    projects = tuple((r["id"], r["project"]) for r in result["rows"] if r["project"])
    key = (result.get("key"), projects, can_manage, _lang())
    html = _ROWS_HTML.get(key) if key[0] else None
    if html is None:
        html = render_to_string(
            "investment/_target_rows.html",
            {"result": result, "can_manage": can_manage, "csrf_token": _CSRF_SLOT},
        )
        if key[0]:
            _ROWS_HTML[key] = html
            while len(_ROWS_HTML) > _ROWS_HTML_SIZE:
                _ROWS_HTML.popitem(last=False)
    return mark_safe(html.replace(_CSRF_SLOT, get_token(request)))  # noqa: S308 - our own template


@login_required
@_perm(perms.RANK_TARGETS)
def target_list_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """A saved list against the previous list of the same nodes."""
    saved = targets.get_list(pk)
    context = {
        "strategy_label": explain.strategy_labels([saved.strategy_name])[saved.strategy_name],
        "saved": saved,
        "comparison": targets.compare(saved),
        "node_index": atlas_selectors.node_index(),
    }
    return render(request, "investment/target_list.html", context)


@login_required
@_perm(perms.RANK_TARGETS)
def leader_suppliers(request: SignedInRequest, pk: int) -> HttpResponse:
    """Leaders pull, suppliers follow: a local leader's missing supplier nodes and who could fill them."""
    enterprise = registry_selectors.get_enterprise(pk)
    context = {"leader": enterprise, "gaps": targets.leader_gaps(enterprise), "lang": _lang()}
    return render(request, "investment/leader.html", context)


@login_required
@_perm(perms.RANK_TARGETS)
def investment_map(request: SignedInRequest) -> HttpResponse:
    """Targets by province, city and county on a map of China (drill down), and the district's
    enterprises over its city's county map. The ranking and region totals are cached per data
    change (charts.map_payload); boundary files load on click."""
    node_index = atlas_selectors.node_index()
    base = _target_context(request, node_index)
    colour = request.GET.get("colour", "count")
    place = request.GET.get("place", "location")
    payload = (
        charts.map_payload(base["nodes"], base["strategy"], base["top"]) if base["nodes"] else None
    )
    context = {
        **base,
        "payload": payload,
        "map_script": charts.target_map_script(payload, colour, "target-map-data")
        if payload
        else None,
        "colour": colour,
        "metrics": charts.metric_labels(),
        "district_script": charts.district_map_script(
            request.GET.get("node_local", ""), place, node_index, "district-map-data"
        ),
        "place": place,
        "placements": charts.placement_labels(),
        "chains": atlas_selectors.chains(),
        "node_index": node_index,
        "node_groups": atlas_selectors.node_groups(),
        "strategies": explain.strategy_labels(list(targets.strategies())),
        "query": request.GET.urlencode(),
    }
    return render(request, "investment/map.html", context)


@login_required
@_perm(perms.VIEW_PROJECT)
def follow_ups_panel(request: SignedInRequest) -> HttpResponse:
    """Home-page panel: the user's overdue and stale projects."""
    return render(
        request, "investment/_follow_ups.html", {"follow": selectors.follow_ups(request.user)}
    )


@login_required
def project_import(request: SignedInRequest) -> HttpResponse:
    """The earlier address of the project import: the intake wing's page for projects."""
    return redirect("imports:list", kind="projects")


@login_required
def project_import_template(request: SignedInRequest) -> HttpResponse:
    """The earlier address of the project template: the intake wing serves it."""
    return redirect("imports:template", kind="projects")
