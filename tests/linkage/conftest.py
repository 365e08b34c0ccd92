"""Linkage fixtures: the need-to-know borough (tests/security) plus a data steward, and synthetic
extracts (made-up names; NHS numbers in the 999 range, never issued)."""

from __future__ import annotations

import pytest

from cshub.core.identifiers import make_nhs_number, make_upn
from cshub.core.vocab import Role
from tests import factories
from tests.security.conftest import borough, clients, signed_in  # noqa: F401

NHS = [make_nhs_number(n) for n in range(1, 6)]
UPN = [make_upn(la_code=370, establishment=4001, year=2020, serial=n) for n in range(1, 6)]

COMMON = (
    "record_id,given_name,middle_names,family_name,aliases,date_of_birth,sex,address,postcode,"
    "school,nhs_number,upn"
)
SOCIAL_CARE_HEADER = COMMON + ",ce_flag,cse_flag,cin_status\n"


def social_care_rows() -> list[str]:
    return [
        f"MOS1001,Casey,Jo,Matrixchild,Case Matrix;KC,2011-05-17,F,1 Example Road,ab1 2cd,"
        f"Borough Academy,{NHS[0]},{UPN[0]},yes,no,cin",
        f"MOS1002,Robin,,Example,,2010-01-02,m,2 Sample Street,AB1 3EF,,{NHS[1]},,false,0,cp",
        "MOS1003,Sam,,Sample,,,,,,,,,,,",
    ]


def social_care_csv(rows: list[str] | None = None) -> str:
    return SOCIAL_CARE_HEADER + "".join(r + "\n" for r in (rows or social_care_rows()))


@pytest.fixture
def steward(borough):  # noqa: F811
    team = factories.TeamFactory(
        agency=borough["teams"]["ig"].agency, code="steward", name="Data stewardship"
    )
    return factories.MembershipFactory(
        user__username="data.steward", team=team, role=Role.DATA_STEWARD
    ).user


@pytest.fixture
def steward_client(steward):
    return signed_in(steward)
