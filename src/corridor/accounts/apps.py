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
        from corridor.imports import signals as import_signals

        import_signals.import_applied.connect(_audit_import, dispatch_uid="corridor-audit-import")
        import_signals.import_reverted.connect(_audit_revert, dispatch_uid="corridor-audit-revert")


def _audit_import(sender, batch, actor, counts, source=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Every applied import is in the audit trail: who, which file (by hash), the counts, and the
    channel of the apply (a file uploaded through the pages may be applied through the API)."""
    from corridor.accounts.models import AuditAction
    from corridor.accounts.services import record_audit

    note = f"{batch.filename} sha256={batch.file_sha256[:12]}"
    record_audit(actor, AuditAction.IMPORT, batch, None, counts, source=source, note=note)


def _audit_revert(sender, batch, actor, counts, removed, source, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Every revert is in the audit trail, with how many created records it removed."""
    from corridor.accounts.models import AuditAction
    from corridor.accounts.services import record_audit

    note = f"{batch.filename}: {removed} created records removed"
    record_audit(actor, AuditAction.REVERT, batch, counts, None, source=source, note=note)


def _sync_roles_after_last_app(sender, **kwargs) -> None:  # type: ignore[no-untyped-def]
    from django.apps import apps

    from corridor.accounts.roles import ensure_roles

    with_models = [
        c for c in apps.get_app_configs() if c.models_module is not None
    ]  # only these get the signal
    if sender.label == with_models[-1].label:
        ensure_roles()
