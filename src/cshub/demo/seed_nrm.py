"""Demo extension: NRM referrals of children exploited in the synthetic borough.

About a third of cases with criminal or sexual exploitation or modern slavery get a referral a
few days after the case opened, submitted by children's social care (most) or the police, with
the exploitation types the case's harms suggest. The Home Office's reasonable grounds decision
comes 2-9 working days later (mostly positive, some negative, a few withdrawn), judged by the
Single Competent Authority or the devolved local panel; a positive one gets its conclusive
grounds decision months later, if that day has come. Recent referrals are still pending, some
past their 5-working-day target, so the clock shows on their page.

Deterministic: one stream (`borough.stream("nrm")`), cases read in id order, written in bulk;
deadlines from `cshub.core.clocks`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from cshub.accounts.models import Agency
from cshub.core import clocks
from cshub.core.vocab import HarmType
from cshub.nrm.choices import (
    ConclusiveGrounds,
    DecisionMaker,
    ExploitationType,
    Location,
    ReasonableGrounds,
)
from cshub.nrm.models import Referral
from cshub.people.models import Case

from . import generator
from .extensions import Extension

NRM_HARMS = {HarmType.CCE, HarmType.CSE, HarmType.MODERN_SLAVERY}
TYPES = {
    HarmType.CCE: [ExploitationType.CRIMINAL],
    HarmType.CSE: [ExploitationType.SEXUAL],
    HarmType.MODERN_SLAVERY: [ExploitationType.LABOUR, ExploitationType.CRIMINAL],
}
SUMMARIES = (
    "Found in another force area with drugs and cash; says he owes money to older males.",
    "Disclosed being taken to addresses in other towns and made to have sex with adults.",
    "Found working unpaid in a car wash; no documents; controlled by an adult 'uncle'.",
    "Stopped on a train with a phone used as a drug line; frightened to go home.",
    "Repeatedly missing; found at a flat used for dealing; injuries she will not explain.",
)


def _working_days_after(moment: datetime, days: int) -> date:
    return clocks.add_working_days(moment, days).date()


def run(borough) -> None:
    rng = borough.stream("nrm")
    today = borough.today
    agencies = dict(Agency.objects.filter(code__in=("csc", "police")).values_list("code", "id"))
    if len(agencies) < 2:
        return  # not the demo borough's organisation
    referrals = []
    cases = Case.objects.prefetch_related("harms").order_by("id")
    for case in cases:
        harms = {h.harm_type for h in case.harms.all()} & NRM_HARMS
        if not harms or not rng.chance(0.35):
            continue
        day = case.opened_on + timedelta(days=rng.randint(1, 12))
        if day >= today:
            continue
        submitted = datetime.combine(
            day, time(rng.randint(9, 17), rng.randint(0, 59)), tzinfo=clocks.LONDON
        ).astimezone(UTC)
        types = sorted({t for h in sorted(harms) for t in TYPES[h]})
        referral = Referral(
            id=rng.uuid(),
            person_id=case.person_id,
            case_id=case.id,
            submitted_at=submitted,
            first_responder_id=agencies["police" if rng.chance(0.2) else "csc"],
            exploitation_types=types,
            location=Location.UK if rng.chance(0.9) else Location.BOTH,
            summary=rng.choice(SUMMARIES),
            reasonable_grounds_due_at=clocks.nrm_reasonable_grounds_due(submitted),
        )
        decided = _working_days_after(submitted, rng.randint(2, 9))
        if decided < today:
            roll = rng.random()
            referral.reasonable_grounds = (
                ReasonableGrounds.POSITIVE
                if roll < 0.85
                else ReasonableGrounds.NEGATIVE
                if roll < 0.95
                else ReasonableGrounds.WITHDRAWN
            )
            referral.reasonable_grounds_on = decided
            referral.decided_by = (
                DecisionMaker.DEVOLVED_PANEL
                if rng.chance(0.4)
                else DecisionMaker.COMPETENT_AUTHORITY
            )
            conclusive = decided + timedelta(days=rng.randint(90, 400))
            if referral.reasonable_grounds == ReasonableGrounds.POSITIVE and conclusive < today:
                referral.conclusive_grounds = (
                    ConclusiveGrounds.POSITIVE if rng.chance(0.8) else ConclusiveGrounds.NEGATIVE
                )
                referral.conclusive_grounds_on = conclusive
        referrals.append(referral)
    generator.bulk_insert(Referral, referrals)


EXTENSION = Extension(name="nrm", run=run, models=(Referral,))
