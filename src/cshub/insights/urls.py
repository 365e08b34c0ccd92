from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("kpi/<slug:key>/", views.kpi_detail, name="kpi"),
    path("kpi/<slug:key>/records/", views.kpi_records, name="records"),
]
