from django.contrib import admin

from .models import Episode, ReturnInterview, StrategyMeetingPrompt


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    """Read-only: episodes change through the pathway's services, which audit them."""

    list_display = ["police_reference", "reporting_agency", "reported_at", "returned_at", "source"]
    list_filter = ["source", "episode_type", "police_risk"]
    search_fields = ["police_reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReturnInterview)
class ReturnInterviewAdmin(EpisodeAdmin):
    list_display = ["episode", "offered_at", "response", "held_at", "shared_with_police_at"]
    list_filter = ["response", "not_offered_reason"]
    search_fields = ["episode__police_reference"]


@admin.register(StrategyMeetingPrompt)
class StrategyMeetingPromptAdmin(EpisodeAdmin):
    list_display = ["raised_at", "episode_count", "rule", "meeting_on"]
    list_filter = []
    search_fields = []
