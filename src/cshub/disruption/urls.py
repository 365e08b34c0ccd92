from django.urls import path

from . import views

app_name = "disruption"

urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("people/<uuid:person_id>/new/", views.activity_new, name="activity_new"),
    path("places/<uuid:place_id>/", views.place_activity, name="place_activity"),
    path("places/<uuid:place_id>/new/", views.place_activity_new, name="place_activity_new"),
    path("groups/<uuid:group_id>/", views.group_activity, name="group_activity"),
    path("groups/<uuid:group_id>/new/", views.group_activity_new, name="group_activity_new"),
]
