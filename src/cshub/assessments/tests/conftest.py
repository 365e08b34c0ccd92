"""A small organisation for the assessment tests: the CYPF team (two practitioners, two
managers), the specialist team's manager, the Front Door and Assessment teams, an HSB
practitioner, and a child whose case is allocated to CYPF."""

from __future__ import annotations

import pytest

from cshub.assessments import services
from cshub.core.vocab import AgencyKind, Role, TeamFunction
from tests import factories
from tests.auth import sign_in

from .helpers import complete


@pytest.fixture
def org(db):
    csc = factories.AgencyFactory(
        code="csc", name="Children's Social Care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE
    )
    teams = {
        code: factories.TeamFactory(agency=csc, code=code, name=name, function=function)
        for code, name, function in (
            ("cypf", "CYPF", TeamFunction.CYPF),
            ("specialist", "Specialist team", TeamFunction.SPECIALIST),
            ("ifd", "Integrated Front Door", TeamFunction.FRONT_DOOR),
            ("assessment", "Assessment team", TeamFunction.ASSESSMENT),
            ("hsb", "HSB service", TeamFunction.HSB_SERVICE),
            ("yjs", "Youth justice", TeamFunction.YOUTH_JUSTICE),
        )
    }

    def member(username, team, role=Role.PRACTITIONER):
        return factories.MembershipFactory(
            user__username=username, team=teams[team], role=role
        ).user

    users = {
        "worker": member("cypf.worker", "cypf"),
        "colleague": member("cypf.colleague", "cypf"),
        "manager": member("cypf.manager", "cypf", Role.MANAGER),
        "manager2": member("cypf.manager2", "cypf", Role.MANAGER),
        "specialist_manager": member("specialist.manager", "specialist", Role.MANAGER),
        "hsb_worker": member("hsb.worker", "hsb"),
    }
    child = factories.PersonFactory(given_name="Riley", family_name="Assessed")
    case = factories.AllocationFactory(
        case__person=child, team=teams["cypf"], worker=users["worker"]
    ).case
    return {"teams": teams, "users": users, "child": child, "case": case}


@pytest.fixture
def draft(org):
    return services.assessment_create(
        actor=org["users"]["worker"],
        person=org["child"],
        kind="bace",
        team=org["teams"]["cypf"],
        case=org["case"],
    )


@pytest.fixture
def submitted(org, draft):
    worker = org["users"]["worker"]
    return services.assessment_submit(actor=worker, assessment=complete(draft, worker))


@pytest.fixture
def client_for(client):
    def _client(user):
        sign_in(client, user)
        return client

    return _client
