from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import api

urlpatterns = [
    path(
        "missing-reports/",
        login_not_required(api.MissingReports.as_view()),
        name="missing_reports",
    ),
    path(
        "missing-reports/<path:police_reference>/return/",
        login_not_required(api.MissingReturn.as_view()),
        name="missing_return",
    ),
    path("rhi-outcomes/", login_not_required(api.RhiOutcomes.as_view()), name="rhi_outcomes"),
]
