from django.contrib import admin

from .models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Read-only: activity is recorded through `services`, which audits it."""

    list_display = ["occurred_on", "kind", "four_p", "outcome", "agency"]
    list_filter = ["kind", "four_p", "outcome"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
