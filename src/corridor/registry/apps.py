from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "corridor.registry"
    verbose_name = _("Enterprise registry")

    def ready(self) -> None:
        """Register the import columns with core (messages name them) and the importer with the intake wing."""
        from corridor.core.issue_text import register_columns
        from corridor.registry.columns import ENTERPRISE_FIELDS

        register_columns(ENTERPRISE_FIELDS)
        from corridor.imports.seam import register
        from corridor.registry.intake import EnterpriseImporter

        register(EnterpriseImporter())
