from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AtlasConfig(AppConfig):
    name = "corridor.atlas"
    verbose_name = _("Industry-chain atlas")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # The packaged chains are loaded into the database after every migrate, like the roles.
        post_migrate.connect(_load_chains, sender=self, dispatch_uid="corridor-load-chains")


def _load_chains(sender, **kwargs) -> None:  # type: ignore[no-untyped-def]
    from corridor.atlas.services import ensure_packaged_chains

    ensure_packaged_chains()
