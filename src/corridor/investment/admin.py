from django.contrib import admin

from corridor.investment.models import LostReason, Stage, Team, YearGoal


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ("order", "key", "name_zh", "name_en", "kind", "probability", "requires")
    list_editable = ("probability",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "manager")
    filter_horizontal = ("members",)


admin.site.register(LostReason)
admin.site.register(YearGoal)
