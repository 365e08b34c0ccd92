from django.urls import path

from . import views

app_name = "linkage"

urlpatterns = [
    path("", views.home, name="home"),
    path("imports/", views.imports, name="imports"),
    path("imports/<uuid:run_id>/", views.import_run, name="import_run"),
    path("review/", views.review, name="review"),
    path("review/<uuid:candidate_id>/", views.candidate, name="candidate"),
    path("decisions/<uuid:decision_id>/undo/", views.decision_undo, name="decision_undo"),
    path("merges/", views.merges, name="merges"),
    path("merges/<uuid:merge_id>/", views.merge, name="merge"),
]
