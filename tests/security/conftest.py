"""A small borough for the need-to-know matrix: one child, the teams around them, and users
with and without a relationship. One signed-in client per role (uktrade/icms style)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from cshub.core.vocab import AgencyKind, Role, TeamFunction
from tests import factories


def signed_in(user) -> Client:
    """A client signed in as `user`, with MFA satisfied when the project enforces it."""
    client = Client()
    try:
        from tests.auth import sign_in
    except ImportError:  # before MFA exists
        client.force_login(user)
    else:
        sign_in(client, user)
    return client


@pytest.fixture
def borough(db):
    csc = factories.AgencyFactory(
        code="csc", name="Children's Social Care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE
    )
    police = factories.AgencyFactory(code="police", name="Borough Police", kind=AgencyKind.POLICE)
    education = factories.AgencyFactory(
        code="education", name="Education", kind=AgencyKind.EDUCATION
    )
    ig_agency = factories.AgencyFactory(
        code="ig", name="Information Governance", kind=AgencyKind.OTHER
    )
    teams = {
        "cypf": factories.TeamFactory(
            agency=csc, code="cypf", name="CYPF", function=TeamFunction.CYPF
        ),
        "assessment": factories.TeamFactory(
            agency=csc, code="assess", name="Assessment", function=TeamFunction.ASSESSMENT
        ),
        "front_door": factories.TeamFactory(
            agency=csc,
            code="ifd",
            name="Integrated Front Door",
            function=TeamFunction.FRONT_DOOR,
            email="ifd@example.org",
        ),
        "specialist": factories.TeamFactory(
            agency=csc, code="specialist", name="Specialist team", function=TeamFunction.SPECIALIST
        ),
        "police": factories.TeamFactory(
            agency=police,
            code="pet",
            name="Police exploitation team",
            function=TeamFunction.POLICE_EXPLOITATION,
        ),
        "school": factories.TeamFactory(
            agency=education, code="school", name="Other School", function=TeamFunction.SCHOOL
        ),
        "ig": factories.TeamFactory(
            agency=ig_agency,
            code="ig",
            name="Information governance",
            function=TeamFunction.INFORMATION_GOVERNANCE,
            email="ig@example.org",
        ),
    }

    def member(username, team, role=Role.PRACTITIONER, **kwargs):
        return factories.MembershipFactory(
            user__username=username,
            user__email=f"{username}@example.org",
            team=teams[team],
            role=role,
            **kwargs,
        ).user

    users = {
        "cypf_worker": member("cypf.worker", "cypf"),
        "cypf_colleague": member("cypf.colleague", "cypf"),
        "cypf_manager": member("cypf.manager", "cypf", Role.MANAGER),
        "unrelated_worker": member("assess.worker", "assessment"),
        "ifd_worker": member("ifd.worker", "front_door"),
        "police_analyst": member("police.analyst", "police", Role.ANALYST),
        "school_dsl": member("school.dsl", "school"),
        "specialist_manager": member("specialist.manager", "specialist", Role.MANAGER),
        "dpo": member("dpo", "ig", Role.DATA_PROTECTION_OFFICER),
        "former_cypf": member(
            "former.cypf", "cypf", started_on=dt.date(2023, 1, 1), ended_on=dt.date(2024, 1, 1)
        ),
    }
    child = factories.PersonFactory(given_name="Casey", family_name="Matrixchild")
    factories.IdentifierFactory(person=child)
    case = factories.AllocationFactory(
        case__person=child, team=teams["cypf"], worker=users["cypf_worker"]
    ).case
    place = factories.PlaceFactory(name="Matrix Park")
    factories.PersonPlaceFactory(person=child, place=place)
    return {"teams": teams, "users": users, "child": child, "case": case, "place": place}


@pytest.fixture
def clients(borough):
    return {role: signed_in(user) for role, user in borough["users"].items()}
