"""The screening tool is edited here, as data. A version that has been used is read-only: copy it
to a new version, edit that, then make it current. Old screenings keep their own version."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import ScreeningIndicator, ScreeningTool


class IndicatorInline(admin.TabularInline):
    model = ScreeningIndicator
    extra = 0
    fields = ["order", "theme", "code", "text", "weight"]

    def _used(self, obj) -> bool:
        return obj is not None and obj.screenings.exists()

    def has_add_permission(self, request, obj=None):
        return not self._used(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._used(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._used(obj) and super().has_delete_permission(request, obj)


@admin.register(ScreeningTool)
class ScreeningToolAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "is_current", "published_on"]
    inlines = [IndicatorInline]
    readonly_fields = ["version", "is_current"]
    actions = ["copy_as_new_version", "make_current"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.screenings.exists()

    @admin.action(description="Copy as a new (not yet current) version")
    @transaction.atomic
    def copy_as_new_version(self, request, queryset):
        for tool in queryset:
            version = (ScreeningTool.objects.aggregate(v=Max("version"))["v"] or 0) + 1
            new = ScreeningTool.objects.create(
                version=version,
                title=tool.title,
                is_current=False,
                published_on=timezone.localdate(),
            )
            ScreeningIndicator.objects.bulk_create(
                [
                    ScreeningIndicator(
                        tool=new,
                        theme=i.theme,
                        code=i.code,
                        text=i.text,
                        weight=i.weight,
                        order=i.order,
                    )
                    for i in tool.indicators.all()
                ]
            )
            messages.success(request, f"Version {version} created from version {tool.version}.")

    @admin.action(description="Make current (used for new screenings)")
    @transaction.atomic
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, "Choose exactly one version to make current.")
            return
        tool = queryset.get()
        if not tool.indicators.exists():
            messages.error(request, "A version with no indicators cannot be made current.")
            return
        ScreeningTool.objects.filter(is_current=True).update(is_current=False)
        ScreeningTool.objects.filter(pk=tool.pk).update(
            is_current=True, published_on=timezone.localdate()
        )
        messages.success(request, f"Version {tool.version} is now current.")
