"""Home page: the district's headline figures (each explained), or an applicant's own page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from corridor.dashboard import charts, selectors
from corridor.dashboard import permissions as perms
from corridor.dashboard.selectors import headline_figures


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Headline figures for staff and leaders; applicants see only their own things."""
    if not request.user.has_perm(perms.VIEW_DASHBOARD):
        return render(
            request,
            "dashboard/applicant_home.html",
            {"profile": getattr(request.user, "applicant", None)},
        )
    registry = reverse("registry:list")
    trend = selectors.trend_by_year()
    per_chain = selectors.enterprises_per_chain()
    chinese = (get_language() or "zh").startswith("zh")
    # revenue on the chart axis: 亿元 in Chinese, CNY millions in English (1 亿元 = 10,000 万元)
    scale, money_label = (
        (10_000, _("Revenue (100 million yuan)")) if chinese else (100, _("Revenue (CNY M)"))
    )
    context = {
        "headlines": headline_figures(),
        "trend": trend,
        "per_chain": per_chain,
        "trend_chart": charts.trend_chart(
            [p.year for p in trend],
            [p.enterprises for p in trend],
            [round(float(p.revenue) / scale, 2) for p in trend],
            [registry + p.link for p in trend],
            _("Enterprises with facts"),
            money_label,
        ),
        "chain_chart": charts.chain_chart(
            [p.name for p in per_chain],
            [p.enterprises for p in per_chain],
            [registry + p.link for p in per_chain],
            _("Number of enterprises"),
        ),
    }
    return render(request, "dashboard/home.html", context)
