from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "corridor.investment"
    verbose_name = _("Investment attraction")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Stages and lost reasons are data from investment/data/stages.yaml, synced after migrate.
        post_migrate.connect(_load_stages, sender=self, dispatch_uid="corridor-load-stages")
        from corridor.imports.seam import register
        from corridor.investment.intake import ProjectImporter

        register(ProjectImporter())  # project imports go through the intake wing's flow


def _load_stages(sender, **kwargs) -> None:  # type: ignore[no-untyped-def]
    from corridor.investment.services import ensure_stages

    ensure_stages()
