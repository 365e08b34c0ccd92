"""The strategy's KPIs (section 14), each defined once: a named, documented query with its
numerator, denominator, baseline and direction of good, computed in the database.

`docs/kpis.md` gives each definition in words; the tests in `insights/tests/test_kpis.py` pin
them on hand-built cases. A period is a pair of Europe/London dates, both inclusive; an event
belongs to the period holding its local date. The statutory deadlines are the ones stored by
`cshub.core.clocks` on each record, so a KPI and a worker's queue can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from cshub.core import clocks
from cshub.disruption.choices import CHARGED_OR_PROSECUTED
from cshub.disruption.models import Activity
from cshub.missing.choices import RhiResponse
from cshub.missing.models import Episode, ReturnInterview, StrategyMeetingPrompt
from cshub.nrm.models import Referral
from cshub.panels import rules as panel_rules
from cshub.panels.choices import (
    DIRECT_INTERVENTIONS,
    HARMING_ROLES,
    SERIOUS_HACKETT,
    PanelKind,
)
from cshub.panels.models import HsbIntervention, Review, RiskJudgement
from cshub.panels.models import Referral as PanelReferral
from cshub.panels.policy import CHILDRENS_SERVICES_KINDS


class Better:
    HIGHER = "higher"
    LOWER = "lower"
    MAINTAIN_OR_HIGHER = "maintain or higher"


@dataclass(frozen=True)
class Result:
    numerator: int
    denominator: int | None  # None for a count
    excluded: dict[str, int]  # what was left out and why, for the reader

    @property
    def value(self) -> float | None:
        if self.denominator is None:
            return float(self.numerator)
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Kpi:
    key: str
    area: str  # the strategy's heading in section 14
    title: str
    numerator: str
    denominator: str
    baseline: float | None  # a proportion (0.8 = 80%) or None where the strategy gives none
    better: str
    compute: Callable[[date, date, datetime], Result]  # (first day, last day, now)

    @property
    def is_rate(self) -> bool:
        return self.denominator != "(a count)"

    def __call__(self, start: date, end: date, now: datetime | None = None) -> Result:
        if end < start:
            raise ValueError("A period ends on or after the day it starts.")
        return self.compute(start, end, now or timezone.now())


# --- Missing -------------------------------------------------------------------------------------


def _rhi_acceptance(start: date, end: date, now: datetime) -> Result:
    lower, upper = clocks.local_days(start, end)
    counts = ReturnInterview.objects.filter(offered_at__gte=lower, offered_at__lt=upper).aggregate(
        accepted=Count("pk", filter=Q(response=RhiResponse.ACCEPTED)),
        answered=Count("pk", filter=~Q(response="")),
        awaiting=Count("pk", filter=Q(response="")),
    )
    return Result(
        counts["accepted"], counts["answered"], {"awaiting an answer": counts["awaiting"]}
    )


def _notified_within_24h(start: date, end: date, now: datetime) -> Result:
    lower, upper = clocks.local_days(start, end)
    counts = Episode.objects.filter(reported_at__gte=lower, reported_at__lt=upper).aggregate(
        total=Count("pk"),
        in_time=Count("pk", filter=Q(notified_at__lte=F("notification_due_at"))),
    )
    return Result(counts["in_time"], counts["total"], {})


def _rhi_offered_within_72h(start: date, end: date, now: datetime) -> Result:
    lower, upper = clocks.local_days(start, end)
    returned = Episode.objects.filter(returned_at__gte=lower, returned_at__lt=upper)
    decided = (
        Q(rhi__offered_at__isnull=False)
        | (Q(rhi__isnull=False) & ~Q(rhi__not_offered_reason=""))
        | Q(rhi_due_at__lt=now)
    )
    counts = returned.aggregate(
        counted=Count("pk", filter=decided),
        in_time=Count("pk", filter=Q(rhi__offered_at__lte=F("rhi_due_at"))),
        running=Count("pk", filter=~decided),
    )
    return Result(counts["in_time"], counts["counted"], {"clock still running": counts["running"]})


def _repeat_children(start: date, end: date, now: datetime) -> Result:
    """Children the repeat-missing rule prompted a strategy meeting for, counted in the period
    holding the end of the rule's period (for the default rule, the financial quarter of the
    episodes). So the KPI counts what the rule raised, under the rule as it stood then, and a
    late-recorded report counts where it belongs."""
    lower, upper = clocks.local_days(start, end)
    children = (
        StrategyMeetingPrompt.objects.filter(period_end__gte=start, period_end__lte=end)
        .values("person")
        .distinct()
        .count()
    )
    unmatched = Episode.objects.filter(
        reported_at__gte=lower, reported_at__lt=upper, person__isnull=True
    ).count()
    return Result(children, None, {"episodes not yet matched to a child": unmatched})


# --- Exploitation ---------------------------------------------------------------------------------


def _nrm_referrals(start: date, end: date, now: datetime) -> Result:
    lower, upper = clocks.local_days(start, end)
    count = Referral.objects.filter(submitted_at__gte=lower, submitted_at__lt=upper).count()
    return Result(count, None, {})


def _adults_targeted(start: date, end: date, **only) -> Result:
    """Distinct people targeted by disruption dated in the period (narrowed by `only`)."""
    targets = Activity.objects.filter(
        occurred_on__gte=start, occurred_on__lte=end, target_person__isnull=False, **only
    )
    return Result(targets.values("target_person").distinct().count(), None, {})


def _adults_disrupted(start: date, end: date, now: datetime) -> Result:
    return _adults_targeted(start, end)


def _adults_charged(start: date, end: date, now: datetime) -> Result:
    return _adults_targeted(start, end, outcome__in=CHARGED_OR_PROSECUTED)


# --- Panels and HSB ------------------------------------------------------------------------------


def _highest_rank(item_field: str) -> Subquery:
    """The highest risk rank recorded for the review's child at the item named by `item_field`."""
    return Subquery(
        RiskJudgement.objects.filter(item=OuterRef(item_field), person=OuterRef("person"))
        .values("item")
        .annotate(top=Max("rank"))
        .values("top")[:1]
    )


def _mace_reduced_risk(start: date, end: date, now: datetime) -> Result:
    """Children whose 6-month review after their initial MACE was held in the period, and of those
    the ones whose highest risk level across harm types is lower than at the initial MACE."""
    lower, upper = clocks.local_days(start, end)
    six = Review.objects.filter(months=panel_rules.OUTCOME_REVIEW_MONTHS)
    held = six.filter(
        held_item__isnull=False,
        held_item__meeting__starts_at__gte=lower,
        held_item__meeting__starts_at__lt=upper,
    ).annotate(initial=_highest_rank("initial_item"), review=_highest_rank("held_item"))
    judged = held.filter(initial__isnull=False, review__isnull=False)
    reduced = judged.filter(review__lt=F("initial")).values("person").distinct().count()
    overdue = six.filter(held_item__isnull=True, due_on__gte=start, due_on__lte=end).count()
    return Result(
        reduced,
        judged.values("person").distinct().count(),
        {"6-month reviews due in the period and not yet held": overdue},
    )


def _hsb_referrals(start: date, end: date, *, childrens_services: bool) -> Result:
    referrals = PanelReferral.objects.filter(
        panel_kind=PanelKind.HSB, referred_on__gte=start, referred_on__lte=end
    )
    q = Q(referring_agency__kind__in=CHILDRENS_SERVICES_KINDS)
    return Result(referrals.filter(q if childrens_services else ~q).count(), None, {})


def _hsb_referrals_csc(start: date, end: date, now: datetime) -> Result:
    return _hsb_referrals(start, end, childrens_services=True)


def _hsb_referrals_partners(start: date, end: date, now: datetime) -> Result:
    return _hsb_referrals(start, end, childrens_services=False)


def _hsb_direct_intervention(start: date, end: date, now: datetime) -> Result:
    """Children receiving direct work or therapy during the period for their part, as harmer (or
    both), in an incident at the serious end of the Hackett continuum (abusive or violent)."""
    receiving = HsbIntervention.objects.filter(
        kind__in=DIRECT_INTERVENTIONS,
        involvement__role__in=HARMING_ROLES,
        involvement__incident__hackett_level__in=SERIOUS_HACKETT,
        started_on__lte=end,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    return Result(receiving.values("involvement__person").distinct().count(), None, {})


KPIS: dict[str, Kpi] = {
    kpi.key: kpi
    for kpi in (
        Kpi(
            key="missing_rhi_acceptance",
            area="Missing",
            title="Return Home Interview acceptance rate",
            numerator="Offers made in the period that the child accepted",
            denominator="Offers made in the period with an answer recorded (accepted or declined)",
            baseline=0.80,
            better=Better.MAINTAIN_OR_HIGHER,
            compute=_rhi_acceptance,
        ),
        Kpi(
            key="missing_notified_24h",
            area="Missing",
            title="Missing reports received from the police within 24 hours",
            numerator="Episodes reported to the police in the period whose notification reached "
            "the council within 24 hours of the report",
            denominator="Episodes reported to the police in the period",
            baseline=0.65,
            better=Better.HIGHER,
            compute=_notified_within_24h,
        ),
        Kpi(
            key="missing_rhi_offered_72h",
            area="Missing",
            title="Return Home Interviews offered within 72 hours",
            numerator="Returns in the period with an interview offered within 72 hours",
            denominator="Returns in the period, except those whose 72 hours are still running "
            "with no offer and no decision yet",
            baseline=0.64,
            better=Better.HIGHER,
            compute=_rhi_offered_within_72h,
        ),
        Kpi(
            key="missing_repeat_children",
            area="Missing",
            title="Children triggering strategy meetings through repeat missing",
            numerator="Children for whom the repeat-missing rule (default: 3 episodes in a "
            "financial quarter) raised a strategy-meeting prompt, counted in the period holding "
            "the end of the rule's period",
            denominator="(a count)",
            baseline=None,
            better=Better.LOWER,
            compute=_repeat_children,
        ),
        Kpi(
            key="nrm_referrals",
            area="Exploitation",
            title="NRM referrals submitted",
            numerator="NRM referrals of children submitted in the period (by submission date)",
            denominator="(a count)",
            baseline=None,
            better=Better.HIGHER,
            compute=_nrm_referrals,
        ),
        Kpi(
            key="adults_disrupted",
            area="Exploitation",
            title="Adults of concern disrupted",
            numerator="People targeted by at least one disruption activity dated in the period",
            denominator="(a count)",
            baseline=None,
            better=Better.HIGHER,
            compute=_adults_disrupted,
        ),
        Kpi(
            key="adults_charged",
            area="Exploitation",
            title="Adults of concern charged or prosecuted",
            numerator="People targeted by an activity dated in the period whose outcome is "
            "charged, prosecuted or convicted",
            denominator="(a count)",
            baseline=None,
            better=Better.HIGHER,
            compute=_adults_charged,
        ),
        Kpi(
            key="mace_reduced_risk",
            area="Exploitation",
            title="Children with reduced risk at the 6-month review after their initial MACE",
            numerator="Of the denominator, children whose highest risk level across harm types "
            "at the review is lower than their highest level at the initial MACE",
            denominator="Children whose 6-month review was held at a MACE meeting in the period, "
            "with judgements recorded at both panels",
            baseline=None,
            better=Better.HIGHER,
            compute=_mace_reduced_risk,
        ),
        Kpi(
            key="hsb_referrals_csc",
            area="Harmful sexual behaviour",
            title="HSB panel referrals from children's social care",
            numerator="Referrals to the HSB panel dated in the period from children's social care "
            "or early help",
            denominator="(a count)",
            baseline=None,
            better=Better.HIGHER,
            compute=_hsb_referrals_csc,
        ),
        Kpi(
            key="hsb_referrals_partners",
            area="Harmful sexual behaviour",
            title="HSB panel referrals from other partners",
            numerator="Referrals to the HSB panel dated in the period from any other agency "
            "(police, education, health, youth justice, voluntary sector...)",
            denominator="(a count)",
            baseline=None,
            better=Better.HIGHER,
            compute=_hsb_referrals_partners,
        ),
        Kpi(
            key="hsb_direct_intervention",
            area="Harmful sexual behaviour",
            title="Children receiving direct intervention for serious HSB",
            numerator="Children with direct work or therapy under way on any day of the period, "
            "for their part as harmer (or both) in an incident judged abusive or violent on the "
            "Hackett continuum",
            denominator="(a count)",
            baseline=None,
            better=Better.HIGHER,
            compute=_hsb_direct_intervention,
        ),
    )
}
