from django.contrib import admin

from .models import Referral


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Read-only: referrals change through `services`, which audit them."""

    list_display = ["submitted_at", "first_responder", "reasonable_grounds", "conclusive_grounds"]
    list_filter = ["reasonable_grounds", "conclusive_grounds", "location"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
