"""The dashboard has no tables of its own; this model only carries its permission."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", _("Can view the district dashboard"))]

    def __str__(self) -> str:
        return "dashboard"
