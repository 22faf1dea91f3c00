"""Navigation: every module, with whether it is built yet and whether this user may open it.

Project wiring like urls.py (not core/: it names the domain apps' permissions)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from corridor.accounts import permissions as accounts_perms
from corridor.atlas import permissions as atlas_perms
from corridor.investment import permissions as investment_perms
from corridor.qualify import permissions as qualify_perms
from corridor.registry import permissions as registry_perms


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str | None  # None: the module is planned, not built
    permission: str | None = None
    kind: str | None = None  # an import kind: the link opens that kind's import page


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("home", _("Overview"), "dashboard:home"),
    NavItem("registry", _("Enterprises"), "registry:list", registry_perms.VIEW_ENTERPRISE),
    NavItem(
        "imports", _("Imports"), "imports:list", registry_perms.IMPORT_ENTERPRISES, "enterprises"
    ),
    NavItem("atlas", _("Industry-chain atlas"), "atlas:chains", atlas_perms.VIEW_CHAIN),
    NavItem(
        "investment",
        _("Investment attraction"),
        "investment:board",
        investment_perms.VIEW_PIPELINE_SUMMARY,  # the leader's board is the funnel
    ),
    NavItem("parks", _("Science park"), None),
    NavItem("qualify", _("Cultivation"), "qualify:index", qualify_perms.VIEW_QUALIFICATION),
    NavItem("academy", _("Talent academy"), None),
    NavItem(
        "admin",
        pgettext_lazy("navigation", "Administration"),
        "admin:index",
        accounts_perms.CHANGE_USER,
    ),
)


def navigation(request: HttpRequest) -> dict:
    """Template context: the navigation a signed-in user sees."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for item in NAV_ITEMS:
        if item.permission and not user.has_perm(item.permission):
            continue
        kwargs = {"kind": item.kind} if item.kind else {}
        url = reverse(item.url_name, kwargs=kwargs) if item.url_name else None
        section = "/imports/" if item.kind else url  # every import page belongs to the one item
        active = bool(url) and (
            request.path == url if item.key == "home" else request.path.startswith(section or "~")
        )
        items.append({"key": item.key, "label": item.label, "url": url, "active": active})
    return {"nav_items": items}
