from django.urls import path

from . import views

app_name = "linkage"

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<uuid:run_id>/", views.import_run, name="import_run"),
]
