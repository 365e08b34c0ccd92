from django.contrib import admin

from .models import ImportRun, SourceRecord, SourceSystem


@admin.register(SourceSystem)
class SourceSystemAdmin(admin.ModelAdmin):
    """Source systems are configuration: an administrator adds, renames or retires them here."""

    list_display = ["code", "name", "kind", "identifier_scheme", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        return False  # retire a system (is_active) instead: its imports and records refer to it


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: imports and source records change through `linkage.services`, which audits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "system", "file_name", "status", "rows", "error_count"]
    list_filter = ["status", "system"]
    search_fields = ["file_name", "file_sha256"]


@admin.register(SourceRecord)
class SourceRecordAdmin(ReadOnlyAdmin):
    list_display = ["system", "record_id", "match_method", "last_seen_run"]
    list_filter = ["system", "match_method"]
    search_fields = ["record_id"]
