"""Demo extension: disruption of the synthetic borough's adults of concern.

About half the adults of concern (people on the far side of an "adult of concern" relationship)
have one to four disruption activities over the two years: warning notices and orders (Prevent,
Protect), arrests, charges and convictions (Pursue), licensing and closure orders at the places
they use are left for later; each protects the children tied to that adult. Mostly police, some
by the specialist team's agency (children's social care).

Deterministic: one stream (`borough.stream("disruption")`), adults read in id order, written in
bulk.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from cshub.accounts.models import Agency
from cshub.core.vocab import RelationshipKind
from cshub.disruption.choices import ActivityKind, FourP, Outcome
from cshub.disruption.models import Activity
from cshub.people.models import Relationship

from . import generator
from .extensions import Extension

# (kind, 4 P, possible outcomes)
STEPS = (
    (ActivityKind.CAWN, FourP.PREVENT, (Outcome.ISSUED,)),
    (ActivityKind.ARREST, FourP.PURSUE, (Outcome.CHARGED, Outcome.NFA, Outcome.PENDING)),
    (ActivityKind.CHARGE, FourP.PURSUE, (Outcome.PROSECUTED, Outcome.CONVICTED, Outcome.PENDING)),
    (ActivityKind.STPO, FourP.PROTECT, (Outcome.ISSUED, Outcome.REFUSED)),
    (ActivityKind.SHPO, FourP.PROTECT, (Outcome.ISSUED,)),
    (ActivityKind.WARRANT, FourP.PURSUE, (Outcome.NFA, Outcome.CHARGED)),
)


def run(borough) -> None:
    rng = borough.stream("disruption")
    agencies = dict(Agency.objects.filter(code__in=("csc", "police")).values_list("code", "id"))
    if len(agencies) < 2:
        return
    children = defaultdict(set)
    # The generator records an adult of concern as the `other` of the child's relationship.
    for child_id, adult_id in (
        Relationship.objects.filter(kind=RelationshipKind.ADULT_OF_CONCERN)
        .order_by("id")
        .values_list("person_id", "other_id")
    ):
        children[adult_id].add(child_id)
    activities, links = [], []
    span = (borough.today - borough.start).days
    for adult_id in sorted(children, key=lambda i: i.int):
        if not rng.chance(0.5):
            continue
        day = borough.start + timedelta(days=rng.randint(0, span - 1))
        for _ in range(rng.randint(1, 4)):
            if day >= borough.today:
                break
            kind, four_p, outcomes = rng.choice(STEPS)
            activity = Activity(
                id=rng.uuid(),
                target_person_id=adult_id,
                kind=kind,
                occurred_on=day,
                agency_id=agencies["police" if rng.chance(0.85) else "csc"],
                four_p=four_p,
                outcome=rng.choice(outcomes),
                notes="",
            )
            activities.append(activity)
            for child_id in sorted(children[adult_id], key=lambda i: i.int):
                links.append(Activity.children.through(activity_id=activity.id, person_id=child_id))
            day += timedelta(days=rng.randint(7, 120))
    generator.bulk_insert(Activity, activities)
    Activity.children.through.objects.bulk_create(links, batch_size=2000)


EXTENSION = Extension(name="disruption", run=run, models=(Activity, Activity.children.through))
