from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualifyConfig(AppConfig):
    name = "corridor.qualify"
    verbose_name = _("Technology-enterprise cultivation")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from corridor.registry.signals import enterprise_facts_changed, enterprises_changed

        # The packaged policy files are synced into PolicyVersion after every migrate.
        post_migrate.connect(_sync_policies, sender=self, dispatch_uid="corridor-sync-policies")
        # Enterprises created, edited or imported are evaluated again (only if their inputs changed).
        enterprises_changed.connect(_evaluate_changed, dispatch_uid="corridor-qualify-changed")
        enterprise_facts_changed.connect(_evaluate_changed, dispatch_uid="corridor-qualify-facts")


def _sync_policies(sender, **kwargs) -> None:  # type: ignore[no-untyped-def]
    from corridor.qualify.services import sync_shipped_policies

    sync_shipped_policies()


def _evaluate_changed(sender, ids, **kwargs) -> None:  # type: ignore[no-untyped-def]
    from corridor.qualify.services import evaluate_changed_enterprises

    evaluate_changed_enterprises(ids)
