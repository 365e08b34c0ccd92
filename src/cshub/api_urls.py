"""`/api/v1/`: the partner API. Each app adds its endpoints from its own `api_urls.py`; the
OpenAPI schema of them all is at `/api/v1/schema/` (JSON with `?format=json`)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from cshub.core.api import not_found

app_name = "api"

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("", include("cshub.missing.api_urls")),
    # Anything else under /api/v1/ (an unknown path, a reference with a line break in it) gets
    # the API's JSON 404, audited, never the site's HTML page.
    re_path(r"^[\s\S]*$", login_not_required(not_found)),
]
