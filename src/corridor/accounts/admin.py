from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from corridor.accounts import services
from corridor.accounts.forms import ThrottledAdminAuthenticationForm
from corridor.accounts.models import ApiToken, ApplicantProfile, AuditEvent

# The admin's sign-in goes through the same throttled backend; this form says when it is locked.
admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "target_type", "target_label", "source")
    list_filter = ("action", "target_type", "source")
    search_fields = ("target_label", "target_id")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "read_only",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("key_hash", "prefix")


@admin.register(ApplicantProfile)
class ApplicantProfileAdmin(admin.ModelAdmin):
    list_display = ("organisation", "uscc", "user", "confirmed_at", "confirmed_by")
    list_filter = (("confirmed_at", admin.EmptyFieldListFilter),)
    readonly_fields = ("confirmed_at", "confirmed_by")
    actions = ["confirm_claims"]

    @admin.action(
        description=gettext_lazy("Confirm the applicants' claims (organisation and USCC)")
    )
    def confirm_claims(self, request, queryset):  # type: ignore[no-untyped-def]
        done = services.confirm_claims(queryset, request.user)
        self.message_user(request, _("%(n)d claims confirmed.") % {"n": done})
