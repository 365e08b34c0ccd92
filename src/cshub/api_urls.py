"""`/api/v1/`: the partner API. Each app adds its endpoints from its own `api_urls.py`; the
OpenAPI schema of them all is at `/api/v1/schema/` (JSON with `?format=json`)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

app_name = "api"

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("", include("cshub.missing.api_urls")),
]
