"""The strategy's KPIs (section 14), each defined once: a named, documented query with its
numerator, denominator, baseline and direction of good, computed in the database.

Each KPI says *what it counts* for a period (`Counted`): the rows it looks at (a queryset), the
field counted once per distinct value (a row, or a child), which rows make the numerator and the
denominator, the path from a row to the person it is about, and what it leaves out and why. The
figure, every breakdown (age band, sex, ethnicity, ward, team...) and the drill-down list are
all read from that one description, so they cannot disagree. `docs/kpis.md` gives each
definition in words; the tests in `insights/tests/` pin them on hand-built cases. A period is a
pair of Europe/London dates, both inclusive; an event belongs to the period holding its local
date. The statutory deadlines are the ones stored by `cshub.core.clocks` on each record, so a
KPI and a worker's queue can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cshub.assessments.models import (
    BACE_TEAM_GROUP_FUNCTIONS,
    Assessment,
    AssessmentKind,
    AssessmentState,
    BaceTeamGroup,
)
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


class Better:
    HIGHER = "higher"
    LOWER = "lower"
    MAINTAIN_OR_HIGHER = "maintain or higher"


class Area:
    EXPLOITATION = "Exploitation"
    HSB = "Harmful sexual behaviour"
    MISSING = "Missing"


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
class Counted:
    """What a KPI counts in one period, as database queries.

    `rows`: every row the KPI looks at in the period. `unit`: the field counted once per
    distinct value ("pk": each row; "person": each child). `numerator` / `denominator`: which
    rows count (`denominator` None: the KPI is a count). `person`: the path from a row to the
    person it is about (None: not about a person, e.g. staff trained). `team`: the path from a
    row to the team it is counted for (None: the team allocated to the child's case).
    `excluded`: rows left out of the denominator, by reason; `excluded_counts`: the same from
    other queries. `dimensions`: breakdowns of the KPI's own (e.g. referral source)."""

    rows: QuerySet
    unit: str
    numerator: Q
    denominator: Q | None
    person: str | None
    team: str | None = None
    # The field whose date places a row in a period (its London date for a timestamp), when one
    # field alone does: then a trend is one query over all its periods (`selectors.trend`).
    # None: rows are placed otherwise (intervals that overlap the period, a status on its last
    # day), and each period is its own query.
    when: str | None = None
    excluded: dict[str, Q] = field(default_factory=dict)
    excluded_counts: dict[str, int] = field(default_factory=dict)
    dimensions: dict[str, tuple[str, str]] = field(default_factory=dict)  # key: (label, path)

    def count(self, q: Q) -> Count:
        """Rows matching `q`, each unit once. A row unit ("pk") needs no DISTINCT: the rows are
        one model's, and the KPIs filter them only through to-one relations (DISTINCT doubled
        the time on SQLite at scale 100, bench/README.md)."""
        if self.unit == "pk":
            return Count("pk", filter=q)
        return Count(self.unit, filter=q, distinct=True)

    def aggregates(self) -> dict:
        out = {"n": self.count(self.numerator)}
        if self.denominator is not None:
            out["d"] = self.count(self.denominator)
        for i, q in enumerate(self.excluded.values()):
            out[f"x{i}"] = self.count(q)
        return out

    def result(self, counts: dict) -> Result:
        excluded = {
            reason: counts[f"x{i}"] for i, reason in enumerate(self.excluded)
        } | self.excluded_counts
        return Result(counts["n"], counts["d"] if self.denominator is not None else None, excluded)

    def numerator_rows(self) -> QuerySet:
        return self.rows.filter(self.numerator)


@dataclass(frozen=True)
class Kpi:
    key: str
    area: str  # the strategy's heading in section 14
    title: str
    numerator: str
    denominator: str
    baseline: float | None  # a proportion (0.8 = 80%) or None where the strategy gives none
    better: str
    count: Callable[[date, date, datetime], Counted]  # (first day, last day, now)
    unit_label: str = "children"  # what the numerator counts, for tables and drill-down
    do_not_call_in_templates = True  # a template reads its fields; it must not call it

    @property
    def is_rate(self) -> bool:
        return self.denominator != "(a count)"

    def counted(self, start: date, end: date, now: datetime | None = None) -> Counted:
        if end < start:
            raise ValueError("A period ends on or after the day it starts.")
        return self.count(start, end, now or timezone.now())

    def __call__(self, start: date, end: date, now: datetime | None = None) -> Result:
        counted = self.counted(start, end, now)
        return counted.result(counted.rows.aggregate(**counted.aggregates()))


# --- Missing -------------------------------------------------------------------------------------


def _rhi_acceptance(start: date, end: date, now: datetime) -> Counted:
    """Offers made in the period: accepted over answered (accepted or declined)."""
    lower, upper = clocks.local_days(start, end)
    return Counted(
        when="offered_at",
        rows=ReturnInterview.objects.filter(offered_at__gte=lower, offered_at__lt=upper),
        unit="pk",
        numerator=Q(response=RhiResponse.ACCEPTED),
        denominator=~Q(response=""),
        person="episode__person",
        excluded={"awaiting an answer": Q(response="")},
    )


def _missing_reports_24h(start: date, end: date, now: datetime) -> Counted:
    lower, upper = clocks.local_days(start, end)
    return Counted(
        when="reported_at",
        rows=Episode.objects.filter(reported_at__gte=lower, reported_at__lt=upper),
        unit="pk",
        numerator=Q(notified_at__lte=F("notification_due_at")),
        denominator=Q(),
        person="person",
    )


def _rhi_offered_72h(start: date, end: date, now: datetime) -> Counted:
    lower, upper = clocks.local_days(start, end)
    decided = (
        Q(rhi__offered_at__isnull=False)
        | (Q(rhi__isnull=False) & ~Q(rhi__not_offered_reason=""))
        | Q(rhi_due_at__lt=now)
    )
    return Counted(
        when="returned_at",
        rows=Episode.objects.filter(returned_at__gte=lower, returned_at__lt=upper),
        unit="pk",
        numerator=Q(rhi__offered_at__lte=F("rhi_due_at")),
        denominator=decided,
        person="person",
        excluded={"clock still running": ~decided},
    )


def _repeat_missing_strategy(start: date, end: date, now: datetime) -> Counted:
    """Children the repeat-missing rule prompted a strategy meeting for, counted in the period
    holding the end of the rule's period (for the default rule, the financial quarter of the
    episodes). So the KPI counts what the rule raised, under the rule as it stood then, and a
    late-recorded report counts where it belongs."""
    lower, upper = clocks.local_days(start, end)
    unmatched = Episode.objects.filter(
        reported_at__gte=lower, reported_at__lt=upper, person__isnull=True
    ).count()
    return Counted(
        when="period_end",
        rows=StrategyMeetingPrompt.objects.filter(period_end__gte=start, period_end__lte=end),
        unit="person",
        numerator=Q(),
        denominator=None,
        person="person",
        excluded_counts={"episodes not yet matched to a child": unmatched},
    )


# --- Exploitation ---------------------------------------------------------------------------------


def _bace_completed(group: str) -> Callable[[date, date, datetime], Counted]:
    functions = BACE_TEAM_GROUP_FUNCTIONS[BaceTeamGroup(group)]

    def count(start: date, end: date, now: datetime) -> Counted:
        """BACE assessments approved (completed) in the period by teams of the group, counted
        by the completing team recorded on the assessment when it was started."""
        lower, upper = clocks.local_days(start, end)
        return Counted(
            when="approved_at",
            rows=Assessment.objects.filter(
                kind=AssessmentKind.BACE,
                state=AssessmentState.APPROVED,
                approved_at__gte=lower,
                approved_at__lt=upper,
                team__function__in=functions,
            ),
            unit="pk",
            numerator=Q(),
            denominator=None,
            person="person",
            team="team",
        )

    return count


def _nrm_referrals(start: date, end: date, now: datetime) -> Counted:
    lower, upper = clocks.local_days(start, end)
    return Counted(
        when="submitted_at",
        rows=Referral.objects.filter(submitted_at__gte=lower, submitted_at__lt=upper),
        unit="pk",
        numerator=Q(),
        denominator=None,
        person="person",
    )


def _perpetrators_disrupted_charged(start: date, end: date, now: datetime) -> Counted:
    """Adults of concern targeted by disruption dated in the period; of them, those with an
    activity in the period whose outcome is charged, prosecuted or convicted."""
    return Counted(
        when="occurred_on",
        rows=Activity.objects.filter(
            occurred_on__gte=start, occurred_on__lte=end, target_person__isnull=False
        ),
        unit="target_person",
        numerator=Q(outcome__in=CHARGED_OR_PROSECUTED),
        denominator=Q(),
        person="target_person",
        team=None,
        dimensions={"kind": ("Kind of activity", "kind")},
    )


def _highest_rank(item_field: str) -> Subquery:
    """The highest risk rank recorded for the review's child at the item named by `item_field`."""
    return Subquery(
        RiskJudgement.objects.filter(item=OuterRef(item_field), person=OuterRef("person"))
        .values("item")
        .annotate(top=Max("rank"))
        .values("top")[:1]
    )


def _mace_reduced_risk_6m(start: date, end: date, now: datetime) -> Counted:
    """Children whose 6-month review after their initial MACE was held in the period, and of those
    the ones whose highest risk level across harm types is lower than at the initial MACE."""
    lower, upper = clocks.local_days(start, end)
    six = Review.objects.filter(months=panel_rules.OUTCOME_REVIEW_MONTHS)
    held = six.filter(
        held_item__isnull=False,
        held_item__meeting__starts_at__gte=lower,
        held_item__meeting__starts_at__lt=upper,
    ).annotate(initial=_highest_rank("initial_item"), review=_highest_rank("held_item"))
    overdue = six.filter(held_item__isnull=True, due_on__gte=start, due_on__lte=end).count()
    return Counted(
        when="held_item__meeting__starts_at",
        rows=held,
        unit="person",
        numerator=Q(initial__isnull=False, review__isnull=False, review__lt=F("initial")),
        denominator=Q(initial__isnull=False, review__isnull=False),
        person="person",
        excluded={
            "reviews held without judgements at both panels": Q(initial__isnull=True)
            | Q(review__isnull=True)
        },
        excluded_counts={"6-month reviews due in the period and not yet held": overdue},
    )


# --- Harmful sexual behaviour --------------------------------------------------------------------


def _hsb_panel_referrals(start: date, end: date, now: datetime) -> Counted:
    """Referrals to the HSB panel dated in the period, by the referring agency's kind."""
    return Counted(
        when="referred_on",
        rows=PanelReferral.objects.filter(
            panel_kind=PanelKind.HSB, referred_on__gte=start, referred_on__lte=end
        ),
        unit="pk",
        numerator=Q(),
        denominator=None,
        person="subject_person",
        dimensions={"source": ("Referred by", "referring_agency__kind")},
    )


def _hsb_direct_interventions(start: date, end: date, now: datetime) -> Counted:
    """Children receiving direct work or therapy during the period for their part, as harmer (or
    both), in an incident at the serious end of the Hackett continuum (abusive or violent)."""
    return Counted(
        rows=HsbIntervention.objects.filter(
            kind__in=DIRECT_INTERVENTIONS,
            involvement__role__in=HARMING_ROLES,
            involvement__incident__hackett_level__in=SERIOUS_HACKETT,
            started_on__lte=end,
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start)),
        unit="involvement__person",
        numerator=Q(),
        denominator=None,
        person="involvement__person",
        dimensions={"kind": ("Kind of intervention", "kind")},
    )


# --- Records from the interventions and workforce apps --------------------------------------------


def _neet_to_ete(start: date, end: date, now: datetime) -> Counted:
    """NEET spells (a NEET status until the child's next status) that overlap the period and
    during which an intervention for criminal or sexual exploitation was under way (started
    before the spell ended, not ended before it began). The numerator: spells whose next status
    is education, employment or training, recorded from a day in the period."""
    from django.db.models import Exists
    from django.db.models.functions import Coalesce

    from cshub.interventions.choices import ETE_KINDS, EteStatusKind
    from cshub.interventions.models import EteStatus
    from cshub.interventions.selectors import exploitation_interventions

    later = EteStatus.objects.filter(
        person=OuterRef("person"), from_date__gt=OuterRef("from_date")
    ).order_by("from_date")
    spells = EteStatus.objects.filter(status=EteStatusKind.NEET, from_date__lte=end).annotate(
        next_from=Subquery(later.values("from_date")[:1]),
        next_status=Subquery(later.values("status")[:1]),
    )
    spells = spells.filter(Q(next_from__isnull=True) | Q(next_from__gt=start))
    under_way = (
        exploitation_interventions()
        .filter(
            person=OuterRef("person"),
            started_on__lte=end,
            started_on__lt=Coalesce(OuterRef("next_from"), date.max),
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("from_date")))
    )
    return Counted(
        rows=spells.filter(Exists(under_way)),
        unit="person",
        numerator=Q(next_status__in=list(ETE_KINDS), next_from__gte=start, next_from__lte=end),
        denominator=Q(),
        person="person",
    )


def _hsb_trained_staff(start: date, end: date, now: datetime) -> Counted:
    from cshub.workforce.choices import Course
    from cshub.workforce.models import TrainingRecord

    current = TrainingRecord.objects.filter(
        course__in=[Course.HSB_DIRECT_INTERVENTION, Course.AIM3], completed_on__lte=end
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=end))
    return Counted(
        rows=current,
        unit="user",
        numerator=Q(),
        denominator=None,
        person=None,
        team="user__memberships__team",  # each team the person has been in
        dimensions={"course": ("Training", "course")},
    )


def _hsb_consultations(start: date, end: date, now: datetime) -> Counted:
    from cshub.workforce.models import HsbConsultation

    return Counted(
        when="offered_on",
        rows=HsbConsultation.objects.filter(offered_on__gte=start, offered_on__lte=end),
        unit="pk",
        numerator=Q(),
        denominator=None,
        person="person",
        team="offered_by__memberships__team",
        dimensions={"agency": ("Offered to", "offered_to_agency__kind")},
    )


_CHILD_COUNT = "(a count)"

KPIS: dict[str, Kpi] = {
    kpi.key: kpi
    for kpi in (
        # --- Exploitation
        Kpi(
            key="bace_completed_ifd",
            area=Area.EXPLOITATION,
            title="BACE assessments completed by the Front Door and Assessment team",
            numerator="BACE assessments approved in the period whose completing team is the "
            "Integrated Front Door or the Assessment team",
            denominator=_CHILD_COUNT,
            baseline=None,
            better=Better.HIGHER,
            count=_bace_completed(BaceTeamGroup.FRONT_DOOR_ASSESSMENT),
            unit_label="assessments",
        ),
        Kpi(
            key="bace_completed_cypf",
            area=Area.EXPLOITATION,
            title="BACE assessments completed by the CYPF team",
            numerator="BACE assessments approved in the period whose completing team is a "
            "CYPF team",
            denominator=_CHILD_COUNT,
            baseline=None,
            better=Better.HIGHER,
            count=_bace_completed(BaceTeamGroup.CYPF),
            unit_label="assessments",
        ),
        Kpi(
            key="bace_completed_specialist",
            area=Area.EXPLOITATION,
            title="BACE assessments completed by the specialist exploitation team",
            numerator="BACE assessments approved in the period whose completing team is the "
            "specialist exploitation team",
            denominator=_CHILD_COUNT,
            baseline=None,
            better=Better.HIGHER,
            count=_bace_completed(BaceTeamGroup.SPECIALIST),
            unit_label="assessments",
        ),
        Kpi(
            key="nrm_referrals",
            area=Area.EXPLOITATION,
            title="NRM referrals submitted",
            numerator="NRM referrals of children submitted in the period (by submission date)",
            denominator=_CHILD_COUNT,
            baseline=None,
            better=Better.HIGHER,
            count=_nrm_referrals,
            unit_label="referrals",
        ),
        Kpi(
            key="mace_reduced_risk_6m",
            area=Area.EXPLOITATION,
            title="Children with reduced risk at the 6-month review after their initial MACE",
            numerator="Of the denominator, children whose highest risk level across harm types "
            "at the review is lower than their highest level at the initial MACE",
            denominator="Children whose 6-month review was held at a MACE meeting in the period, "
            "with judgements recorded at both panels",
            baseline=None,
            better=Better.HIGHER,
            count=_mace_reduced_risk_6m,
        ),
        Kpi(
            key="neet_to_ete",
            area=Area.EXPLOITATION,
            title="NEET children who go on to ETE following exploitation interventions",
            numerator="Of the denominator, children whose next status after that NEET status "
            "is education, employment or training, recorded from a day in the period",
            denominator="Children NEET on a day of the period, with an intervention for "
            "criminal or sexual exploitation started on or before that day, while NEET",
            baseline=None,
            better=Better.HIGHER,
            count=_neet_to_ete,
        ),
        Kpi(
            key="perpetrators_disrupted_charged",
            area=Area.EXPLOITATION,
            title="Adults of concern disrupted and charged or prosecuted",
            numerator="Of the denominator, adults with an activity in the period whose outcome "
            "is charged, prosecuted or convicted",
            denominator="Adults of concern targeted by at least one disruption activity dated in "
            "the period",
            baseline=None,
            better=Better.HIGHER,
            count=_perpetrators_disrupted_charged,
            unit_label="adults",
        ),
        # --- Harmful sexual behaviour
        Kpi(
            key="hsb_panel_referrals",
            area=Area.HSB,
            title="Referrals into the HSB panel",
            numerator="Referrals to the HSB panel dated in the period, from any agency (broken "
            "down by the referring agency's kind)",
            denominator=_CHILD_COUNT,
            baseline=None,
            better=Better.HIGHER,
            count=_hsb_panel_referrals,
            unit_label="referrals",
        ),
        Kpi(
            key="hsb_direct_interventions",
            area=Area.HSB,
            title="Children receiving direct intervention for serious HSB",
            numerator="Children with direct work or therapy under way on any day of the period, "
            "for their part as harmer (or both) in an incident judged abusive or violent on the "
            "Hackett continuum",
            denominator=_CHILD_COUNT,
            baseline=None,
            better=Better.HIGHER,
            count=_hsb_direct_interventions,
        ),
        Kpi(
            key="hsb_trained_staff",
            area=Area.HSB,
            title="Staff trained to deliver HSB direct interventions and AIM3",
            numerator="Staff holding, on the last day of the period, a current (completed, not "
            "expired) training record in HSB direct intervention or in AIM3",
            denominator=_CHILD_COUNT,
            baseline=None,
            better=Better.HIGHER,
            count=_hsb_trained_staff,
            unit_label="staff",
        ),
        Kpi(
            key="hsb_consultations",
            area=Area.HSB,
            title="Consultations offered on HSB",
            numerator="Consultations on harmful sexual behaviour offered in the period to "
            "practitioners and agencies",
            denominator=_CHILD_COUNT,
            baseline=None,
            better=Better.HIGHER,
            count=_hsb_consultations,
            unit_label="consultations",
        ),
        # --- Missing
        Kpi(
            key="rhi_acceptance_rate",
            area=Area.MISSING,
            title="Return Home Interview acceptance rate",
            numerator="Offers made in the period that the child accepted",
            denominator="Offers made in the period with an answer recorded (accepted or declined)",
            baseline=0.80,
            better=Better.MAINTAIN_OR_HIGHER,
            count=_rhi_acceptance,
            unit_label="offers",
        ),
        Kpi(
            key="missing_reports_24h",
            area=Area.MISSING,
            title="Missing reports received from the police within 24 hours",
            numerator="Episodes reported to the police in the period whose notification reached "
            "the council within 24 hours of the report",
            denominator="Episodes reported to the police in the period",
            baseline=0.65,
            better=Better.HIGHER,
            count=_missing_reports_24h,
            unit_label="episodes",
        ),
        Kpi(
            key="rhi_offered_72h",
            area=Area.MISSING,
            title="Return Home Interviews offered within 72 hours",
            numerator="Returns in the period with an interview offered within 72 hours",
            denominator="Returns in the period, except those whose 72 hours are still running "
            "with no offer and no decision yet",
            baseline=0.64,
            better=Better.HIGHER,
            count=_rhi_offered_72h,
            unit_label="returns",
        ),
        Kpi(
            key="repeat_missing_strategy",
            area=Area.MISSING,
            title="Children triggering strategy meetings through repeat missing",
            numerator="Children for whom the repeat-missing rule (default: 3 episodes in a "
            "financial quarter) raised a strategy-meeting prompt, counted in the period holding "
            "the end of the rule's period",
            denominator=_CHILD_COUNT,
            baseline=None,
            better=Better.LOWER,
            count=_repeat_missing_strategy,
        ),
    )
}
