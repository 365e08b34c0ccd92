from django.urls import path

from . import views

app_name = "interventions"

urlpatterns = [
    path("people/<uuid:person_id>/ete/new/", views.ete_new, name="ete_new"),
    path("people/<uuid:person_id>/new/", views.intervention_new, name="intervention_new"),
    path("<uuid:intervention_id>/end/", views.intervention_end, name="intervention_end"),
]
