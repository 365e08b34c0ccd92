from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.search, name="search"),
    path("export.csv", views.export, name="export"),
    path("people/<uuid:person_id>/", views.person_log, name="person_log"),
]
