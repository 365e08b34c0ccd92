"""Write paths for panels: each validates everything first, runs in one transaction and audits
itself; a refused call raises ValidationError and changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from cshub.accounts.models import Agency
from cshub.audit.services import record
from cshub.core.vocab import FourP, HarmType
from cshub.people.models import Person

from . import rules
from .choices import (
    ActionStatus,
    Attendance,
    HackettLevel,
    HsbRole,
    InterventionKind,
    JudgementStage,
    PanelKind,
    ReferralSource,
    ReferralStatus,
)
from .models import (
    Action,
    AgendaItem,
    HsbIncident,
    HsbIntervention,
    HsbInvolvement,
    Invitee,
    Meeting,
    Panel,
    Referral,
    Review,
    RiskJudgement,
)


def _agency_of(user) -> Agency | None:
    membership = (
        user.memberships.filter(ended_on__isnull=True)
        .select_related("team__agency")
        .order_by("started_on")
        .first()
    )
    return membership.team.agency if membership else None


def _subject_errors(person, place, group) -> dict:
    if sum(x is not None for x in (person, place, group)) != 1:
        return {"subject": ["Choose one subject: a child, an adult, a place or a group."]}
    return {}


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


# Meetings -------------------------------------------------------------------------------------


def meeting_create(
    *, actor, panel: Panel, starts_at: datetime, chair, location: str = "", invitees=()
) -> Meeting:
    errors: dict = {}
    if not panel.is_active:
        errors["panel"] = ["This panel no longer meets."]
    if starts_at.year < 2000:
        errors["starts_at"] = ["Check the date of the meeting."]
    people = list(dict.fromkeys([chair, *invitees]))
    missing_agency = [str(u) for u in people if _agency_of(u) is None]
    if missing_agency:
        errors["invitees"] = [f"{', '.join(missing_agency)} acts for no agency; cannot invite."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            panel=panel,
            starts_at=starts_at,
            chair=chair,
            location=location.strip(),
            created_by=actor,
        )
        Invitee.objects.bulk_create(
            Invitee(meeting=meeting, user=u, agency=_agency_of(u)) for u in people
        )
        record(
            action="panels.meeting.created",
            obj=meeting,
            details={"panel": panel.kind, "invitees": len(people)},
        )
    return meeting


def invitee_add(*, actor, meeting: Meeting, user) -> Invitee:
    agency = _agency_of(user)
    if agency is None:
        raise ValidationError({"user": ["This user acts for no agency; cannot invite."]})
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.minutes_approved_at:
            raise ValidationError({"user": ["The minutes are approved; the meeting is closed."]})
        if meeting.invitees.filter(user=user).exists():
            raise ValidationError({"user": [f"{user} is already invited."]})
        invitee = Invitee.objects.create(meeting=meeting, user=user, agency=agency)
        record(
            action="panels.invitee.added",
            obj=meeting,
            details={"user": user.username, "published": meeting.is_published},
        )
    return invitee


def attendance_record(*, actor, meeting: Meeting, attendance: dict[int, str]) -> None:
    """attendance: {invitee id: Attendance}."""
    errors = []
    invitees = {i.pk: i for i in meeting.invitees.all()}
    for pk, value in attendance.items():
        if pk not in invitees:
            errors.append("Someone not invited cannot attend.")
        elif value not in Attendance.values:
            errors.append("Unknown attendance.")
    if timezone.localdate(meeting.starts_at) > timezone.localdate():
        errors.append("Record attendance once the meeting has happened.")
    if meeting.minutes_approved_at:
        errors.append("The minutes are approved; attendance cannot change.")
    if errors:
        raise ValidationError({"attendance": sorted(set(errors))})
    with transaction.atomic():
        for pk, value in attendance.items():
            Invitee.objects.filter(pk=pk, meeting=meeting).update(attendance=value)
        record(
            action="panels.attendance.recorded",
            obj=meeting,
            details={
                v: sum(1 for a in attendance.values() if a == v) for v in set(attendance.values())
            },
        )


def meeting_publish(*, actor, meeting: Meeting) -> Meeting:
    """Send the agenda: from now the invitees see the people on it, until `access_ends_at`."""
    with transaction.atomic():
        meeting = _locked(meeting)
        errors: dict = {}
        if meeting.is_published:
            errors["meeting"] = ["The agenda is already published; nothing was changed."]
        elif not meeting.items.exists():
            errors["meeting"] = ["Add at least one item before publishing the agenda."]
        elif meeting.invitees.count() < 2:
            errors["meeting"] = ["Invite the panel's members before publishing."]
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        meeting.published_at = now
        meeting.access_ends_at = rules.access_ends(meeting.starts_at)
        if meeting.access_ends_at <= now:
            raise ValidationError(
                {"meeting": ["This meeting was too long ago to publish: access would be closed."]}
            )
        meeting.version += 1
        meeting.save(update_fields=["published_at", "access_ends_at", "version", "updated_at"])
        record(
            action="panels.meeting.published",
            obj=meeting,
            details={
                "items": meeting.items.count(),
                "invitees": meeting.invitees.count(),
                "access_ends_at": meeting.access_ends_at.isoformat(),
            },
        )
    return meeting


def minutes_approve(*, actor, meeting: Meeting) -> Meeting:
    with transaction.atomic():
        meeting = _locked(meeting)
        errors = []
        if meeting.minutes_approved_at:
            errors.append("The minutes are already approved; nothing was changed.")
        if actor.pk != meeting.chair_id:
            errors.append("Only the meeting's chair approves the minutes.")
        if meeting.items.filter(decision="").exists():
            errors.append("Every item needs its decision recorded first.")
        if meeting.invitees.filter(attendance=Attendance.INVITED).exists():
            errors.append("Record who attended, sent apologies or did not attend.")
        if errors:
            raise ValidationError({"meeting": errors})
        meeting.minutes_approved_at = timezone.now()
        meeting.version += 1
        meeting.save(update_fields=["minutes_approved_at", "version", "updated_at"])
        record(action="panels.minutes.approved", obj=meeting)
    return meeting


# Referrals and the agenda ---------------------------------------------------------------------


# Which panels a Front Door decision routes a child to (frontdoor.choices.Outcome values).
FRONT_DOOR_ROUTES = {
    "mace": (PanelKind.MACE, PanelKind.CETG),
    "specialist": (PanelKind.MACE, PanelKind.CETG),
    "strategy": (PanelKind.STRATEGY,),
    "hsb": (PanelKind.HSB,),
}


def referral_create(
    *,
    actor,
    panel_kind: str,
    referring_agency: Agency,
    reason: str,
    referred_on: date,
    person: Person | None = None,
    place=None,
    group=None,
    contact=None,
    assessment=None,
    as_manager: bool = False,
) -> Referral:
    """The route is the first that applies: a Front Door decision, an assessment, a manager, or a
    partner agency (any agency but children's social care and early help)."""
    from .policy import is_childrens_social_care

    errors: dict = _subject_errors(person, place, group)
    if panel_kind not in PanelKind.values:
        errors["panel_kind"] = ["Unknown panel."]
    if not reason.strip():
        errors["reason"] = ["Say why the panel should consider this."]
    if referred_on > timezone.localdate():
        errors["referred_on"] = ["The referral date is in the future."]
    if contact is not None:
        source = ReferralSource.FRONT_DOOR
        decision = getattr(contact, "decision", None)
        if decision is None:
            errors["contact"] = ["That contact has no Front Door decision yet."]
        elif panel_kind not in FRONT_DOOR_ROUTES.get(decision.outcome, ()):
            errors["contact"] = ["That Front Door decision did not route the child to this panel."]
        elif person is None or not contact.subjects.filter(person=person).exists():
            errors["contact"] = ["That contact is not about this person."]
    elif assessment is not None:
        source = ReferralSource.ASSESSMENT
        if person is None or assessment.person_id != person.pk:
            errors["assessment"] = ["That assessment is not about this person."]
    elif as_manager:
        source = ReferralSource.MANAGER
    elif not is_childrens_social_care(referring_agency):
        source = ReferralSource.PARTNER
    else:
        source = ""
        errors["source"] = [
            "A referral from children's services comes from a Front Door decision, an "
            "assessment or a manager: choose the decision or assessment, or ask your manager."
        ]
    if person is not None and (
        Referral.objects.filter(
            subject_person=person, panel_kind=panel_kind, status=ReferralStatus.WAITING
        ).exists()
    ):
        errors["panel_kind"] = ["This person is already waiting for that panel."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral = Referral.objects.create(
            panel_kind=panel_kind,
            source=source,
            referring_agency=referring_agency,
            contact=contact,
            assessment=assessment,
            reason=reason.strip(),
            referred_on=referred_on,
            referred_by=actor,
            subject_person=person,
            subject_place=place,
            subject_group=group,
        )
        record(
            action="panels.referral.created",
            obj=referral,
            person=person,
            details={"panel": panel_kind, "source": source, "agency": referring_agency.code},
        )
    return referral


def referral_decline(*, actor, referral: Referral, reason: str) -> Referral:
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != ReferralStatus.WAITING:
            raise ValidationError({"reason": ["This referral is no longer waiting."]})
        if not reason.strip():
            raise ValidationError({"reason": ["Say why it is not going to panel."]})
        referral.status = ReferralStatus.DECLINED
        referral.declined_reason = reason.strip()
        referral.save(update_fields=["status", "declined_reason", "updated_at"])
        record(
            action="panels.referral.declined", obj=referral, person_id=referral.subject_person_id
        )
    return referral


def item_add(
    *,
    actor,
    meeting: Meeting,
    purpose: str,
    referral: Referral | None = None,
    person: Person | None = None,
    place=None,
    group=None,
) -> AgendaItem:
    """Put a referral, a review or a place/group on the agenda (not once minutes are approved)."""
    if referral is not None:
        person, place, group = (
            referral.subject_person,
            referral.subject_place,
            referral.subject_group,
        )
        purpose = purpose or referral.reason
    with transaction.atomic():
        meeting = _locked(meeting)
        errors: dict = _subject_errors(person, place, group)
        if meeting.minutes_approved_at:
            errors["meeting"] = ["The minutes are approved; the agenda is closed."]
        if referral is not None:
            referral = Referral.objects.select_for_update().get(pk=referral.pk)
            if referral.status != ReferralStatus.WAITING:
                errors["referral"] = ["This referral is already on an agenda or was declined."]
            elif referral.panel_kind != meeting.panel.kind:
                errors["referral"] = ["This referral is for a different panel."]
        if not (purpose or "").strip():
            errors["purpose"] = ["Say why it is on the agenda."]
        if (
            person is not None
            and meeting.items.filter(subject_person=person).exists()
            or place is not None
            and meeting.items.filter(subject_place=place).exists()
            or group is not None
            and meeting.items.filter(subject_group=group).exists()
        ):
            errors["subject"] = ["Already on this agenda."]
        if errors:
            raise ValidationError(errors)
        position = (meeting.items.aggregate(m=Max("position"))["m"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            referral=referral,
            purpose=purpose.strip(),
            subject_person=person,
            subject_place=place,
            subject_group=group,
        )
        if referral is not None:
            referral.status = ReferralStatus.LISTED
            referral.save(update_fields=["status", "updated_at"])
        meeting.version += 1
        meeting.save(update_fields=["version", "updated_at"])
        record(
            action="panels.item.added",
            obj=meeting,
            person=person,
            details={
                "item": str(item.pk),
                "subject": item.subject_kind,
                "published": meeting.is_published,
            },
        )
    return item


def item_remove(*, actor, item: AgendaItem) -> None:
    with transaction.atomic():
        meeting = _locked(item.meeting)
        if meeting.is_published:
            raise ValidationError(
                {"item": ["The agenda is published; record a decision instead of removing it."]}
            )
        if item.referral_id:
            Referral.objects.filter(pk=item.referral_id).update(status=ReferralStatus.WAITING)
        Review.objects.filter(held_item=item).update(held_item=None)
        person_id = item.subject_person_id
        item.delete()
        record(
            action="panels.item.removed",
            obj=meeting,
            person_id=person_id,
            details={"position": item.position},
        )


# Minutes and judgements -----------------------------------------------------------------------


def _stage_for(person: Person, item: AgendaItem) -> str:
    """Initial at a child's first MACE with judgements; review afterwards."""
    earlier = RiskJudgement.objects.filter(
        person=person,
        item__meeting__panel__kind=PanelKind.MACE,
        item__meeting__starts_at__lt=item.meeting.starts_at,
    ).exclude(item=item)
    return JudgementStage.REVIEW if earlier.exists() else JudgementStage.INITIAL


def item_minute(
    *,
    actor,
    item: AgendaItem,
    information_shared: str,
    discussion: str,
    decision: str,
    judgements: Iterable[dict] = (),
) -> AgendaItem:
    """Record an item's minutes and, for a child, the panel's risk judgement per harm type
    (each: harm_type, level, rationale, child_voice). Judgements replace any recorded earlier for
    this item. The first MACE judgements schedule the child's reviews; later ones hold the review
    due nearest the meeting."""
    judgements = [j for j in judgements if j.get("level")]
    with transaction.atomic():
        meeting = _locked(item.meeting)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        errors: dict = {}
        if not meeting.is_published:
            errors["decision"] = ["Publish the agenda before minuting it."]
        if meeting.minutes_approved_at:
            errors["decision"] = ["The minutes are approved and cannot change."]
        if timezone.localdate(meeting.starts_at) > timezone.localdate():
            errors["decision"] = ["Minute the item at or after the meeting."]
        if not decision.strip():
            errors["decision"] = ["Record what the panel decided."]
        person = item.subject_person
        judged_on = timezone.localdate(meeting.starts_at)
        if judgements:
            if person is None:
                errors["judgements"] = ["Risk judgements are for a child on the agenda."]
            elif person.date_of_birth and person.age(judged_on) >= 18:
                errors["judgements"] = ["Risk judgements are for children; this is an adult."]
            harms = [j["harm_type"] for j in judgements]
            if len(harms) != len(set(harms)):
                errors["judgements"] = ["One judgement per harm type."]
            for j in judgements:
                label = HarmType(j["harm_type"]).label if j["harm_type"] in HarmType.values else ""
                if not label:
                    errors["judgements"] = ["Unknown harm type."]
                elif rules.risk_rank(j["level"]) is None:
                    errors[f"level_{j['harm_type']}"] = ["Unknown risk level."]
                elif not (j.get("rationale") or "").strip():
                    errors[f"rationale_{j['harm_type']}"] = [f"Give the rationale for {label}."]
                elif not (j.get("child_voice") or "").strip():
                    errors[f"child_voice_{j['harm_type']}"] = [
                        f"Record the child's voice for {label} (or why it could not be heard)."
                    ]
        if errors:
            raise ValidationError(errors)
        item.information_shared = information_shared.strip()
        item.discussion = discussion.strip()
        item.decision = decision.strip()
        item.minuted_by = actor
        item.save()
        stage = None
        if judgements:
            item.judgements.all().delete()
            stage = _stage_for(person, item)
            RiskJudgement.objects.bulk_create(
                RiskJudgement(
                    item=item,
                    person=person,
                    harm_type=j["harm_type"],
                    level=j["level"],
                    rank=rules.risk_rank(j["level"]),
                    stage=stage,
                    judged_on=judged_on,
                    rationale=j["rationale"].strip(),
                    child_voice=j["child_voice"].strip(),
                    recorded_by=actor,
                )
                for j in judgements
            )
            if meeting.panel.kind == PanelKind.MACE:
                _schedule_or_hold_review(person, item, stage, judged_on)
        if meeting.panel.kind == PanelKind.STRATEGY and person is not None:
            _clear_missing_prompt(actor, meeting, item, person, judged_on)
        meeting.version += 1
        meeting.save(update_fields=["version", "updated_at"])
        record(
            action="panels.item.minuted",
            obj=meeting,
            person=person,
            details={
                "item": str(item.pk),
                "judgements": {j["harm_type"]: j["level"] for j in judgements},
                "stage": stage,
            },
        )
    return item


def _clear_missing_prompt(actor, meeting, item, person, held_on) -> None:
    """A strategy meeting about a child with an open repeat-missing prompt is the meeting that
    prompt asked for: record it there (attendees, the item's decision) so the prompt clears."""
    from cshub.missing.models import StrategyMeetingPrompt
    from cshub.missing.services import strategy_meeting_record

    prompt = StrategyMeetingPrompt.objects.filter(person=person, meeting_on__isnull=True).first()
    if prompt is None or held_on < timezone.localdate(prompt.raised_at) - timedelta(days=31):
        return
    present = meeting.invitees.exclude(
        attendance__in=(Attendance.APOLOGIES, Attendance.ABSENT)
    ).select_related("user", "agency")
    attendees = "; ".join(
        f"{i.user.get_full_name() or i.user.username} ({i.agency.name})" for i in present
    )
    strategy_meeting_record(
        prompt=prompt,
        meeting_on=held_on,
        attendees=attendees or "See the panel meeting's attendance",
        outcome=f"{item.decision} (strategy meeting {meeting.starts_at:%d %b %Y}, item "
        f"{item.position})",
        actor=actor,
    )


def _schedule_or_hold_review(person, item, stage, judged_on) -> None:
    if stage == JudgementStage.INITIAL:
        for months, due in rules.reviews_due(judged_on):
            Review.objects.get_or_create(
                initial_item=item, months=months, defaults={"person": person, "due_on": due}
            )
        return
    if Review.objects.filter(held_item=item).exists():
        return
    # The open review whose due date is nearest this meeting holds it, if it is due by then or
    # within the look-ahead (a meeting months early is a review, but not the scheduled one).
    open_reviews = list(
        Review.objects.filter(
            person=person,
            held_item__isnull=True,
            due_on__lte=judged_on + rules.REVIEW_LOOKAHEAD,
        )
    )
    if open_reviews:
        nearest = min(open_reviews, key=lambda r: (abs((r.due_on - judged_on).days), r.due_on))
        nearest.held_item = item
        nearest.save(update_fields=["held_item"])


# Actions --------------------------------------------------------------------------------------


def action_add(
    *,
    actor,
    meeting: Meeting,
    description: str,
    owner_agency: Agency,
    due_on: date,
    four_p: str,
    item: AgendaItem | None = None,
    owner_user=None,
) -> Action:
    errors: dict = {}
    if not description.strip():
        errors["description"] = ["Say what is to be done."]
    if four_p not in FourP.values:
        errors["four_p"] = ["Choose Prevent, Pursue, Protect or Prepare."]
    if item is not None and item.meeting_id != meeting.pk:
        errors["item"] = ["That item is on another meeting's agenda."]
    if due_on < timezone.localdate(meeting.starts_at):
        errors["due_on"] = ["The action cannot be due before the meeting."]
    if owner_user is not None and _agency_of(owner_user) is None:
        errors["owner_user"] = ["That person acts for no agency."]
    if meeting.minutes_approved_at:
        errors["description"] = ["The minutes are approved; the meeting is closed."]
    if not meeting.is_published:
        errors["description"] = ["Publish the agenda before recording actions."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = Action.objects.create(
            meeting=meeting,
            item=item,
            description=description.strip(),
            owner_user=owner_user,
            owner_agency=owner_agency,
            due_on=due_on,
            four_p=four_p,
            created_by=actor,
        )
        record(
            action="panels.action.created",
            obj=meeting,
            person_id=item.subject_person_id if item else None,
            details={"action": str(action.pk), "owner_agency": owner_agency.code, "four_p": four_p},
        )
    return action


def action_update(*, actor, action: Action, status: str, update: str = "") -> Action:
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if status not in ActionStatus.values:
            raise ValidationError({"status": ["Unknown status."]})
        if action.status != ActionStatus.OPEN and status != ActionStatus.OPEN:
            raise ValidationError({"status": ["This action is already closed."]})
        if status == ActionStatus.CANCELLED and not update.strip():
            raise ValidationError({"update": ["Say why the action is cancelled."]})
        action.status = status
        action.completed_on = None if status == ActionStatus.OPEN else timezone.localdate()
        if update.strip():
            action.update = update.strip()
        action.save()
        record(
            action="panels.action.updated",
            obj=action.meeting,
            person_id=action.item.subject_person_id if action.item_id else None,
            details={"action": str(action.pk), "status": status},
        )
    return action


# HSB ------------------------------------------------------------------------------------------


def hsb_incident_record(
    *,
    actor,
    occurred_on: date,
    hackett_level: str,
    description: str,
    children: list[tuple[Person, str]],
    referral: Referral | None = None,
    place=None,
) -> HsbIncident:
    """children: [(person, HsbRole)], each child once with their own role."""
    errors: dict = {}
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = ["The incident date is in the future."]
    if hackett_level not in HackettLevel.values:
        errors["hackett_level"] = ["Choose a level on the Hackett continuum."]
    if not description.strip():
        errors["description"] = ["Describe what happened."]
    if not children:
        errors["children"] = ["Name at least one child and their role."]
    ids = [p.pk for p, _ in children]
    if len(ids) != len(set(ids)):
        errors["children"] = ["Each child appears once, with their own role."]
    if any(role not in HsbRole.values for _, role in children):
        errors["children"] = ["Each child needs a role: harmed, harmer, both or witness."]
    if referral is not None and referral.panel_kind != PanelKind.HSB:
        errors["referral"] = ["That referral is not to the HSB panel."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        incident = HsbIncident.objects.create(
            referral=referral,
            occurred_on=occurred_on,
            place=place,
            hackett_level=hackett_level,
            description=description.strip(),
            recorded_by=actor,
        )
        HsbInvolvement.objects.bulk_create(
            HsbInvolvement(incident=incident, person=p, role=role) for p, role in children
        )
        for person, role in children:
            record(
                action="panels.hsb_incident.recorded",
                obj=incident,
                person=person,
                details={"role": role, "hackett": hackett_level},
            )
    return incident


def hsb_intervention_record(
    *,
    actor,
    involvement: HsbInvolvement,
    kind: str,
    practitioner,
    agency: Agency,
    started_on: date,
    ended_on: date | None = None,
    notes: str = "",
) -> HsbIntervention:
    errors: dict = {}
    if kind not in InterventionKind.values:
        errors["kind"] = ["Unknown kind of intervention."]
    if started_on > timezone.localdate():
        errors["started_on"] = ["Record the intervention once it has started."]
    if started_on < involvement.incident.occurred_on:
        errors["started_on"] = ["The intervention cannot start before the incident."]
    if ended_on and ended_on < started_on:
        errors["ended_on"] = ["It cannot end before it started."]
    if ended_on and ended_on > timezone.localdate():
        errors["ended_on"] = ["This date is in the future."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            intervention = HsbIntervention.objects.create(
                involvement=involvement,
                kind=kind,
                practitioner=practitioner,
                agency=agency,
                started_on=started_on,
                ended_on=ended_on,
                notes=notes.strip(),
            )
        except IntegrityError as exc:  # pragma: no cover - guarded above
            raise ValidationError({"ended_on": ["Check the dates."]}) from exc
        record(
            action="panels.hsb_intervention.recorded",
            obj=involvement.incident,
            person_id=involvement.person_id,
            details={"kind": kind},
        )
    return intervention
