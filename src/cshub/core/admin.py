from django.contrib import admin

from .models import Ward


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    exclude = ["boundary"]

    def has_add_permission(self, request):  # wards come from the ONS data migration
        return False

    def has_delete_permission(self, request, obj=None):
        return False
