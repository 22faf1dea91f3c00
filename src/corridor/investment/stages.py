"""Stage rules both reads and writes need: the packaged stage configuration and what a project
lacks to enter a stage (selectors show it, services enforce it; neither imports the other)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any, cast

import yaml
from django.db.models import Field
from django.utils.translation import gettext as _

from corridor.investment.models import DocumentKind, Project, Stage


@lru_cache(maxsize=1)
def pipeline_config() -> dict[str, Any]:
    """The packaged stage configuration (stages, lost reasons, channels, stale thresholds)."""
    text = (resources.files("corridor.investment") / "data" / "stages.yaml").read_text(
        encoding="utf-8"
    )
    config = yaml.safe_load(text)
    keys = [s["key"] for s in config["stages"]]
    if len(keys) != len(set(keys)) or not config.get("lost_reasons"):
        raise ValueError("stages.yaml: stage keys must be unique and lost reasons listed")
    return config


def channels() -> list[tuple[str, str, str]]:
    """(key, Chinese, English) of the source channels."""
    return [(c["key"], c["zh"], c["en"]) for c in pipeline_config()["channels"]]


# A project counts as landed from this stage on (the entity is registered in the district).
LANDED_FROM = "registered"


# --- requirements -----------------------------------------------------------------------------


def attached_kinds(project: Project) -> set[str]:
    """The kinds of documents attached to a project."""
    return set(project.documents.values_list("kind", flat=True)) if project.pk else set()


def missing_requirements(
    project: Project,
    stage: Stage,
    reason: str = "",
    lost_reason: Any = None,
    kinds: set[str] | None = None,
) -> list[str]:
    """What the project lacks to enter the stage, in words (empty when it may enter).

    `kinds` are the attached documents' kinds when the caller already has them.
    """
    missing = []
    kinds = attached_kinds(project) if kinds is None else kinds
    for req in stage.requires or []:
        kind, _sep, name = req.partition(":")
        if kind == "field" and getattr(project, name, None) in (None, ""):
            # "field:" requirements name the project's own columns, never a reverse relation
            field = cast("Field[Any, Any]", Project._meta.get_field(name))
            label = field.verbose_name
            missing.append(_("%(field)s must be filled in") % {"field": label})
        elif kind == "document" and name not in kinds:
            missing.append(_("a %(kind)s must be attached") % {"kind": DocumentKind(name).label})
        elif req == "reason" and not reason.strip():
            missing.append(_("a reason is required"))
        elif req == "lost_reason" and lost_reason is None:
            missing.append(_("a lost reason from the list is required"))
    return missing
