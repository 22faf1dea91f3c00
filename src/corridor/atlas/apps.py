from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AtlasConfig(AppConfig):
    name = "corridor.atlas"
    verbose_name = _("Industry-chain atlas")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from corridor.registry.signals import enterprises_changed

        # The packaged chains are loaded into the database after every migrate, like the roles.
        post_migrate.connect(_load_chains, sender=self, dispatch_uid="corridor-load-chains")
        # Enterprises created, edited, deleted, restored or imported are classified at once.
        enterprises_changed.connect(_classify_changed, dispatch_uid="corridor-classify-changed")


def _load_chains(sender, **kwargs) -> None:  # type: ignore[no-untyped-def]
    from corridor.atlas.services import ensure_packaged_chains

    ensure_packaged_chains()


def _classify_changed(sender, ids, **kwargs) -> None:  # type: ignore[no-untyped-def]
    from corridor.atlas.services import classify_changed_enterprises

    classify_changed_enterprises(ids)
