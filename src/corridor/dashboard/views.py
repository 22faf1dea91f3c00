"""Home page: the district's headline figures (each explained), or an applicant's own page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
    return render(request, "dashboard/home.html", {"headlines": headline_figures()})
