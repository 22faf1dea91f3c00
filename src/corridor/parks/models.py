"""Parks and zones where enterprises sit (the admission and lifecycle pools come with the park issue)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ParkKind(models.TextChoices):
    SCIENCE_PARK = "science_park", _("Science park")
    STARTUP_PARK = "startup_park", _("Start-up park")
    INDUSTRIAL_ZONE = "industrial_zone", _("Industrial zone")
    DEVELOPMENT_ZONE = "development_zone", _("Development zone")


class Park(models.Model):
    """A park or zone of the district."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=ParkKind.choices)
    county_code = models.CharField(_("county code"), max_length=6, blank=True)
    operator = models.CharField(_("operator"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
