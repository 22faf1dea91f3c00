"""Atlas pages: chains, chain graph, node panel, weak links, relatedness, review queue, editing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from corridor.atlas import charts, exporting, forms, labels, selectors, services
from corridor.atlas import permissions as perms
from corridor.atlas.models import LinkStatus
from corridor.core.tasks import read_progress, run_task, write_progress
from corridor.core.views import SignedInRequest
from corridor.core.views import active_language as _lang
from corridor.core.views import perm_required as _perm
from corridor.engine import complexity, gaps
from corridor.errors import Conflict
from corridor.registry import selectors as registry_selectors

QUADRANT_LABELS = {
    "strength": gettext_lazy("Strength"),
    "opportunity": gettext_lazy("Opportunity"),
    "weakness": gettext_lazy("Weakness"),
    "threat": gettext_lazy("Threat"),
    "possible_entrant": gettext_lazy("Possible entrant"),
}
MEASURE_LABELS = {
    "enterprises": gettext_lazy("Local enterprises"),
    "revenue": gettext_lazy("Revenue"),
    "employees": gettext_lazy("Employment"),
    "titled": gettext_lazy("Titled enterprises"),
    "leader": gettext_lazy("Leading enterprise present"),
    "lq": gettext_lazy("Location quotient"),
    "coverage": gettext_lazy("Supply coverage"),
}
RUN_KEY = "atlas-classify"


@login_required
@_perm(perms.VIEW_CHAIN)
def chain_list(request: SignedInRequest) -> HttpResponse:
    """Every chain with its owner, anchors and local size; the last classification run."""
    local = selectors.local_nodes()
    per_chain = selectors.chain_enterprise_counts()
    rows = []
    for chain in selectors.chains().prefetch_related("anchors"):
        definition = selectors.definition_of(chain)
        tops = [n for n in definition.nodes if n.parent is None]
        present = [n for n in tops if local.get(n.id) and local[n.id].enterprises]
        rows.append(
            {
                "chain": chain,
                "definition": definition,
                "nodes": len(tops),
                "present": len(present),
                "enterprises": per_chain.get(chain.key, 0),
            }
        )
    context = {
        "rows": rows,
        "run": selectors.last_run(),
        "progress": read_progress(RUN_KEY),
        "model": selectors.current_model(),
    }
    return render(request, "atlas/chains.html", context)


@login_required
@_perm(perms.VIEW_CHAIN)
def chain_detail(request: SignedInRequest, key: str) -> HttpResponse:
    """A chain: its graph, weak links with the weights, versions, owner and anchors."""
    chain = selectors.get_chain(key)
    definition = selectors.definition_of(chain)
    weights = selectors.parse_weights(request.GET)
    ranked = selectors.weak_links(chain, weights)
    counts = {r["node"].id: r["facts"].enterprises for r in ranked}
    strength = {
        r["node"].id: None if r["result"].score is None else 1 - r["result"].score / 100
        for r in ranked
    }
    nodes = selectors.node_index()
    inbound = selectors.inbound_cross_edges(key)
    chain_names = {k: d.name(_lang()) for k, d in selectors.all_definitions().items()}
    graph = charts.chain_graph(definition, _lang(), counts, strength, nodes, inbound, chain_names)
    context = {
        "chain": chain,
        "definition": definition,
        "graph": graph,
        "ranked": ranked,
        "weights": weights,
        "default_weights": gaps.DEFAULT_WEIGHTS,
        "measure_labels": MEASURE_LABELS,
        "weights_version": gaps.WEIGHTS_VERSION,
        "versions": selectors.versions_of(chain)[:20],
        "anchors": chain.anchors.all(),
        "query": request.GET.urlencode(),
    }
    return render(request, "atlas/chain.html", context)


@login_required
@_perm(perms.VIEW_CHAIN)
def weak_links_export(request: SignedInRequest, key: str) -> HttpResponseBase:
    """The ranked weak links of a chain as an Excel file, with inputs, parts and weights."""
    chain = selectors.get_chain(key)
    weights = selectors.parse_weights(request.GET)
    ranked = selectors.weak_links(chain, weights)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    names = {n: node.name(_lang()) for n, node in selectors.node_index().items()}
    stream = exporting.weak_links_xlsx(chain, ranked, weights, MEASURE_LABELS, _lang(), names)
    return FileResponse(stream, as_attachment=True, filename=f"weak-links-{key}-{stamp}.xlsx")


@login_required
@_perm(perms.VIEW_CHAIN)
def node_detail(request: SignedInRequest, node_id: str) -> HttpResponse:
    """A node: its definition, local enterprises and leaders, titles, local suppliers and customers,
    and its national picture. Rendered as a panel for HTMX requests."""
    detail = selectors.node_detail(node_id)
    page = Paginator(detail["links"], 25).get_page(request.GET.get("page"))
    context = {**detail, "page": page, "lang": _lang()}
    template = "atlas/_node.html" if request.headers.get("HX-Request") else "atlas/node.html"
    return render(request, template, context)


@login_required
@_perm(perms.VIEW_CHAIN)
def relatedness(request: SignedInRequest) -> HttpResponse:
    """Relative presence × fit scatter (with the peer group) and the opportunities list (preset)."""
    preset = request.GET.get("preset", "balanced")
    if preset not in complexity.PRESETS:
        preset = "balanced"
    peers = request.GET.get("peers", "all")
    if peers not in selectors.PEER_GROUPS:
        peers = "all"
    nodes = selectors.node_index()
    names = {n: node.name(_lang()) for n, node in nodes.items()}
    points = selectors.swot(peers)
    context = {
        "preset": preset,
        "presets": complexity.PRESETS,
        "peers": peers,
        "points": points,
        "scatter": charts.swot_scatter(points, names, QUADRANT_LABELS) if points else None,
        "opportunities": selectors.opportunities(preset),
        "nodes": nodes,
        "quadrant_labels": QUADRANT_LABELS,
    }
    return render(request, "atlas/relatedness.html", context)


@login_required
@_perm(perms.VIEW_CHAIN)
def enterprise_links(request: SignedInRequest, pk: int) -> HttpResponse:
    """Panel on the enterprise page: the nodes it sits on, evidence, decisions."""
    enterprise = registry_selectors.get_enterprise(pk)
    context = {
        "ent": enterprise,
        "links": selectors.links_of(enterprise),
        "nodes": selectors.node_index(),
        "node_groups": selectors.node_groups(),
        "statuses": LinkStatus.choices,
        "lang": _lang(),
    }
    return render(request, "atlas/_enterprise_links.html", context)


@login_required
@_perm(perms.REVIEW_LINKS)
def review(request: SignedInRequest) -> HttpResponse:
    """The review queue, most useful decisions first."""
    status = request.GET.get("status", "auto")
    if status not in LinkStatus.values:
        status = "auto"
    chain = request.GET.get("chain", "")
    local_only = request.GET.get("scope", "local") == "local"
    queue = selectors.sorted_queue(selectors.review_queue(status, chain, local_only))
    page = Paginator(queue, 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "chain": chain,
        "scope": "local" if local_only else "all",
        "chains": selectors.chains(),
        "statuses": LinkStatus.choices,
        "nodes": selectors.node_index(),
        "lang": _lang(),
        "query": request.GET.urlencode(),
    }
    return render(request, "atlas/review.html", context)


@login_required
@_perm(perms.REVIEW_LINKS)
@require_POST
def decide(request: SignedInRequest, pk: int) -> HttpResponse:
    """Confirm, mark uncertain or reject one enterprise–node link (HTMX or a plain form)."""
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400)
    enterprise = registry_selectors.get_enterprise(pk)
    link = services.decide_link(
        enterprise,
        form.cleaned_data["node"],
        form.cleaned_data["status"],
        request.user,
        form.cleaned_data["note"],
    )
    if request.headers.get("HX-Request"):
        context = {"link": link, "nodes": selectors.node_index(), "lang": _lang()}
        return render(request, "atlas/_decided.html", context)
    messages.success(request, _("Decision recorded."))
    return redirect(request.POST.get("next") or "atlas:review")


@login_required
@_perm(perms.RUN_CLASSIFICATION)
@require_POST
def run_classification(request: SignedInRequest) -> HttpResponse:
    """Start a classification run over the registry in the background, with progress."""
    current = read_progress(RUN_KEY)
    if current and current.get("message") == "running" and not current.get("lost"):
        messages.info(request, _("A classification run is already in progress."))
        return redirect("atlas:chains")
    write_progress(RUN_KEY, 0, 0, "running")
    task_id = run_task(services.classify_in_background, request.user.pk, RUN_KEY)
    if task_id and read_progress(RUN_KEY):  # name the job, so a run whose worker died shows so
        write_progress(RUN_KEY, 0, 0, "running", task=task_id)
    messages.success(request, _("Classification started."))
    return redirect("atlas:chains")


@login_required
@_perm(perms.RUN_CLASSIFICATION)
@require_POST
def retrain(request: SignedInRequest) -> HttpResponse:
    """Retrain the learned layer on the labelled set plus every analyst decision."""
    try:
        model = services.retrain_model(request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("atlas:chains")
    messages.success(
        request,
        _(
            "Learned layer %(v)s trained on %(n)d rows including %(d)d analyst decisions. Classify the registry again to apply it."
        )
        % {"v": labels.model_label(model.version), "n": model.trained_on, "d": model.decisions},
    )
    return redirect("atlas:chains")


@login_required
@_perm(perms.VIEW_CHAIN)
def run_progress(request: SignedInRequest) -> HttpResponse:
    """Progress of the running classification (polled by the chains page)."""
    return render(
        request,
        "atlas/_run_progress.html",
        {"progress": read_progress(RUN_KEY), "run": selectors.last_run()},
    )


@login_required
@_perm(perms.EDIT_CHAIN_GRAPH)
def chain_edit(request: SignedInRequest, key: str) -> HttpResponse:
    """Edit a node (or add one) and the supply edges; every save makes a new version."""
    chain = selectors.get_chain(key)
    definition = selectors.definition_of(chain)
    node_id = request.GET.get("node") or request.POST.get("original_id") or ""
    node = next((n for n in definition.nodes if n.id == node_id), None)
    if request.method == "POST" and "save_node" in request.POST:
        form = forms.NodeForm(request.POST, chain=definition)
        if form.is_valid():
            previous = chain.current_version
            version = services.save_node(chain, form.definition(), request.user)
            if version.number == previous:
                messages.info(
                    request,
                    _("No changes: the chain stays at version %(n)d.") % {"n": version.number},
                )
            else:
                messages.success(request, _("Saved as version %(n)d.") % {"n": version.number})
            return redirect(f"{request.path}?node={form.cleaned_data['id']}")
    else:
        form = forms.NodeForm(initial=forms.node_initial(node, definition.id), chain=definition)
    edge_form = forms.EdgeForm(nodes=selectors.node_index(), chain=definition)
    owners_form = forms.OwnersForm(
        initial={
            "leader_name": chain.leader_name,
            "leader_title": chain.leader_title,
            "anchors": "\n".join(e.uscc or str(e.pk) for e in chain.anchors.all()),
        }
    )
    context = {
        "chain": chain,
        "definition": definition,
        "form": form,
        "edge_form": edge_form,
        "owners_form": owners_form,
        "node": node,
        "versions": selectors.versions_of(chain)[:20],
        "nodes": selectors.node_index(),
        "lang": _lang(),
    }
    return render(request, "atlas/edit.html", context)


@login_required
@_perm(perms.EDIT_CHAIN_GRAPH)
@require_POST
def edge_edit(request: SignedInRequest, key: str) -> HttpResponse:
    """Add or remove one supply edge."""
    chain = selectors.get_chain(key)
    form = forms.EdgeForm(
        request.POST, nodes=selectors.node_index(), chain=selectors.definition_of(chain)
    )
    if form.is_valid():
        data = form.cleaned_data
        version = services.set_edge(
            chain, data["source"], data["target"], data["action"] == "add", request.user
        )
        messages.success(request, _("Saved as version %(n)d.") % {"n": version.number})
    else:
        messages.error(request, form.errors.as_text())
    return redirect("atlas:edit", key=key)


@login_required
@_perm(perms.EDIT_CHAIN_GRAPH)
@require_POST
def owners_edit(request: SignedInRequest, key: str) -> HttpResponse:
    """Set the chain chief (链长) and anchor enterprises (链主, by USCC or id)."""
    chain = selectors.get_chain(key)
    form = forms.OwnersForm(request.POST)
    if form.is_valid():
        services.set_chain_owners(
            chain,
            form.cleaned_data["leader_name"],
            form.cleaned_data["leader_title"],
            form.cleaned_data["anchors"],
            request.user,
        )
        messages.success(request, _("Chain chief and anchors saved."))
    else:
        messages.error(request, form.errors.as_text())
    return redirect("atlas:edit", key=key)
