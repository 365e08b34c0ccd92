from django.contrib import admin

from .models import EteStatus, Intervention, InterventionHarm


class _ReadOnly(admin.ModelAdmin):
    """Read-only: these records change through `services`, which validate and audit them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EteStatus)
class EteStatusAdmin(_ReadOnly):
    list_display = ["from_date", "status", "source", "recorded_at"]
    list_filter = ["status"]


class InterventionHarmInline(admin.TabularInline):
    model = InterventionHarm
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Intervention)
class InterventionAdmin(_ReadOnly):
    list_display = ["started_on", "kind", "provider", "provider_name", "ended_on", "outcome"]
    list_filter = ["kind", "outcome"]
    inlines = [InterventionHarmInline]
