from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "corridor.academy"
    verbose_name = _("Talent academy")
