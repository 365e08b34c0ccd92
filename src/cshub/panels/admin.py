from django.contrib import admin

from .models import Meeting, Panel


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    """Reference data: the partnership's panels, their chairs and member agencies."""

    list_display = ["name", "kind", "chair", "is_active"]
    list_filter = ["kind", "is_active"]
    filter_horizontal = ["member_agencies"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Read-only: meetings, agendas and minutes change through `services`, which audit them."""

    list_display = ["panel", "starts_at", "published_at", "minutes_approved_at"]
    list_filter = ["panel__kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
