from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import Agency, Membership, Team, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "function", "code"]
    list_filter = ["function", "agency"]
    search_fields = ["name", "code"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Work", {"fields": ("job_title", "phone")}),
        ("Sessions", {"fields": ("sessions_revoked_at",)}),
    )
    readonly_fields = ["sessions_revoked_at"]
