from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cohort/", views.cohort_page, name="cohort"),
    path("kpi/<slug:key>/", views.kpi_detail, name="kpi"),
    path("kpi/<slug:key>/records/", views.kpi_records, name="records"),
    path("report/", views.report_page, name="report"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("report.csv", views.report_csv, name="report_csv"),
    path("report/commentary/", views.report_commentary, name="report_commentary"),
]
