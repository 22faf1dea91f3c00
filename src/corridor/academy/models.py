"""Talent academies and their programmes (cohorts, trainees and placements come with the academy issue)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Academy(models.Model):
    """An industrial talent academy."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    lead_agency = models.CharField(_("lead agency"), max_length=120, blank=True)
    operator = models.CharField(_("operator"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("academy")
        verbose_name_plural = _("academies")

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A training programme run by an academy."""

    academy = models.ForeignKey(Academy, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(_("name"), max_length=120)
    partner = models.CharField(_("partner institutions"), max_length=300, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.UniqueConstraint(fields=["academy", "name"], name="programme_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
