from django.urls import path

from . import views

app_name = "missing"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("unmatched/", views.unmatched, name="unmatched"),
    path("unmatched/<uuid:episode_id>/", views.unmatched_resolve, name="resolve"),
    path("people/<uuid:person_id>/new/", views.episode_new, name="episode_new"),
    path("episodes/<uuid:episode_id>/", views.episode_detail, name="episode"),
    path("episodes/<uuid:episode_id>/return/", views.episode_return, name="return"),
    path("episodes/<uuid:episode_id>/rhi/offer/", views.rhi_offer, name="rhi_offer"),
    path(
        "episodes/<uuid:episode_id>/rhi/not-offered/", views.rhi_not_offered, name="rhi_not_offered"
    ),
    path("episodes/<uuid:episode_id>/rhi/interview/", views.rhi_interview, name="rhi_interview"),
    path("episodes/<uuid:episode_id>/rhi/share/", views.rhi_share, name="rhi_share"),
    path("prompts/<uuid:prompt_id>/meeting/", views.prompt_meeting, name="meeting"),
]
