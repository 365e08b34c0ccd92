from django.contrib import admin

from .models import HsbConsultation, TrainingRecord


class _ReadOnly(admin.ModelAdmin):
    """Read-only: these records change through `services`, which validate and audit them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrainingRecord)
class TrainingRecordAdmin(_ReadOnly):
    list_display = ["user", "course", "completed_on", "expires_on", "provider"]
    list_filter = ["course"]


@admin.register(HsbConsultation)
class HsbConsultationAdmin(_ReadOnly):
    list_display = ["offered_on", "offered_by", "offered_to_agency", "status"]
    list_filter = ["status", "offered_to_agency"]
