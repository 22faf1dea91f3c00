from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(using: str = "default", **kwargs: Any) -> None:
    """`corridor migrate` alone makes a working instance: the database cache's table comes with it
    (sign-in counts failures in the cache, so without it the login page fails)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "corridor.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="corridor-cache-table")
