from django.contrib import admin

from .models import ChildPopulation, Ward


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    exclude = ["boundary"]

    def has_add_permission(self, request):  # wards come from the ONS data migration
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChildPopulation)
class ChildPopulationAdmin(admin.ModelAdmin):
    """Read here; load and replace a year with `cshub load-population` (checked whole)."""

    list_display = ("year", "dimension", "group", "count", "source")
    list_filter = ("year", "dimension")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
