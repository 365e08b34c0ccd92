"""Panels: the agenda-access window, review scheduling, the reduced-risk definition on
hand-built cases, per-child HSB roles and the HSB counts, and the rules that refuse bad input
without changing anything."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from cshub.access.policy import grants_for, people_visible_to
from cshub.accounts.models import Agency
from cshub.insights.kpis import KPIS
from cshub.panels import rules, selectors, services
from cshub.panels.choices import (
    ActionStatus,
    HsbRole,
    JudgementStage,
    PanelKind,
    ReferralSource,
    ReferralStatus,
)
from cshub.panels.models import Action, AgendaItem, Meeting, Referral, Review, RiskJudgement
from tests import factories
from tests.panels.helpers import LONDON, child, held_mace, meeting

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)


def _visible(user, person, at) -> bool:
    return people_visible_to(user, now=at).filter(pk=person.pk).exists()


# --- the agenda-access window ------------------------------------------------------------------


@pytest.fixture
def agenda(borough):
    """A MACE on START with the matrix child and a place on the agenda; school.dsl and the
    police analyst invited (neither has any other relationship with the child)."""
    actor = borough["users"]["specialist_manager"]
    with time_machine.travel(START - dt.timedelta(days=7), tick=False):
        m = meeting(borough, starts_at=START, invitees=["school_dsl", "police_analyst"])
        services.item_add(actor=actor, meeting=m, person=borough["child"], purpose="CCE concerns")
        services.item_add(actor=actor, meeting=m, place=borough["place"], purpose="Hotspot")
    return m


def _publish(borough, m, at):
    with time_machine.travel(at, tick=False):
        return services.meeting_publish(actor=borough["users"]["specialist_manager"], meeting=m)


def test_access_opens_on_publication_and_only_for_invitees(borough, agenda):
    dsl, analyst = borough["users"]["school_dsl"], borough["users"]["police_analyst"]
    outsider = borough["users"]["unrelated_worker"]
    child_ = borough["child"]
    published = START - dt.timedelta(days=5)
    assert not _visible(dsl, child_, published - dt.timedelta(seconds=1))
    _publish(borough, agenda, published)
    assert not _visible(dsl, child_, published - dt.timedelta(seconds=1))
    assert _visible(dsl, child_, published)
    assert _visible(analyst, child_, published)
    assert not _visible(outsider, child_, published)
    assert [g.key for g in grants_for(dsl, child_.pk, now=published)] == ["panel_agenda"]


def test_access_closes_30_days_after_the_meeting(borough, agenda):
    dsl, child_ = borough["users"]["school_dsl"], borough["child"]
    _publish(borough, agenda, START - dt.timedelta(days=5))
    agenda.refresh_from_db()
    assert agenda.access_ends_at == START + dt.timedelta(days=30)
    assert _visible(dsl, child_, START + dt.timedelta(days=30) - dt.timedelta(seconds=1))
    assert not _visible(dsl, child_, START + dt.timedelta(days=30))


def test_access_only_to_the_people_on_the_agenda(borough, agenda):
    dsl = borough["users"]["school_dsl"]
    friend = child(given_name="Not", family_name="Onagenda")
    factories.PersonPlaceFactory(person=friend, place=borough["place"])  # linked to the place
    _publish(borough, agenda, START - dt.timedelta(days=5))
    assert not _visible(dsl, friend, START)
    visible = set(people_visible_to(dsl, now=START).values_list("pk", flat=True))
    assert visible == {borough["child"].pk}


@override_settings(CSHUB_PANEL_ACCESS_DAYS=10)
def test_access_window_is_a_setting(borough, agenda):
    _publish(borough, agenda, START - dt.timedelta(days=1))
    dsl = borough["users"]["school_dsl"]
    assert _visible(dsl, borough["child"], START + dt.timedelta(days=9))
    assert not _visible(dsl, borough["child"], START + dt.timedelta(days=10))


def test_publishing_twice_changes_nothing(borough, agenda):
    first = _publish(borough, agenda, START - dt.timedelta(days=5))
    with pytest.raises(ValidationError, match="already published"):
        _publish(borough, agenda, START - dt.timedelta(days=4))
    agenda.refresh_from_db()
    assert agenda.published_at == first.published_at


def test_cannot_publish_an_empty_agenda_or_one_too_old(borough):
    with time_machine.travel(START, tick=False):
        empty = meeting(borough, starts_at=START, invitees=["school_dsl"])
        with pytest.raises(ValidationError, match="at least one item"):
            services.meeting_publish(actor=None, meeting=empty)
        old = meeting(borough, starts_at=START - dt.timedelta(days=31), invitees=["school_dsl"])
        services.item_add(actor=None, meeting=old, person=borough["child"], purpose="x")
        with pytest.raises(ValidationError, match="too long ago"):
            services.meeting_publish(actor=None, meeting=old)
    assert not Meeting.objects.filter(published_at__isnull=False).exists()


def test_items_cannot_be_removed_once_published(borough, agenda):
    _publish(borough, agenda, START - dt.timedelta(days=5))
    item = agenda.items.first()
    with pytest.raises(ValidationError, match="published"):
        services.item_remove(actor=None, item=item)
    assert AgendaItem.objects.filter(pk=item.pk).exists()


# --- review scheduling -------------------------------------------------------------------------


def test_initial_mace_schedules_reviews_at_3_and_6_months(borough):
    c = child()
    held = held_mace(borough, dt.date(2026, 2, 10), {c: {"cce": "high"}})
    reviews = list(Review.objects.filter(person=c).order_by("months"))
    assert [(r.months, r.due_on) for r in reviews] == [
        (3, dt.date(2026, 5, 10)),
        (6, dt.date(2026, 8, 10)),
    ]
    assert all(r.initial_item == held["items"][c] for r in reviews)
    assert RiskJudgement.objects.get(person=c).stage == JudgementStage.INITIAL


def test_review_months_run_to_the_end_of_a_short_month():
    assert rules.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert rules.add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert rules.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


@override_settings(CSHUB_PANEL_REVIEW_MONTHS=[1, 12])
def test_review_intervals_are_a_setting(borough):
    c = child()
    held_mace(borough, dt.date(2026, 1, 15), {c: {"cse": "medium"}})
    assert sorted(Review.objects.filter(person=c).values_list("months", "due_on")) == [
        (1, dt.date(2026, 2, 15)),
        (12, dt.date(2027, 1, 15)),
    ]


def test_reviews_are_listed_when_due_and_held_by_the_next_mace(borough):
    c = child()
    held_mace(borough, dt.date(2026, 2, 10), {c: {"cce": "high"}})
    assert not selectors.reviews_due(dt.date(2026, 4, 11)).filter(person=c).exists()
    due = selectors.reviews_due(dt.date(2026, 4, 12))  # 28 days before 10 May
    assert [r.months for r in due.filter(person=c)] == [3]
    later = held_mace(borough, dt.date(2026, 5, 12), {c: {"cce": "medium"}})
    three = Review.objects.get(person=c, months=3)
    assert three.held_item == later["items"][c]
    assert RiskJudgement.objects.get(item=later["items"][c]).stage == JudgementStage.REVIEW
    assert not selectors.reviews_due(dt.date(2026, 5, 13)).filter(person=c).exists()
    assert [r.months for r in selectors.reviews_due(dt.date(2026, 7, 20)).filter(person=c)] == [6]


def test_a_second_review_meeting_holds_the_next_review(borough):
    c = child()
    held_mace(borough, dt.date(2026, 1, 5), {c: {"cce": "high"}})
    held_mace(borough, dt.date(2026, 4, 6), {c: {"cce": "high"}})
    held_mace(borough, dt.date(2026, 7, 6), {c: {"cce": "low"}})
    assert Review.objects.filter(person=c, held_item__isnull=True).count() == 0
    six = Review.objects.get(person=c, months=6)
    assert six.held_item.meeting.starts_at.date() == dt.date(2026, 7, 6)


# --- the reduced-risk definition ---------------------------------------------------------------


def test_reduced_means_the_highest_level_across_harms_fell(borough):
    reduced = child(given_name="Reduced")  # high -> medium
    one_fell = child(given_name="Onefell")  # one harm fell, another rose: highest unchanged
    rose = child(given_name="Rose")
    same = child(given_name="Same")
    three_only = child(given_name="Threeonly")  # only the 3-month review held: not counted
    not_held = child(given_name="Notheld")
    held_mace(
        borough,
        dt.date(2026, 1, 8),
        {
            reduced: {"cce": "high", "missing": "medium"},
            one_fell: {"cce": "medium", "cse": "low"},
            rose: {"cse": "medium"},
            same: {"syv": "low"},
            three_only: {"cce": "high"},
            not_held: {"cce": "high"},
        },
    )
    held_mace(borough, dt.date(2026, 4, 9), {three_only: {"cce": "low"}})
    held_mace(
        borough,
        dt.date(2026, 7, 9),
        {
            reduced: {"cce": "medium", "missing": "medium"},
            one_fell: {"cce": "low", "cse": "medium"},
            rose: {"cse": "high"},
            same: {"syv": "low"},
        },
    )
    with time_machine.travel(dt.datetime(2026, 11, 25, tzinfo=dt.UTC), tick=False):
        result = KPIS["mace_reduced_risk_6m"](dt.date(2026, 7, 1), dt.date(2026, 7, 31))
        assert (result.numerator, result.denominator) == (1, 4)
        assert result.excluded["6-month reviews due in the period and not yet held"] == 2
        # A period without the 6-month reviews counts nothing.
        before = KPIS["mace_reduced_risk_6m"](dt.date(2026, 4, 1), dt.date(2026, 4, 30))
        assert (before.numerator, before.denominator) == (0, 0)


def test_reduced_compares_ranks_stored_at_the_time(borough):
    """Reconfiguring the levels later does not rewrite history: the rank is stored."""
    c = child()
    held_mace(borough, dt.date(2026, 1, 8), {c: {"cce": "high"}})
    held_mace(borough, dt.date(2026, 4, 9), {c: {"cce": "high"}})
    with override_settings(CSHUB_RISK_LEVELS=["low:Low", "high:High", "critical:Critical"]):
        held_mace(borough, dt.date(2026, 7, 9), {c: {"cce": "high"}})  # rank 1 now, 3 before
    assert list(
        RiskJudgement.objects.filter(person=c).order_by("judged_on").values_list("rank", flat=True)
    ) == [3, 3, 1]


# --- minutes, judgements and actions: bad input changes nothing --------------------------------


@pytest.fixture
def published(borough, agenda):
    _publish(borough, agenda, START - dt.timedelta(days=5))
    agenda.refresh_from_db()
    return agenda


def _minute(borough, item, **overrides):
    values = {
        "actor": borough["users"]["specialist_manager"],
        "item": item,
        "information_shared": "Seen with older males at the park.",
        "discussion": "Pull factors.",
        "decision": "Disruption plan; review in 3 months.",
        "judgements": [
            {
                "harm_type": "cce",
                "level": "high",
                "rationale": "Found with cash and phones.",
                "child_voice": "Says they owe money.",
            }
        ],
    }
    values.update(overrides)
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        return services.item_minute(**values)


@pytest.mark.parametrize(
    "judgement, message",
    [
        ({"level": "severe"}, "Unknown risk level"),
        ({"rationale": " "}, "rationale"),
        ({"child_voice": ""}, "child's voice"),
        ({"harm_type": "unknown"}, "Unknown harm type"),
    ],
)
def test_a_judgement_needs_a_known_level_a_rationale_and_the_childs_voice(
    borough, published, judgement, message
):
    item = published.items.get(subject_person=borough["child"])
    j = {"harm_type": "cce", "level": "high", "rationale": "r", "child_voice": "v"} | judgement
    with pytest.raises(ValidationError, match=message):
        _minute(borough, item, judgements=[j])
    item.refresh_from_db()
    assert item.decision == "" and not RiskJudgement.objects.exists()
    assert not Review.objects.exists()


def test_judgements_are_for_children_only(borough, published):
    place_item = published.items.get(subject_place=borough["place"])
    with pytest.raises(ValidationError, match="child on the agenda"):
        _minute(borough, place_item)
    adult = factories.PersonFactory(date_of_birth=dt.date(1990, 1, 1))
    with time_machine.travel(START - dt.timedelta(days=1), tick=False):
        adult_item = services.item_add(actor=None, meeting=published, person=adult, purpose="AoC")
    with pytest.raises(ValidationError, match="adult"):
        _minute(borough, adult_item)
    # Minutes without judgements are fine for an adult or a place.
    _minute(borough, adult_item, judgements=[])
    assert AgendaItem.objects.get(pk=adult_item.pk).decision


def test_minutes_wait_for_the_meeting_and_stop_at_approval(borough, published):
    item = published.items.get(subject_person=borough["child"])
    with (
        time_machine.travel(START - dt.timedelta(days=1), tick=False),
        pytest.raises(ValidationError, match="at or after the meeting"),
    ):
        services.item_minute(
            actor=None, item=item, information_shared="", discussion="", decision="x"
        )
    _minute(borough, item)
    _minute(borough, published.items.get(subject_place=borough["place"]), judgements=[])
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        services.attendance_record(
            actor=None,
            meeting=published,
            attendance={i.pk: "attended" for i in published.invitees.all()},
        )
        with pytest.raises(ValidationError, match="Only the meeting's chair"):
            services.minutes_approve(actor=borough["users"]["school_dsl"], meeting=published)
        services.minutes_approve(actor=borough["users"]["specialist_manager"], meeting=published)
    with pytest.raises(ValidationError, match="approved"):
        _minute(borough, item, decision="Changed later")
    assert AgendaItem.objects.get(pk=item.pk).decision.startswith("Disruption plan")


def test_actions_and_their_queues(borough, published):
    item = published.items.get(subject_person=borough["child"])
    police = Agency.objects.get(code="police")
    dsl = borough["users"]["school_dsl"]
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        with pytest.raises(ValidationError, match="before the meeting"):
            services.action_add(
                actor=None,
                meeting=published,
                item=item,
                description="Too early",
                owner_agency=police,
                due_on=dt.date(2026, 11, 1),
                four_p="pursue",
            )
        a = services.action_add(
            actor=None,
            meeting=published,
            item=item,
            description="Serve a child abduction warning notice",
            owner_agency=police,
            due_on=dt.date(2026, 12, 5),
            four_p="pursue",
        )
        b = services.action_add(
            actor=None,
            meeting=published,
            item=item,
            description="Safety plan with school",
            owner_agency=Agency.objects.get(code="education"),
            owner_user=dsl,
            due_on=dt.date(2026, 12, 1),
            four_p="protect",
        )
    assert Action.objects.count() == 2
    assert list(selectors.actions_owned_by(dsl)) == [b]
    assert list(selectors.actions_owned_by(borough["users"]["police_analyst"])) == [a]
    # Overdue by the next meeting: carried onto its agenda.
    nxt_start = dt.datetime(2026, 12, 16, 10, 0, tzinfo=LONDON)
    with time_machine.travel(nxt_start - dt.timedelta(days=7), tick=False):
        nxt = meeting(borough, starts_at=nxt_start, invitees=["school_dsl"])
    assert set(selectors.carried_actions(nxt)) == {a, b}
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, tzinfo=LONDON), tick=False):
        services.action_update(actor=dsl, action=b, status=ActionStatus.DONE, update="Done")
        with pytest.raises(ValidationError, match="already closed"):
            services.action_update(actor=dsl, action=b, status=ActionStatus.CANCELLED, update="x")
        with pytest.raises(ValidationError, match="why"):
            services.action_update(actor=dsl, action=a, status=ActionStatus.CANCELLED)
    assert list(selectors.carried_actions(nxt)) == [a]
    assert Action.objects.get(pk=b.pk).completed_on == dt.date(2026, 12, 2)


# --- referrals ---------------------------------------------------------------------------------


def test_referral_routes(borough):
    csc = Agency.objects.get(code="csc")
    education = Agency.objects.get(code="education")
    c = borough["child"]
    base = {"panel_kind": PanelKind.MACE, "reason": "CCE", "referred_on": dt.date(2026, 11, 20)}
    with time_machine.travel(START, tick=False):
        with pytest.raises(ValidationError, match="Front Door decision, an assessment or a"):
            services.referral_create(
                actor=borough["users"]["cypf_worker"], referring_agency=csc, person=c, **base
            )
        r = services.referral_create(
            actor=borough["users"]["cypf_manager"],
            referring_agency=csc,
            person=c,
            as_manager=True,
            **base,
        )
        assert r.source == ReferralSource.MANAGER
        with pytest.raises(ValidationError, match="already waiting"):
            services.referral_create(
                actor=borough["users"]["school_dsl"], referring_agency=education, person=c, **base
            )
        hsb = services.referral_create(
            actor=borough["users"]["school_dsl"],
            referring_agency=education,
            person=c,
            **(base | {"panel_kind": PanelKind.HSB}),
        )
        assert hsb.source == ReferralSource.PARTNER
        assessment = factories.AssessmentFactory(person=child())
        with pytest.raises(ValidationError, match="not about this person"):
            services.referral_create(
                actor=borough["users"]["cypf_worker"],
                referring_agency=csc,
                person=c,
                assessment=assessment,
                **(base | {"panel_kind": PanelKind.STRATEGY}),
            )
    assert Referral.objects.count() == 2


def test_a_referral_goes_on_one_agenda_once(borough):
    csc = Agency.objects.get(code="csc")
    with time_machine.travel(START - dt.timedelta(days=7), tick=False):
        r = services.referral_create(
            actor=borough["users"]["cypf_manager"],
            panel_kind=PanelKind.MACE,
            referring_agency=csc,
            reason="Seen at a trap house",
            referred_on=dt.date(2026, 11, 17),
            person=borough["child"],
            as_manager=True,
        )
        m = meeting(borough, starts_at=START, invitees=["school_dsl"])
        hsb = meeting(borough, starts_at=START, invitees=["school_dsl"], kind=PanelKind.HSB)
        with pytest.raises(ValidationError, match="different panel"):
            services.item_add(actor=None, meeting=hsb, referral=r, purpose="")
        item = services.item_add(actor=None, meeting=m, referral=r, purpose="")
        assert item.purpose == "Seen at a trap house"
        assert Referral.objects.get(pk=r.pk).status == ReferralStatus.LISTED
        with pytest.raises(ValidationError, match="already on an agenda"):
            services.item_add(actor=None, meeting=m, referral=r, purpose="")
        services.item_remove(actor=None, item=item)
    assert Referral.objects.get(pk=r.pk).status == ReferralStatus.WAITING


# --- HSB ---------------------------------------------------------------------------------------


def _incident(borough, roles, hackett="abusive", day=dt.date(2026, 10, 1)):
    with time_machine.travel(START, tick=False):
        return services.hsb_incident_record(
            actor=None,
            occurred_on=day,
            hackett_level=hackett,
            description="At a party; images shared.",
            children=roles,
        )


def test_each_child_in_an_incident_has_their_own_role(borough):
    a, b, c = child(given_name="A"), child(given_name="B"), child(given_name="C")
    incident = _incident(borough, [(a, HsbRole.HARMER), (b, HsbRole.HARMED), (c, HsbRole.WITNESS)])
    assert dict(incident.children.values_list("person__given_name", "role")) == {
        "A": "harmer",
        "B": "harmed",
        "C": "witness",
    }
    both = _incident(borough, [(a, HsbRole.BOTH)], day=dt.date(2026, 10, 20))
    assert a.hsb_involvements.get(incident=both).role == HsbRole.BOTH


@pytest.mark.parametrize(
    "roles, message",
    [
        ([], "at least one child"),
        ("dup", "once"),
        ("norole", "needs a role"),
    ],
)
def test_bad_hsb_incidents_change_nothing(borough, roles, message):
    a = child()
    if roles == "dup":
        roles = [(a, HsbRole.HARMER), (a, HsbRole.HARMED)]
    elif roles == "norole":
        roles = [(a, "")]
    with pytest.raises(ValidationError, match=message):
        _incident(borough, roles)
    from cshub.panels.models import HsbIncident

    assert not HsbIncident.objects.exists()


def test_hsb_counts(borough):
    harmer, harmed, both, mild = (child(given_name=n) for n in ("Harmer", "Harmed", "Both", "Mild"))
    serious = _incident(borough, [(harmer, HsbRole.HARMER), (harmed, HsbRole.HARMED)])
    violent = _incident(borough, [(both, HsbRole.BOTH)], hackett="violent")
    problematic = _incident(borough, [(mild, HsbRole.HARMER)], hackett="problematic")
    worker = borough["users"]["cypf_worker"]
    csc = Agency.objects.get(code="csc")

    def intervene(incident, person, kind, start, end=None):
        involvement = incident.children.get(person=person)
        with time_machine.travel(START, tick=False):
            services.hsb_intervention_record(
                actor=worker,
                involvement=involvement,
                kind=kind,
                practitioner=worker,
                agency=csc,
                started_on=start,
                ended_on=end,
            )

    intervene(serious, harmer, "direct_work", dt.date(2026, 10, 5))
    intervene(serious, harmed, "direct_work", dt.date(2026, 10, 5))  # harmed: support, not HSB work
    intervene(violent, both, "therapeutic", dt.date(2026, 10, 2), dt.date(2026, 10, 20))
    intervene(problematic, mild, "direct_work", dt.date(2026, 10, 3))  # not serious
    intervene(serious, harmer, "aim3", dt.date(2026, 10, 2))  # an assessment is not direct work
    kpi = KPIS["hsb_direct_interventions"]
    assert kpi(dt.date(2026, 10, 1), dt.date(2026, 10, 31)).numerator == 2
    assert kpi(dt.date(2026, 11, 1), dt.date(2026, 11, 30)).numerator == 1  # therapy ended
    assert kpi(dt.date(2026, 9, 1), dt.date(2026, 9, 30)).numerator == 0
    with pytest.raises(ValidationError, match="before the incident"):
        intervene(serious, harmer, "direct_work", dt.date(2026, 9, 1))

    education = Agency.objects.get(code="education")
    police = Agency.objects.get(code="police")
    with time_machine.travel(START, tick=False):
        for agency, person, as_manager in (
            (csc, harmer, True),
            (education, harmed, False),
            (police, both, False),
        ):
            services.referral_create(
                actor=borough["users"]["cypf_manager"],
                panel_kind=PanelKind.HSB,
                referring_agency=agency,
                reason="HSB",
                referred_on=dt.date(2026, 11, 2),
                person=person,
                as_manager=as_manager,
            )
    month = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert KPIS["hsb_panel_referrals"](*month).numerator == 3
    from cshub.insights import selectors as insights

    rows = insights.breakdown(KPIS["hsb_panel_referrals"], *month, "source")
    by_kind = {r.group: r.numerator for r in rows}
    assert by_kind == {"Children's social care": 1, "Education": 1, "Police": 1}
    by_source = {
        r["referring_agency__kind"]: r["n"] for r in selectors.hsb_referrals_by_source(*month)
    }
    assert by_source == {"csc": 1, "education": 1, "police": 1}


def test_coordinators_see_referred_children_while_the_referral_waits(borough):
    chair = factories.MembershipFactory(
        user__username="mace.chair", team=borough["teams"]["specialist"], role="panel_chair"
    ).user
    c = borough["child"]
    with time_machine.travel(START, tick=False):
        assert not _visible(chair, c, START)
        r = services.referral_create(
            actor=borough["users"]["cypf_manager"],
            panel_kind=PanelKind.MACE,
            referring_agency=Agency.objects.get(code="csc"),
            reason="CCE",
            referred_on=dt.date(2026, 11, 24),
            person=c,
            as_manager=True,
        )
        assert [g.key for g in grants_for(chair, c.pk, now=START)] == ["panel_coordination"]
        assert not _visible(borough["users"]["school_dsl"], c, START)  # not a coordinator
        services.referral_decline(actor=chair, referral=r, reason="Early help is enough")
        assert not _visible(chair, c, START)


def test_a_strategy_meeting_clears_the_repeat_missing_prompt(borough):
    from cshub.missing.models import StrategyMeetingPrompt

    c = borough["child"]
    prompt = StrategyMeetingPrompt.objects.create(
        person=c,
        raised_at=START - dt.timedelta(days=3),
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 12, 31),
        episode_count=3,
        rule="3 in quarter",
    )
    actor = borough["users"]["specialist_manager"]
    with time_machine.travel(START - dt.timedelta(days=1), tick=False):
        m = meeting(borough, starts_at=START, invitees=["cypf_worker"], kind=PanelKind.STRATEGY)
        item = services.item_add(actor=actor, meeting=m, person=c, purpose="Missing 3 times")
        services.meeting_publish(actor=actor, meeting=m)
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        services.attendance_record(
            actor=actor,
            meeting=m,
            attendance={i.pk: "attended" for i in m.invitees.all()},
        )
        services.item_minute(
            actor=actor,
            item=item,
            information_shared="",
            discussion="",
            decision="Section 47 enquiry; safety plan.",
        )
    prompt.refresh_from_db()
    assert prompt.meeting_on == START.date()
    assert "Section 47 enquiry" in prompt.outcome
    assert "Sam Worker" in prompt.attendees  # the invitees who attended


def test_a_mace_months_before_a_review_is_due_does_not_hold_it(borough):
    c = child()
    held_mace(borough, dt.date(2026, 1, 8), {c: {"cce": "high"}})
    early = held_mace(borough, dt.date(2026, 2, 5), {c: {"cce": "high"}})  # 3-month due 8 Apr
    assert RiskJudgement.objects.get(item=early["items"][c]).stage == JudgementStage.REVIEW
    assert not Review.objects.filter(person=c, held_item__isnull=False).exists()
    within = held_mace(borough, dt.date(2026, 3, 12), {c: {"cce": "medium"}})  # 27 days early
    assert Review.objects.get(person=c, months=3).held_item == within["items"][c]


def test_a_front_door_referral_follows_the_decision(borough):
    from cshub.frontdoor.models import Contact, ContactSubject, Decision

    worker = borough["users"]["ifd_worker"]
    contact = Contact.objects.create(
        reference="C-T-1",
        raised_by=worker,
        state="decided",
        received_at=START - dt.timedelta(days=2),
        submitted_at=START - dt.timedelta(days=2),
        decision_due_at=START - dt.timedelta(days=1),
    )
    ContactSubject.objects.create(contact=contact, person=borough["child"], role="child")
    Decision.objects.create(
        contact=contact,
        outcome="mace",
        rationale="Exploitation",
        decided_by=worker,
        decided_at=START,
    )
    csc = Agency.objects.get(code="csc")
    base = {
        "actor": worker,
        "referring_agency": csc,
        "reason": "MACE decision",
        "referred_on": dt.date(2026, 11, 24),
        "person": borough["child"],
        "contact": contact,
    }
    with time_machine.travel(START, tick=False):
        with pytest.raises(ValidationError, match="did not route the child to this panel"):
            services.referral_create(panel_kind=PanelKind.HSB, **base)
        r = services.referral_create(panel_kind=PanelKind.MACE, **base)
    assert r.source == ReferralSource.FRONT_DOOR and r.contact == contact
