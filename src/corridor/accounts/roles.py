"""Roles are Django groups; this table says which permissions each role carries."""

from __future__ import annotations

from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from corridor.atlas import permissions as atlas_perms
from corridor.dashboard import permissions as dashboard_perms
from corridor.investment import permissions as investment_perms
from corridor.qualify import permissions as qualify_perms
from corridor.registry import permissions as registry_perms


class Role(TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    INVESTMENT_ANALYST = "investment_analyst", _("Investment analyst")
    TECHNOLOGY_OFFICER = "technology_officer", _("Technology officer")
    PARK_OPERATOR = "park_operator", _("Park operator")
    ACADEMY_COORDINATOR = "academy_coordinator", _("Academy coordinator")
    LEADER = "leader", _("Leader (read-only)")
    APPLICANT = "applicant", _("Enterprise applicant")


REGISTRY_READ = [registry_perms.VIEW_ENTERPRISE, registry_perms.VIEW_YEAR_FACTS]
REGISTRY_EXPORT = [registry_perms.EXPORT_ENTERPRISES]
REGISTRY_EDIT = [
    registry_perms.ADD_ENTERPRISE,
    registry_perms.CHANGE_ENTERPRISE,
    registry_perms.CHANGE_YEAR_FACTS,
    registry_perms.ADD_YEAR_FACTS,
]
REGISTRY_IMPORT = [registry_perms.IMPORT_ENTERPRISES]
DASHBOARD = [dashboard_perms.VIEW_DASHBOARD]
ATLAS_READ = [atlas_perms.VIEW_CHAIN, atlas_perms.VIEW_NODELINK]
ATLAS_REVIEW = [atlas_perms.REVIEW_LINKS, atlas_perms.RUN_CLASSIFICATION]
# Projects are visible to investment roles only (administrators see every team's projects).
INVESTMENT = [
    investment_perms.VIEW_PROJECT,
    investment_perms.VIEW_PIPELINE_SUMMARY,
    investment_perms.MANAGE_PIPELINE,
    investment_perms.RANK_TARGETS,
    investment_perms.VIEW_TARGETLIST,
    investment_perms.ADD_TARGETLIST,
]

QUALIFY_READ = [qualify_perms.VIEW_QUALIFICATION]
QUALIFY_WORK = [
    qualify_perms.ASSESS_ENTERPRISE,
    qualify_perms.MANAGE_POLICIES,
    qualify_perms.EXPORT_CULTIVATION,
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
    + ATLAS_READ
    + QUALIFY_READ
    + QUALIFY_WORK,
    Role.PARK_OPERATOR: DASHBOARD + REGISTRY_READ + REGISTRY_EXPORT + REGISTRY_EDIT + ATLAS_READ,
    Role.ACADEMY_COORDINATOR: DASHBOARD + REGISTRY_READ,
    # the leader reads the pipeline's outcome (funnel, signed and landed projects), changes nothing
    Role.LEADER: DASHBOARD
    + REGISTRY_READ
    + REGISTRY_EXPORT
    + ATLAS_READ
    + QUALIFY_READ
    + [investment_perms.VIEW_PIPELINE_SUMMARY],
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
