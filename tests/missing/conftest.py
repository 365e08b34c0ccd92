"""Missing-pathway fixtures: the need-to-know borough (tests/security) plus API tokens."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cshub.accounts.api_auth import token_create
from tests.security.conftest import borough, clients, signed_in  # noqa: F401


def api_client(key: str | None) -> APIClient:
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def police_key(borough):  # noqa: F811
    return token_create(agency_code="police", name="Police RMS")[1]


@pytest.fixture
def police(police_key):
    return api_client(police_key)


def report_payload(**overrides) -> dict:
    payload = {
        "police_reference": "MP/26/0001",
        "reported_at": "2026-11-20T21:15:00Z",
        "child": {
            "given_name": "Casey",
            "family_name": "Matrixchild",
            "date_of_birth": "2011-05-17",
        },
        "missing_from": "home",
        "risk_level": "medium",
        "last_seen_at": "2026-11-20T18:00:00Z",
        "last_seen_where": "Bus station",
    }
    payload.update(overrides)
    return payload
