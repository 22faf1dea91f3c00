from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "corridor.registry"
    verbose_name = _("Enterprise registry")

    def ready(self) -> None:
        """Register the import columns with core, so messages name them in the user's language."""
        from corridor.core.issue_text import register_columns
        from corridor.registry.columns import ENTERPRISE_FIELDS

        register_columns(ENTERPRISE_FIELDS)
