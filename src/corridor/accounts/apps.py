from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "corridor.accounts"
    verbose_name = _("Accounts and audit")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from corridor.accounts.roles import ensure_roles

        # Roles are data derived from code: re-synced after every migrate so they never drift.
        post_migrate.connect(ensure_roles, sender=self)
