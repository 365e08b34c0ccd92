from django.contrib import admin

from .models import Group, Place


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ward", "postcode"]
    list_filter = ["kind", "ward"]
    search_fields = ["name", "postcode"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area"]
    list_filter = ["kind"]
    search_fields = ["name"]
