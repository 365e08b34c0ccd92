from django.urls import path

from . import views

app_name = "contexts"

urlpatterns = [
    path("places/", views.place_list, name="place_list"),
    path("places/<uuid:place_id>/", views.place_detail, name="place_detail"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/<uuid:group_id>/", views.group_detail, name="group_detail"),
]
