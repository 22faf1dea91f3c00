from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "corridor.accounts"
    verbose_name = _("Accounts and audit")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Roles are data derived from code: re-synced after every migrate so they never drift. They are
        # synced once the last app has migrated, when every app's permissions exist.
        post_migrate.connect(_sync_roles_after_last_app, dispatch_uid="corridor-sync-roles")


def _sync_roles_after_last_app(sender, **kwargs) -> None:  # type: ignore[no-untyped-def]
    from django.apps import apps

    from corridor.accounts.roles import ensure_roles

    with_models = [
        c for c in apps.get_app_configs() if c.models_module is not None
    ]  # only these get the signal
    if sender.label == with_models[-1].label:
        ensure_roles()
