"""Cross-app fixtures: one signed-in client per role, as uktrade/icms does.

Need-to-know (issue 3) will give these clients different views of the same borough; for now
they establish who is who.
"""

from __future__ import annotations

import pytest

from cshub.core.vocab import AgencyKind, Role, TeamFunction

from . import factories
from .auth import sign_in


@pytest.fixture
def csc(db):
    return factories.AgencyFactory(
        code="csc", name="Children's Social Care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE
    )


@pytest.fixture
def cypf_team(csc):
    return factories.TeamFactory(agency=csc, code="cypf", name="CYPF", function=TeamFunction.CYPF)


@pytest.fixture
def cypf_worker(cypf_team):
    membership = factories.MembershipFactory(
        user__username="cypf.worker", team=cypf_team, role=Role.PRACTITIONER
    )
    return membership.user


@pytest.fixture
def cypf_worker_client(client, cypf_worker):
    sign_in(client, cypf_worker)  # password and second factor, as after a real sign-in
    return client


@pytest.fixture
def child(db):
    person = factories.PersonFactory(given_name="Jordan", family_name="Testwood")
    factories.IdentifierFactory(person=person)
    return person


@pytest.fixture
def allocated_case(child, cypf_team, cypf_worker):
    allocation = factories.AllocationFactory(case__person=child, team=cypf_team, worker=cypf_worker)
    return allocation.case
