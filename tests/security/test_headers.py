"""Transport and headers (SECURITY.md items 22-24): the security headers on every response,
errors included; no-store; cookies; CSRF; error pages; `check --deploy` on production settings."""

from __future__ import annotations

import json
import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError
from django.test import Client, override_settings
from django.urls import reverse

from cshub.people.models import Person
from tests import factories
from tests.auth import sign_in

ROOT = Path(__file__).resolve().parents[2]
CSHUB = Path(sys.executable).with_name("cshub")


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CSHUB_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="cshub.settings.production",
        SECRET_KEY=secrets.token_urlsafe(48)[:50],
        ALLOWED_HOSTS="cshub.example.org",
    )
    return env


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    """The production settings module's values, loaded with a production-like environment."""
    saved = dict(os.environ)
    os.environ.update(_production_env())
    try:
        return runpy.run_module("cshub.settings.production")
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _as_in_production(production):
    """The header and cookie settings exactly as production has them (the test server speaks
    plain HTTP, so requests are made with secure=True)."""
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
    ]
    return override_settings(**{name: production[name] for name in names})


def _csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no CSP on {response.status_code}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response, *, hsts: bool = False) -> None:
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    script_src = csp["script-src"]
    assert "'strict-dynamic'" in script_src
    assert all(v == "'strict-dynamic'" or v.startswith("'nonce-") for v in script_src), script_src
    for name in ("frame-ancestors", "base-uri", "object-src"):
        assert csp[name] == ["'none'"], name
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["form-action"] == ["'self'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    if hsts:
        assert response["Strict-Transport-Security"] == (
            "max-age=63072000; includeSubDomains; preload"
        )


def _lock_out(client: Client, username: str = "anybody", **extra):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("accounts:login"), {"username": username, "password": f"x{attempt}"}, **extra
        )
    assert response.status_code == 429
    return response


def _responses(signed_in: Client, anonymous: Client, **extra) -> dict[int | str, object]:
    responses = {
        "200 signed in": signed_in.get(reverse("core:home"), **extra),
        "200 sign-in page": anonymous.get(reverse("accounts:login"), **extra),
        404: signed_in.get("/people/00000000-0000-0000-0000-000000000000/", **extra),
        "404 anonymous": anonymous.get("/no-such-page/", **extra),
        302: anonymous.get(reverse("core:home"), **extra),
        403: Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {}, **extra),
        429: _lock_out(anonymous, **extra),
    }
    assert {k: r.status_code for k, r in responses.items()} == {
        "200 signed in": 200,
        "200 sign-in page": 200,
        404: 404,
        "404 anonymous": 404,
        302: 302,
        403: 403,
        429: 429,
    }
    return responses


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(cypf_worker_client):
    for name, response in _responses(cypf_worker_client, Client()).items():
        try:
            assert_security_headers(response)
            assert "no-store" in response["Cache-Control"]
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from error


@pytest.mark.django_db
def test_hsts_on_every_response_in_production(production, cypf_worker):
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    with _as_in_production(production):
        signed_in, anonymous = Client(), Client()
        sign_in(signed_in, cypf_worker)
        for name, response in _responses(signed_in, anonymous, secure=True).items():
            try:
                assert_security_headers(response, hsts=True)
            except AssertionError as error:
                raise AssertionError(f"{name}: {error}") from error


@pytest.mark.django_db
def test_a_500_carries_the_headers_and_shows_no_stack_trace_or_sql(cypf_worker, monkeypatch):
    from cshub.accounts import views

    def broken(user):
        raise DatabaseError('relation "accounts_user" does not exist: SELECT "secret" FROM t')

    monkeypatch.setattr(views.mfa, "confirmed_device", broken)
    client = Client(raise_request_exception=False)
    sign_in(client, cypf_worker)
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 500
    assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "govuk-template" in html
    for leak in ("Traceback", "SELECT", "DatabaseError", "accounts_user", "File "):
        assert leak not in html, leak


@pytest.mark.django_db
def test_error_pages_are_govuk_pages_without_internals(cypf_worker_client):
    not_found = cypf_worker_client.get("/people/00000000-0000-0000-0000-000000000000/")
    assert "govuk-template" in not_found.content.decode()
    csrf = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {})
    assert "Your form could not be sent" in csrf.content.decode()
    assert "CSRF" not in csrf.content.decode()  # Django's own page explains internals
    locked = _lock_out(Client())
    assert "Sign-in blocked for now" in locked.content.decode()


@pytest.mark.django_db
def test_the_script_nonce_matches_the_header_and_changes_every_response(client):
    nonces = []
    for _ in range(2):
        response = client.get(reverse("accounts:login"))
        html = response.content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all(re.search(r' src="/static/', s) for s in scripts), (
            scripts
        )  # no inline
        assert any(re.search(r'type="module" src="/static/cshub/init\.js"', s) for s in scripts)
        found = {re.search(r'nonce="([^"]+)"', s).group(1) for s in scripts}
        assert len(found) == 1, scripts  # every script carries this response's one nonce
        nonce = found.pop()
        assert f"'nonce-{nonce}'" in _csp(response)["script-src"]
        assert "<style" not in html and " style=" not in html  # style-src 'self' allows neither
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


@pytest.mark.django_db
def test_static_files_get_the_headers_but_keep_their_caching(client):
    response = client.get("/static/cshub/init.js")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_no_store_on_signed_in_pages(cypf_worker_client, allocated_case):
    for url in (
        reverse("core:home"),
        reverse("people:detail", args=[allocated_case.person.id]),
        reverse("people:search") + "?name=jor",
        reverse("accounts:account"),
    ):
        response = cypf_worker_client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store, private", url


@pytest.mark.django_db
def test_cookies_are_secure_httponly_and_samesite(production, cypf_worker):
    with _as_in_production(production):
        client = Client()
        client.get(reverse("accounts:login"), secure=True)
        response = client.post(
            reverse("accounts:login"),
            {"username": cypf_worker.username, "password": factories.PASSWORD},
            secure=True,
        )
        assert response.status_code == 302
        session = response.cookies[production["SESSION_COOKIE_NAME"]]
        assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
        assert production["SESSION_COOKIE_NAME"].startswith("__Host-")
        csrf = client.cookies[production["CSRF_COOKIE_NAME"]]
        assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"


@pytest.mark.django_db
def test_a_post_without_a_csrf_token_is_refused(cypf_worker):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, cypf_worker)
    before = Person.objects.count()
    response = client.post(reverse("people:create"), {"given_name": "Csrf", "family_name": "Test"})
    assert response.status_code == 403
    assert Person.objects.count() == before
    assert client.post(reverse("accounts:sign_out_everywhere")).status_code == 403
    assert client.post(reverse("accounts:logout")).status_code == 403
    assert client.get(reverse("core:home")).status_code == 200  # still signed in
    # With the token from the form, the same client gets through.
    page = client.get(reverse("accounts:account")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_check_deploy_passes_on_production_settings():
    result = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(CSHUB), "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_as_the_server_sees_them():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n) "
        "for n in ['DEBUG', 'CSHUB_DEMO_MODE', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SAMESITE', "
        "'SECURE_SSL_REDIRECT', 'AXES_ENABLED']}))"
    )
    env = _production_env()
    env["CSHUB_DEMO_MODE"] = "1"  # production must ignore it
    result = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(CSHUB), "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "CSHUB_DEMO_MODE": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_SSL_REDIRECT": True,
        "AXES_ENABLED": True,
    }
