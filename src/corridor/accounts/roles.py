"""Roles are Django groups; this table says which permissions each role carries."""

from __future__ import annotations

from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    INVESTMENT_ANALYST = "investment_analyst", _("Investment analyst")
    TECHNOLOGY_OFFICER = "technology_officer", _("Technology officer")
    PARK_OPERATOR = "park_operator", _("Park operator")
    ACADEMY_COORDINATOR = "academy_coordinator", _("Academy coordinator")
    LEADER = "leader", _("Leader (read-only)")
    APPLICANT = "applicant", _("Enterprise applicant")


REGISTRY_READ = ["registry.view_enterprise", "registry.view_enterpriseyearfacts"]
REGISTRY_EXPORT = ["registry.export_enterprises"]
REGISTRY_EDIT = [
    "registry.add_enterprise",
    "registry.change_enterprise",
    "registry.change_enterpriseyearfacts",
    "registry.add_enterpriseyearfacts",
]
REGISTRY_IMPORT = ["registry.import_enterprises"]
DASHBOARD = ["dashboard.view_dashboard"]
ATLAS_READ = ["atlas.view_chain", "atlas.view_nodelink"]
ATLAS_REVIEW = ["atlas.review_links", "atlas.run_classification"]
# Projects are visible to investment roles only (administrators see every team's projects).
INVESTMENT = [
    "investment.view_project",
    "investment.manage_pipeline",
    "investment.rank_targets",
    "investment.view_targetlist",
    "investment.add_targetlist",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Administrators get every permission (see ensure_roles); listed here for completeness.
    Role.ADMINISTRATOR: [],
    Role.INVESTMENT_ANALYST: DASHBOARD
    + REGISTRY_READ
    + REGISTRY_EXPORT
    + REGISTRY_EDIT
    + REGISTRY_IMPORT
    + ATLAS_READ
    + ATLAS_REVIEW
    + INVESTMENT,
    Role.TECHNOLOGY_OFFICER: DASHBOARD
    + REGISTRY_READ
    + REGISTRY_EXPORT
    + REGISTRY_EDIT
    + REGISTRY_IMPORT
    + ATLAS_READ,
    Role.PARK_OPERATOR: DASHBOARD + REGISTRY_READ + REGISTRY_EXPORT + REGISTRY_EDIT + ATLAS_READ,
    Role.ACADEMY_COORDINATOR: DASHBOARD + REGISTRY_READ,
    Role.LEADER: DASHBOARD + REGISTRY_READ + REGISTRY_EXPORT + ATLAS_READ,
    Role.APPLICANT: [],
}


def ensure_roles(**kwargs: Any) -> None:
    """Create the role groups and set their permissions exactly as ROLE_PERMISSIONS says."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        if role == Role.ADMINISTRATOR:
            group.permissions.set(Permission.objects.all())
            continue
        wanted = []
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)


def role_of(user: Any) -> str | None:
    """The user's role name (the first role group it belongs to), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    names = set(user.groups.values_list("name", flat=True))
    for role in Role:
        if role.value in names:
            return role.value
    return Role.ADMINISTRATOR.value if user.is_superuser else None
