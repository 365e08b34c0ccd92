from django.urls import path

from . import views

app_name = "disruption"

urlpatterns = [
    path("people/<uuid:person_id>/new/", views.activity_new, name="activity_new"),
]
