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
        # The registry list narrows to a chain's enterprises (?chain=KEY) without importing the atlas.
        from corridor.atlas import selectors
        from corridor.registry.selectors import ListFilter, register_list_filter

        register_list_filter(
            "chain", ListFilter(selectors.enterprises_on_chain, selectors.describe_chain_filter)
        )


def _load_chains(sender, **kwargs) -> None:  # type: ignore[no-untyped-def]
    from corridor.atlas.services import ensure_packaged_chains

    ensure_packaged_chains()


def _classify_changed(sender, ids, **kwargs) -> None:  # type: ignore[no-untyped-def]
    from corridor.atlas.services import classify_changed_enterprises

    classify_changed_enterprises(ids)
