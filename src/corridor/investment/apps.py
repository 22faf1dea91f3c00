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
        from corridor.core.signals import data_changed
        from corridor.investment.tasks import queue_pool_warming

        # Registry, imports and atlas data changed: the worker builds the target pools again.
        data_changed.connect(queue_pool_warming, dispatch_uid="corridor-warm-pools")


def _load_stages(sender, **kwargs) -> None:  # type: ignore[no-untyped-def]
    from corridor.investment.services import ensure_stages

    ensure_stages()
