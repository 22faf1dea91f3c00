"""Cultivation pages: overview, enterprise qualification with what-if and assessments, cultivation
lists with export, policy versions with upload."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from corridor.atlas import selectors as atlas_selectors
from corridor.core.tasks import read_progress
from corridor.core.views import SignedInRequest
from corridor.core.views import active_language as _lang
from corridor.core.views import perm_required as _perm
from corridor.engine.qualify import PolicyError, PolicyResult
from corridor.engine.qualify import metrics as m
from corridor.engine.qualify.messages import explain, number
from corridor.errors import Conflict, ValidationFailed
from corridor.qualify import charts, exporting, forms, live, selectors, services
from corridor.qualify import permissions as perms
from corridor.registry import selectors as registry_selectors

LIST_LABELS = {
    "qualified": gettext_lazy("Qualified, not yet titled"),
    "near": gettext_lazy("Near (smallest shortfall first)"),
    "expiring": gettext_lazy("Titles expiring"),
}
VERDICT_LABELS = {
    "qualified": gettext_lazy("Qualified"),
    "near": gettext_lazy("Near"),
    "not_qualified": gettext_lazy("Not qualified"),
    "needs_data": gettext_lazy("Needs data"),
}
STATUS_LABELS = {
    "met": gettext_lazy("met"),
    "unmet": gettext_lazy("unmet"),
    "unknown": gettext_lazy("unknown"),
    "manual_review": gettext_lazy("expert review"),
    "not_applicable": gettext_lazy("not applicable"),
}
PERIOD_LABELS = {
    "latest": gettext_lazy("latest year"),
    "last_3_years": gettext_lazy("last 3 fiscal years"),
    "each_last_2_years": gettext_lazy("each of the last 2 years"),
    "sum_last_2_years": gettext_lazy("last 2 years combined"),
    "sum_last_3_years": gettext_lazy("last 3 years combined"),
    "avg_last_2_years": gettext_lazy("2-year average"),
    "cagr_2_years": gettext_lazy("2-year CAGR"),
    "growth_1_year": gettext_lazy("growth over the prior year"),
    "growth_avg_2_years": gettext_lazy("2-year average growth"),
    "current": gettext_lazy("on the day"),
}
UNIT_LABELS = {
    m.MONEY: gettext_lazy("10k yuan"),
    m.PERSONS: gettext_lazy("persons"),
    m.ITEMS: gettext_lazy("items"),
    m.YEARS: gettext_lazy("years"),
    m.PERCENT: "%",
    m.POINTS: gettext_lazy("points"),
}
SOURCE_LABELS = {
    "year_facts": gettext_lazy("registry yearly facts"),
    "ip_holdings": gettext_lazy("registry IP holdings"),
    "established_on": gettext_lazy("registration date"),
    "assessments": gettext_lazy("assessment"),
    "titles": gettext_lazy("registry titles"),
    "platforms": gettext_lazy("registry R&D platforms"),
    "industry_code": gettext_lazy("industry code"),
    "sectors": gettext_lazy("industry code"),
    "what-if": gettext_lazy("what-if"),
    "synthetic": gettext_lazy("synthetic demo data"),  # the demo generator's yearly facts
}
RUN_LABELS = {"running": gettext_lazy("running"), "done": gettext_lazy("finished")}
WHAT_IF_FACTS = ("revenue", "rd_expense", "employees", "rd_staff", "high_tech_income")


def _today() -> date:
    return timezone.localdate()


@login_required
@_perm(perms.VIEW_QUALIFICATION)
def index(request: SignedInRequest) -> HttpResponse:
    """Qualified and near counts per policy in force, each with its rule version and lists."""
    counts = selectors.verdict_counts(_today())
    lang = _lang()
    chart = charts.verdict_chart(
        [c["policy"].name.get(lang) for c in counts],
        [c["qualified"] for c in counts],
        [c["near"] for c in counts],
        [
            (
                reverse("qualify:list", args=[c["policy"].id, "qualified"]),
                reverse("qualify:list", args=[c["policy"].id, "near"]),
            )
            for c in counts
        ],
        (str(VERDICT_LABELS["qualified"]), str(VERDICT_LABELS["near"])),
    )
    context = {
        "chart": chart,
        "counts": counts,
        "evaluated": selectors.evaluated_count(),
        "progress": read_progress(services.RUN_KEY),
        "run_labels": RUN_LABELS,
        "lists": LIST_LABELS,
        "today": _today(),
    }
    return render(request, "qualify/index.html", context)


@login_required
@_perm(perms.VIEW_QUALIFICATION)
def home_numbers(request: SignedInRequest) -> HttpResponse:
    """The partial the overview and the registry list load: qualified and near per title."""
    context = {"counts": selectors.verdict_counts(_today()), "lists": LIST_LABELS}
    return render(request, "qualify/_home_numbers.html", context)


@login_required
@_perm(perms.MANAGE_POLICIES)
@require_POST
def run_batch(request: SignedInRequest) -> HttpResponse:
    """Evaluate the whole registry in the background (incremental), with progress on the overview."""
    try:
        services.start_batch(_today())
        messages.success(request, _("Qualification run started."))
    except Conflict as exc:
        messages.info(request, exc.message)
    return redirect("qualify:index")


def _figure(value: Any, unit: str, metric_id: str = "") -> str:
    """A criterion's value or threshold as a person reads it: yes/no, a percentage, a number. The
    engine reports ratios in percent already; a share entered as an assessment is a fraction."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str):  # a tiers node on the sector: the sector's name
        labels = m.SECTOR_LABELS.get(value)
        return labels[1 if _lang().startswith("en") else 0] if labels else value
    if unit == m.PERCENT:
        metric = m.lookup(metric_id)
        scale = 1.0 if metric is not None and metric.kind == m.RATIO else 100.0
        return f"{number(float(value) * scale)}%"
    return number(value)


def _shown(results: list[PolicyResult]) -> list[dict[str, Any]]:
    """Results with each criterion's sentence in the user's language, for the templates."""
    lang = _lang()
    policies = {p.key: p for p in selectors.stored.in_force(_today())}
    policies |= selectors.stored.stored_policies()
    out = []
    for r in results:
        policy = policies.get(r.policy_key)
        rows = [
            {
                "row": c,
                "label": c.label.get(lang),
                "status": STATUS_LABELS.get(c.status, c.status),
                "message": explain(c, lang),
                "indent": c.depth,
                "value": _figure(c.value, c.unit, c.metric),
                "threshold": _figure(c.threshold, c.unit, c.metric),
                "unit": "" if c.unit == m.PERCENT else UNIT_LABELS.get(c.unit, c.unit),
                "period": PERIOD_LABELS.get(c.period, c.period),
                "source": SOURCE_LABELS.get(c.source, c.source),
            }
            for c in r.criteria
        ]
        out.append(
            {
                "result": r,
                "policy": policy,
                "name": policy.name.get(lang) if policy else r.policy,
                "verdict": VERDICT_LABELS.get(r.verdict, r.verdict),
                "rows": rows,
                "path": [explain(c, lang) for c in r.path],
            }
        )
    return out


@login_required
@_perm(perms.VIEW_QUALIFICATION)
def enterprise(request: SignedInRequest, pk: int) -> HttpResponse:
    """Every policy in force for one enterprise: verdict, score, criteria, shortfalls; what-if."""
    ent = registry_selectors.get_enterprise(pk)
    results = live.evaluate_stored(pk, _today())
    context = {
        "ent": ent,
        "shown": _shown(results),
        "history": [
            {
                "row": a,
                "name": _metric_name(m.ASSESSMENTS[a.key]),
                "value": _figure(a.value, m.ASSESSMENTS[a.key].unit),
            }
            if a.key in m.ASSESSMENTS
            else {"row": a, "name": a.key, "value": str(a.value)}
            for a in selectors.assessment_history(pk)[:50]
        ],
        "form": forms.AssessmentForm(initial={"as_of": _today()}),
        "what_if_facts": [(k, m.FACTS[k]) for k in WHAT_IF_FACTS],
        "assessments": list(m.ASSESSMENTS.items()),
        "year": _today().year - 1,
        "lang": _lang(),
    }
    return render(request, "qualify/enterprise.html", context)


def _metric_name(metric: Any) -> str:
    """A metric's name in the reader's language."""
    return str(metric.en if _lang().startswith("en") else metric.zh)


def _overrides(post: Any, year: int) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for key in WHAT_IF_FACTS:
        raw = str(post.get(f"fact_{key}", "") or "").strip()
        if raw:
            try:
                facts[key] = float(raw)
            except ValueError:
                raise ValidationFailed(
                    _("%(f)s must be a number.") % {"f": _metric_name(m.FACTS[key])}, field=key
                ) from None
    judged: dict[str, Any] = {}
    for key, metric in m.ASSESSMENTS.items():
        raw = str(post.get(f"assess_{key}", "") or "").strip()
        if not raw:
            continue
        if metric.value_type == m.BOOLEAN:
            judged[key] = raw == "yes"
        else:
            try:
                judged[key] = float(raw)
            except ValueError:
                raise ValidationFailed(
                    _("%(f)s must be a number.") % {"f": _metric_name(metric)}, field=key
                ) from None
    ip: dict[str, Any] = {}
    raw = str(post.get("ip_invention_patent", "") or "").strip()
    if raw:
        try:
            ip["invention_patent"] = int(raw)
        except ValueError:
            raise ValidationFailed(_("Patents must be a whole number."), field="ip") from None
    return {"facts": {year: facts} if facts else {}, "assessments": judged, "ip_holdings": ip}


@login_required
@_perm(perms.ASSESS_ENTERPRISE)
@require_POST
def what_if(request: SignedInRequest, pk: int) -> HttpResponse:
    """The verdicts re-rendered with the posted overrides; nothing is written."""
    year = _today().year - 1
    try:
        results = live.what_if_stored(pk, _today(), _overrides(request.POST, year))
        context: dict[str, Any] = {"shown": _shown(results), "what_if": True}
    except ValidationFailed as exc:
        context = {"shown": [], "error": exc.message, "what_if": True}
    return render(request, "qualify/_results.html", context)


@login_required
@_perm(perms.ASSESS_ENTERPRISE)
@require_POST
def assess(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record one assessment (who, when, source) and evaluate the enterprise again."""
    form = forms.AssessmentForm(request.POST)
    if form.is_valid():
        try:
            services.record_assessment(
                pk,
                form.cleaned_data["key"],
                form.parsed_value(),
                form.cleaned_data["source"],
                form.cleaned_data["as_of"],
                request.user,
            )
            messages.success(request, _("Assessment recorded."))
        except ValidationFailed as exc:
            messages.error(request, exc.message)
    else:
        messages.error(
            request, _("Check the assessment form: %(e)s") % {"e": form.errors.as_text()}
        )
    return redirect("qualify:enterprise", pk=pk)


def _list_context(request: SignedInRequest, policy_id: str, kind: str) -> dict[str, Any]:
    on = _today()
    filters = selectors.ListFilters.from_query(request.GET)
    policy = selectors.policy_in_force(policy_id, on)
    qs = selectors.cultivation_list(policy, kind, filters, on)
    return {"policy": policy, "kind": kind, "filters": filters, "qs": qs, "on": on}


@login_required
@_perm(perms.VIEW_QUALIFICATION)
def cultivation_list(request: SignedInRequest, policy_id: str, kind: str) -> HttpResponse:
    """One cultivation list of the version in force, filtered by park, node, county, size band."""
    context = _list_context(request, policy_id, kind)
    page = Paginator(context["qs"], 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    expiry = selectors.title_expiry([r.enterprise_id for r in rows], policy_id)
    lang = _lang()
    field = "message" if lang.startswith("en") else "message_zh"
    history = selectors.snapshots(context["policy"])
    context |= {
        "history": history,
        "history_chart": charts.history_chart(
            [h.day.isoformat() for h in history],
            [
                (str(LIST_LABELS["near"]), [h.near for h in history]),
                (str(LIST_LABELS["qualified"]), [h.qualified_not_titled for h in history]),
                (str(_("Titled")), [h.titled for h in history]),
            ],
        ),
        "page": page,
        "rows": [
            {
                "eval": r,
                "verdict": VERDICT_LABELS.get(r.verdict, r.verdict),
                "expires": expiry.get(r.enterprise_id),
                "messages": [c.get(field, "") for c in r.criteria if c["id"] in r.path],
            }
            for r in rows
        ],
        "lists": LIST_LABELS,
        "label": LIST_LABELS.get(kind, kind),
        "name": context["policy"].name.get(lang),
        "parks": registry_selectors.parks(),
        "nodes": [(k, n.name(lang)) for k, n in atlas_selectors.node_index().items()],
        "counties": registry_selectors.county_options(),
        "query": context["filters"].query(),
    }
    return render(request, "qualify/list.html", context)


@login_required
@_perm(perms.EXPORT_CULTIVATION)
def cultivation_export(request: SignedInRequest, policy_id: str, kind: str) -> HttpResponseBase:
    """The cultivation list as Excel (at most 50,000 rows), with the rule version."""
    context = _list_context(request, policy_id, kind)
    rows = list(context["qs"][:50_000])
    expiry = selectors.title_expiry([r.enterprise_id for r in rows], policy_id)
    label = str(LIST_LABELS.get(kind, kind))
    stream = exporting.cultivation_xlsx(context["policy"], label, rows, expiry, _lang())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        stream, as_attachment=True, filename=f"cultivation-{policy_id}-{kind}-{stamp}.xlsx"
    )


@login_required
@_perm(perms.VIEW_QUALIFICATION)
def policy_list(request: SignedInRequest) -> HttpResponse:
    """Every stored policy version, which is in force, and the upload form."""
    in_force = {p.key for p in selectors.stored.in_force(_today())}
    parsed = selectors.stored.stored_policies()
    lang = _lang()
    rows = [
        {"row": v, "policy": parsed.get(v.key), "in_force": v.key in in_force}
        for v in selectors.policy_versions()
    ]
    context = {"rows": rows, "form": forms.PolicyUploadForm(), "errors": [], "lang": lang}
    if request.method == "POST":
        if not request.user.has_perm(perms.MANAGE_POLICIES):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = forms.PolicyUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = upload.read(300_000).decode("utf-8")
                row = services.upload_policy(text, request.user, upload.name[:80])
                messages.success(request, _("Policy version %(k)s stored.") % {"k": row.key})
                return redirect("qualify:policies")
            except UnicodeDecodeError:
                context["errors"] = [_("The file is not UTF-8 text.")]
            except PolicyError as exc:
                context["errors"] = [str(p) for p in exc.problems]
    return render(request, "qualify/policies.html", context)


@login_required
@_perm(perms.VIEW_QUALIFICATION)
def policy_detail(request: SignedInRequest, key: str) -> HttpResponse:
    """One stored policy version's YAML as stored."""
    row = selectors.get_policy_version(key)
    policy = selectors.stored.stored_policies().get(row.key)
    return render(request, "qualify/policy.html", {"row": row, "policy": policy, "lang": _lang()})


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
