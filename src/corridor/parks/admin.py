from django.contrib import admin

from corridor.parks.models import Park


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "operator")
