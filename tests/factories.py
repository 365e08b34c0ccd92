"""factory_boy factories for the core records. All data is synthetic."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.contrib.auth.hashers import make_password

from cshub.accounts.models import Agency, Membership, Team, User
from cshub.contexts.models import Group, PersonGroup, PersonPlace, Place
from cshub.core import identifiers
from cshub.core.vocab import (
    AgencyKind,
    AllocationRole,
    CaseLevel,
    Confidence,
    FlagStatus,
    GroupKind,
    HarmType,
    IdentifierScheme,
    InformationSource,
    PlaceAssociationKind,
    PlaceKind,
    Role,
    Sex,
    TeamFunction,
)
from cshub.people.models import Allocation, Case, CaseHarm, Flag, Identifier, Person

PASSWORD = "correct-horse-battery"  # noqa: S105 - test-only password
_nhs = itertools.count(1)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"agency{n}")
    name = factory.LazyAttribute(lambda o: f"Agency {o.code}")
    kind = AgencyKind.CHILDRENS_SOCIAL_CARE


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"team{n}")
    name = factory.Sequence(lambda n: f"Team {n}")
    function = TeamFunction.CYPF


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Worker{n}")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Role.PRACTITIONER
    started_on = dt.date(2024, 1, 1)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Sequence(lambda n: f"Alex{n}")
    family_name = "Testperson"
    date_of_birth = dt.date(2011, 5, 17)
    sex = Sex.FEMALE


class IdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Identifier

    person = factory.SubFactory(PersonFactory)
    scheme = IdentifierScheme.NHS_NUMBER
    value = factory.LazyFunction(lambda: identifiers.make_nhs_number(next(_nhs) * 13))


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    reference = factory.Sequence(lambda n: f"CS-T{n:05d}")
    level = CaseLevel.CHILD_IN_NEED
    opened_on = dt.date(2025, 3, 1)

    @factory.post_generation
    def harms(self, create, extracted, **kwargs):
        for harm in extracted or [HarmType.CCE]:
            CaseHarm.objects.create(case=self, harm_type=harm)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    case = factory.SubFactory(CaseFactory)
    team = factory.SubFactory(TeamFactory)
    role = AllocationRole.LEAD
    started_on = dt.date(2025, 3, 2)


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    person = factory.SubFactory(PersonFactory)
    harm_type = HarmType.CCE
    status = FlagStatus.AT_RISK
    reason = "Seen with older youths at the retail park late at night."
    raised_on = dt.date(2025, 4, 1)
    review_on = dt.date(2025, 10, 1)


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    kind = PlaceKind.PARK
    name = factory.Sequence(lambda n: f"Test Park {n}")
    ward_id = "E05000976"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    kind = GroupKind.PEER_GROUP
    name = factory.Sequence(lambda n: f"Test group {n}")


class PersonPlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonPlace

    person = factory.SubFactory(PersonFactory)
    place = factory.SubFactory(PlaceFactory)
    kind = PlaceAssociationKind.FREQUENTS
    first_seen = dt.date(2025, 5, 1)
    source = InformationSource.OBSERVATION
    confidence = Confidence.PROBABLE


class PersonGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonGroup

    person = factory.SubFactory(PersonFactory)
    group = factory.SubFactory(GroupFactory)
    first_seen = dt.date(2025, 5, 1)
    source = InformationSource.INTELLIGENCE
    confidence = Confidence.POSSIBLE


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A BACE in draft by default: pass `author` and `team` (the author's team)."""

    class Meta:
        model = "assessments.Assessment"

    kind = "bace"
    person = factory.SubFactory(PersonFactory)
    team = factory.SubFactory(TeamFactory)
    author = factory.SubFactory(UserFactory)
    updated_by = factory.SelfAttribute("author")
    started_on = dt.date(2025, 6, 1)


class HarmRiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.HarmRisk"

    assessment = factory.SubFactory(AssessmentFactory)
    harm_type = HarmType.CCE
    risk_level = "medium"
    indicators = "Found with unexplained cash and a second phone."
