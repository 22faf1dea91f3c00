from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "corridor.parks"
    verbose_name = _("Parks and zones")
