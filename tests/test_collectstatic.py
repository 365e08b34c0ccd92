"""Production's collectstatic (WhiteNoise's compressed manifest storage) succeeds on the vendored
assets: a source map reference to a file not vendored would stop a deployment."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import override_settings

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_collectstatic_with_the_production_storage(tmp_path):
    with override_settings(STORAGES=MANIFEST, STATIC_ROOT=tmp_path):
        out = io.StringIO()
        call_command("collectstatic", interactive=False, verbosity=1, stdout=out)
    assert "post-processed" in out.getvalue()
    assert (tmp_path / "staticfiles.json").exists()
    assert any(tmp_path.glob("vendor/govuk-frontend/govuk-frontend.min.*.css"))
