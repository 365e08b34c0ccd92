from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "cshub administration"
admin.site.site_title = "cshub"

urlpatterns = [
    path("", include("cshub.core.urls")),
    path("accounts/", include("cshub.accounts.urls")),
    path("people/", include("cshub.people.urls")),
    path("", include("cshub.contexts.urls")),
    path("access/", include("cshub.access.urls")),
    path("assessments/", include("cshub.assessments.urls")),
    path("frontdoor/", include("cshub.frontdoor.urls")),
    path("missing/", include("cshub.missing.urls")),
    path("nrm/", include("cshub.nrm.urls")),
    path("disruption/", include("cshub.disruption.urls")),
    path("interventions/", include("cshub.interventions.urls")),
    path("workforce/", include("cshub.workforce.urls")),
    path("panels/", include("cshub.panels.urls")),
    path("linkage/", include("cshub.linkage.urls")),
    path("insights/", include("cshub.insights.urls")),
    path("audit/", include("cshub.audit.urls")),
    path("api/v1/", include("cshub.api_urls")),
    path("admin/", admin.site.urls),
]
