"""Write paths of the missing pathway. Each runs in one transaction, validates everything before
it writes, and audits itself: a refused call changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cshub.accounts.models import Agency
from cshub.audit.services import record
from cshub.contexts.models import PersonPlace, Place
from cshub.core import clocks, identifiers
from cshub.core.vocab import (
    CaseStatus,
    Confidence,
    HarmType,
    IdentifierScheme,
    InformationSource,
    PlaceAssociationKind,
    RelationshipKind,
)
from cshub.people import services as people_services
from cshub.people.models import Case, Identifier, Person, Relationship

from .choices import EpisodeType, MissingFrom, RhiResponse
from .matching import match_reported_child
from .models import (
    Episode,
    EpisodePerson,
    ReturnInterview,
    RhiExploitationSign,
    StrategyMeetingPrompt,
)
from .rules import current_rule


def _not_future(value: datetime | None, field: str, errors: dict, now: datetime) -> None:
    if value is not None and clocks.in_future(value, now):
        errors.setdefault(field, []).append("This time is in the future.")


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- reports -------------------------------------------------------------------------------------


@dataclass
class Report:
    """A missing report as a partner sends it (API, import) or a worker types it (web)."""

    police_reference: str
    reported_at: datetime
    given_name: str
    family_name: str
    missing_from: str
    police_risk: str
    date_of_birth: date | None = None
    police_nominal_id: str = ""
    nhs_number: str = ""
    notified_at: datetime | None = None  # default: now, when it reaches us
    episode_type: str = EpisodeType.MISSING
    placement_type: str = ""
    last_seen_at: datetime | None = None
    last_seen_where: str = ""
    last_seen_with: str = ""
    last_seen_place: Place | None = None
    person: Person | None = None  # known already (a worker recording from a child's record)
    people_with: tuple = ()  # people the child was last seen with, known to us


def check_report(report: Report, now: datetime) -> dict:
    errors: dict = {}
    notified = report.notified_at or now
    _not_future(report.reported_at, "reported_at", errors, now)
    _not_future(report.notified_at, "notified_at", errors, now)
    _not_future(report.last_seen_at, "last_seen_at", errors, now)
    if notified < report.reported_at:
        errors.setdefault("notified_at", []).append(
            "The council cannot be told before the police were."
        )
    if report.last_seen_at and report.last_seen_at > report.reported_at:
        errors.setdefault("last_seen_at", []).append(
            "The child must have been last seen before they were reported missing."
        )
    if report.missing_from == MissingFrom.CARE_PLACEMENT and not report.placement_type:
        errors.setdefault("placement_type", []).append("Say what kind of placement it is.")
    if report.missing_from != MissingFrom.CARE_PLACEMENT and report.placement_type:
        errors.setdefault("placement_type", []).append(
            "A placement type is only for a child missing from a care placement."
        )
    if (
        report.episode_type == EpisodeType.AWAY
        and report.missing_from != MissingFrom.CARE_PLACEMENT
    ):
        errors.setdefault("episode_type", []).append(
            "'Away from placement' is only for a child missing from a care placement."
        )
    if report.date_of_birth and report.date_of_birth > report.reported_at.date():
        errors.setdefault("date_of_birth", []).append("The date of birth is after the report.")
    for field, scheme, value in (
        ("police_nominal_id", IdentifierScheme.POLICE_NOMINAL_ID, report.police_nominal_id),
        ("nhs_number", IdentifierScheme.NHS_NUMBER, report.nhs_number),
    ):
        if value:
            try:
                identifiers.normalise(scheme, value)
            except identifiers.InvalidIdentifier as error:
                errors.setdefault(field, []).append(str(error))
    if not report.police_reference.strip():
        errors.setdefault("police_reference", []).append("Give the police reference.")
    return errors


def _normal(scheme: str, value: str) -> str:
    return identifiers.normalise(scheme, value) if value else ""


def report_missing(
    *, agency: Agency, report: Report, source: str, actor=None
) -> tuple[Episode, bool]:
    """Record a missing report; `(episode, True)` when new. The same police reference from the
    same agency answers with the episode already held, `(episode, False)`, changing nothing."""
    reference = report.police_reference.strip().upper()
    existing = Episode.objects.filter(reporting_agency=agency, police_reference=reference).first()
    if existing is not None:
        record(
            action="missing.episode.report_repeated",
            obj=existing,
            person_id=existing.person_id,
            details={"police_reference": reference, "source": source},
        )
        return existing, False
    now = timezone.now()
    _raise(check_report(report, now))
    person, basis = report.person, "recorded from the child's record" if report.person else ""
    if person is None:
        result = match_reported_child(
            given_name=report.given_name,
            family_name=report.family_name,
            date_of_birth=report.date_of_birth,
            police_nominal_id=report.police_nominal_id,
            nhs_number=report.nhs_number,
        )
        person, basis = result.person, result.basis
    episode = Episode(
        person=person,
        reporting_agency=agency,
        police_reference=reference,
        source=source,
        episode_type=report.episode_type,
        reported_given_name=report.given_name.strip(),
        reported_family_name=report.family_name.strip(),
        reported_date_of_birth=report.date_of_birth,
        reported_police_nominal_id=_normal(
            IdentifierScheme.POLICE_NOMINAL_ID, report.police_nominal_id
        ),
        reported_nhs_number=_normal(IdentifierScheme.NHS_NUMBER, report.nhs_number),
        reported_at=report.reported_at,
        notified_at=report.notified_at or now,
        notification_due_at=clocks.missing_notification_due(report.reported_at),
        missing_from=report.missing_from,
        placement_type=report.placement_type,
        police_risk=report.police_risk,
        last_seen_at=report.last_seen_at,
        last_seen_where=report.last_seen_where.strip(),
        last_seen_with=report.last_seen_with.strip(),
        last_seen_place=report.last_seen_place,
        recorded_by=actor,
        match_basis=basis,
    )
    episode.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            episode.save(force_insert=True)
            record(
                action="missing.episode.reported",
                obj=episode,
                person=person,
                details={
                    "police_reference": reference,
                    "source": source,
                    "matched": basis or "unmatched: waiting in the queue",
                },
            )
            if person is not None:
                _on_person_known(episode, actor, people_with=report.people_with)
    except IntegrityError:
        # The same report raced in twice: the other request stored it; answer with that one.
        existing = Episode.objects.filter(
            reporting_agency=agency, police_reference=reference
        ).first()
        if existing is None:
            raise
        return existing, False
    return episode, True


def _associate_place(episode: Episode, place: Place | None, kind: str, on: date, actor) -> None:
    if place is None or episode.person_id is None:
        return
    link = PersonPlace.objects.filter(person_id=episode.person_id, place=place, kind=kind).first()
    if link is not None:
        if link.last_seen is None or link.last_seen < on:
            link.last_seen = max(on, link.first_seen)
            link.save(update_fields=["last_seen"])
        return
    PersonPlace.objects.create(
        person_id=episode.person_id,
        place=place,
        kind=kind,
        first_seen=on,
        source=InformationSource.RECORD,
        source_agency=episode.reporting_agency,
        confidence=Confidence.CONFIRMED,
        notes=f"Missing episode {episode.police_reference}",
        recorded_by=actor,
    )


def _name_people(episode: Episode, people, role: str, on: date) -> None:
    for other in people:
        if other.pk == episode.person_id:
            continue
        EpisodePerson.objects.get_or_create(episode=episode, person=other, role=role)
        tied = (
            Relationship.objects.filter(person_id=episode.person_id, other=other).exists()
            or Relationship.objects.filter(person=other, other_id=episode.person_id).exists()
        )
        if not tied:
            Relationship.objects.create(
                person_id=episode.person_id,
                other=other,
                kind=RelationshipKind.ASSOCIATE,
                detail=f"{EpisodePerson.Role(role).label.lower()} ({episode.police_reference})",
                source=InformationSource.RECORD,
                source_agency=episode.reporting_agency,
                started_on=on,
            )


def _on_person_known(episode: Episode, actor, *, people_with=()) -> None:
    """Once we know who the child is: their associations and the repeat-missing rule."""
    reported = timezone.localdate(episode.reported_at)
    _associate_place(
        episode, episode.last_seen_place, PlaceAssociationKind.SEEN_AT, reported, actor
    )
    _name_people(episode, people_with, EpisodePerson.Role.LAST_SEEN_WITH, reported)
    if episode.returned_at:
        _associate_place(
            episode,
            episode.found_place,
            PlaceAssociationKind.FOUND_AT,
            timezone.localdate(episode.returned_at),
            actor,
        )
    repeat_check(person=episode.person, actor=actor, episode=episode)


# --- matching ------------------------------------------------------------------------------------


def episode_link_person(*, episode: Episode, person: Person | None, actor) -> Person:
    """Resolve an unmatched report: this existing person, or (person None) a new person made
    from what the police sent. The police identifiers are added to the person if they hold none
    of that scheme, so the next report from the same system links by itself."""
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        if episode.person_id is not None:
            raise ValidationError("This report has already been matched to a person.")
        held = [
            (IdentifierScheme.POLICE_NOMINAL_ID, episode.reported_police_nominal_id),
            (IdentifierScheme.NHS_NUMBER, episode.reported_nhs_number),
        ]
        if person is None:
            person = people_services.person_create(
                actor=actor,
                given_name=episode.reported_given_name,
                family_name=episode.reported_family_name,
                date_of_birth=episode.reported_date_of_birth,
                identifiers=[(s, v) for s, v in held if v and not _taken(s, v)],
            )
            basis = "new person made from the police report"
        else:
            for scheme, value in held:
                if (
                    value
                    and not _taken(scheme, value)
                    and not person.identifiers.filter(scheme=scheme).exists()
                ):
                    people_services.identifier_add(
                        actor=actor, person=person, scheme=scheme, value=value
                    )
            basis = "matched by hand"
        episode.person, episode.matched_by, episode.match_basis = person, actor, basis
        episode.save(update_fields=["person", "matched_by", "match_basis", "updated_at"])
        record(
            action="missing.episode.matched",
            obj=episode,
            person=person,
            details={"basis": basis, "police_reference": episode.police_reference},
        )
        _on_person_known(episode, actor)
    return person


def _taken(scheme: str, value: str) -> bool:
    return Identifier.objects.filter(scheme=scheme, value=value).exists()


# --- returns -------------------------------------------------------------------------------------


def record_return(
    *,
    episode: Episode,
    returned_at: datetime,
    found_where: str = "",
    found_place: Place | None = None,
    return_method: str = "",
    people_with=(),
    actor=None,
) -> tuple[Episode, bool]:
    """The child is back: stops the episode and starts the 72-hour RHI clock. `(episode, False)`
    when the same return was already recorded (a resend); a different time is refused."""
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        if episode.returned_at is not None:
            if episode.returned_at == returned_at:
                record(
                    action="missing.episode.return_repeated",
                    obj=episode,
                    person_id=episode.person_id,
                    details={"police_reference": episode.police_reference},
                )
                return episode, False
            raise ValidationError(
                {
                    "returned_at": (
                        "This episode already has a return recorded, at "
                        f"{timezone.localtime(episode.returned_at):%d %B %Y %H:%M}."
                    )
                }
            )
        errors: dict = {}
        _not_future(returned_at, "returned_at", errors, timezone.now())
        if returned_at < episode.reported_at:
            errors.setdefault("returned_at", []).append(
                "The child cannot return before they were reported missing."
            )
        _raise(errors)
        episode.returned_at = returned_at
        episode.rhi_due_at = clocks.rhi_offer_due(returned_at)
        episode.found_where = found_where.strip()
        episode.found_place = found_place
        episode.return_method = return_method
        episode.full_clean(validate_constraints=False)
        episode.save()
        record(
            action="missing.episode.returned",
            obj=episode,
            person_id=episode.person_id,
            details={"police_reference": episode.police_reference},
        )
        if episode.person_id:
            _associate_place(
                episode,
                found_place,
                PlaceAssociationKind.FOUND_AT,
                timezone.localdate(returned_at),
                actor,
            )
            _name_people(
                episode, people_with, EpisodePerson.Role.FOUND_WITH, timezone.localdate(returned_at)
            )
    return episode, True


# --- Return Home Interviews ----------------------------------------------------------------------


def _rhi_for(episode: Episode) -> ReturnInterview:
    rhi = ReturnInterview.objects.select_for_update().filter(episode=episode).first()
    return rhi or ReturnInterview(episode=episode)


def _not_shared(rhi: ReturnInterview) -> None:
    if rhi.shared_with_police_at:
        raise ValidationError(
            "The outcome has already been shared with the police; it can no longer be changed."
        )


def rhi_offer(
    *,
    episode: Episode,
    offered_at: datetime,
    response: str = "",
    declined_reason: str = "",
    actor,
) -> ReturnInterview:
    """Record the offer of an interview, and the child's answer when known."""
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        rhi = _rhi_for(episode)
        _not_shared(rhi)
        errors: dict = {}
        if episode.returned_at is None:
            raise ValidationError("Record the child's return before the interview is offered.")
        if offered_at < episode.returned_at:
            errors.setdefault("offered_at", []).append(
                "An interview is offered after the child returns."
            )
        _not_future(offered_at, "offered_at", errors, timezone.now())
        if response == RhiResponse.DECLINED and not declined_reason.strip():
            errors.setdefault("declined_reason", []).append("Say why the child declined.")
        if rhi.held_at and response != RhiResponse.ACCEPTED:
            errors.setdefault("response", []).append(
                "The interview has been held, so the offer was accepted."
            )
        _raise(errors)
        rhi.offered_at, rhi.offered_by = offered_at, rhi.offered_by or actor
        rhi.not_offered_reason, rhi.not_offered_detail = "", ""
        rhi.response = response
        rhi.declined_reason = declined_reason.strip() if response == RhiResponse.DECLINED else ""
        rhi.updated_by = actor
        rhi.full_clean(validate_constraints=False)
        rhi.save()
        record(
            action="missing.rhi.offered",
            obj=rhi,
            person_id=episode.person_id,
            details={
                "response": response or "awaiting",
                "police_reference": episode.police_reference,
            },
        )
    return rhi


def rhi_not_offered(*, episode: Episode, reason: str, detail: str, actor) -> ReturnInterview:
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        rhi = _rhi_for(episode)
        _not_shared(rhi)
        if rhi.offered_at:
            raise ValidationError("An interview has already been offered for this episode.")
        if not detail.strip():
            raise ValidationError({"detail": ["Explain the decision not to offer an interview."]})
        rhi.not_offered_reason, rhi.not_offered_detail = reason, detail.strip()
        rhi.updated_by = actor
        rhi.full_clean(validate_constraints=False)
        rhi.save()
        record(
            action="missing.rhi.not_offered",
            obj=rhi,
            person_id=episode.person_id,
            details={"reason": reason},
        )
    return rhi


INTERVIEW_FIELDS = (
    "held_at",
    "held_where",
    "interviewer_independent",
    "where_went",
    "went_with",
    "push_factors",
    "pull_factors",
    "harm_disclosed",
    "harm_not_told_to_police",
    "substances",
    "health_needs",
    "child_views",
    "actions",
)


def rhi_record_interview(
    *, episode: Episode, fields: dict, signs: dict[str, str], actor
) -> ReturnInterview:
    """What the child said. `signs` maps harm types to what was seen (empty detail allowed)."""
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        rhi = _rhi_for(episode)
        _not_shared(rhi)
        if rhi.pk is None or rhi.response != RhiResponse.ACCEPTED:
            raise ValidationError("Record that the child accepted the offer first.")
        errors: dict = {}
        held_at = fields.get("held_at")
        if held_at is None:
            errors.setdefault("held_at", []).append("Enter when the interview was held.")
        elif held_at < rhi.offered_at:
            errors.setdefault("held_at", []).append("The interview cannot come before the offer.")
        else:
            _not_future(held_at, "held_at", errors, timezone.now())
        unknown = set(signs) - set(HarmType.values)
        if unknown:
            errors.setdefault("signs", []).append(
                "Unknown harm type: " + ", ".join(sorted(unknown))
            )
        _raise(errors)
        for name in INTERVIEW_FIELDS:
            if name in fields:
                setattr(rhi, name, fields[name])
        rhi.interviewer = rhi.interviewer or actor
        rhi.updated_by = actor
        rhi.full_clean(validate_constraints=False)
        rhi.save()
        rhi.signs.exclude(harm_type__in=list(signs)).delete()
        for harm, detail in signs.items():
            RhiExploitationSign.objects.update_or_create(
                rhi=rhi, harm_type=harm, defaults={"detail": detail.strip()}
            )
        record(
            action="missing.rhi.recorded",
            obj=rhi,
            person_id=episode.person_id,
            details={
                "signs": sorted(signs),
                "harm_not_told_to_police": rhi.harm_not_told_to_police,
            },
        )
    return rhi


def rhi_share(*, episode: Episode, actor) -> ReturnInterview:
    """Release the outcome to the reporting police force (it then appears on /rhi-outcomes/)."""
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        rhi = ReturnInterview.objects.select_for_update().filter(episode=episode).first()
        if rhi is None or not rhi.is_closed:
            raise ValidationError(
                "Only a finished outcome is shared: the interview held, the offer declined, or "
                "the decision not to offer."
            )
        _not_shared(rhi)
        rhi.shared_with_police_at, rhi.shared_by = timezone.now(), actor
        rhi.save(update_fields=["shared_with_police_at", "shared_by", "updated_at"])
        record(
            action="missing.rhi.shared",
            obj=rhi,
            person_id=episode.person_id,
            details={"agency": episode.reporting_agency.code},
        )
    return rhi


# --- repeat missing ------------------------------------------------------------------------------


def _windows(rule, person: Person, day: date) -> list[tuple[date, date]]:
    """Every period the rule looks at that holds `day`: the calendar period, or for a rolling
    rule each window ending on an episode's day from `day` to the end of the rolling span."""
    if rule.period in ("quarter", "month"):
        return [rule.window(day)]
    span = int(rule.period)
    lower, upper = clocks.local_days(day, day + timedelta(days=span - 1))
    ends = {
        timezone.localdate(at)
        for at in Episode.objects.filter(
            person=person, reported_at__gte=lower, reported_at__lt=upper
        ).values_list("reported_at", flat=True)
    }
    return [rule.window(end) for end in sorted(ends | {day})]


def repeat_check(
    *, person: Person | None, actor=None, episode: Episode | None = None
) -> StrategyMeetingPrompt | None:
    """Apply the repeat-missing rule to a child after `episode` is recorded or matched (default:
    their latest); raise a prompt if a period holding it reaches the rule and none is open. The
    answer does not depend on the order episodes arrive in: a report recorded late, or an import
    sorted newest first, is judged in its own period. Returns the new prompt, if any."""
    if person is None:
        return None
    rule = current_rule()
    if episode is None:
        episode = Episode.objects.filter(person=person).order_by("-reported_at").first()
        if episode is None:
            return None
    last_meeting = (
        StrategyMeetingPrompt.objects.filter(person=person, meeting_on__isnull=False)
        .order_by("-meeting_on")
        .values_list("meeting_on", flat=True)
        .first()
    )
    for start, end in _windows(rule, person, timezone.localdate(episode.reported_at)):
        if last_meeting and last_meeting >= start:
            start = last_meeting + timedelta(days=1)  # a meeting answers the episodes before it
            if start > end:
                continue
        lower, upper = clocks.local_days(start, end)
        count = Episode.objects.filter(
            person=person, reported_at__gte=lower, reported_at__lt=upper
        ).count()
        if count >= rule.episodes:
            break
    else:
        return None
    if StrategyMeetingPrompt.objects.filter(person=person, meeting_on__isnull=True).exists():
        return None
    case = Case.objects.filter(person=person, status=CaseStatus.OPEN).order_by("-opened_on").first()
    prompt = StrategyMeetingPrompt.objects.create(
        person=person,
        case=case,
        raised_at=timezone.now(),
        period_start=start,
        period_end=end,
        episode_count=count,
        rule=rule.describe(),
    )
    record(
        action="missing.strategy_prompt.raised",
        obj=prompt,
        person=person,
        actor=actor,
        details={"episodes": count, "rule": rule.describe(), "from": str(start), "to": str(end)},
    )
    return prompt


def strategy_meeting_record(
    *, prompt: StrategyMeetingPrompt, meeting_on: date, attendees: str, outcome: str, actor
) -> StrategyMeetingPrompt:
    with transaction.atomic():
        prompt = StrategyMeetingPrompt.objects.select_for_update().get(pk=prompt.pk)
        if prompt.meeting_on is not None:
            raise ValidationError("The strategy meeting for this prompt has already been recorded.")
        errors: dict = {}
        if meeting_on > timezone.localdate():
            errors.setdefault("meeting_on", []).append(
                "Record a meeting once it has been held; this date is in the future."
            )
        if meeting_on < timezone.localdate(prompt.raised_at) - timedelta(days=31):
            errors.setdefault("meeting_on", []).append(
                "This date is long before the prompt was raised."
            )
        if not attendees.strip():
            errors.setdefault("attendees", []).append("Say who attended.")
        if not outcome.strip():
            errors.setdefault("outcome", []).append("Record the outcome.")
        _raise(errors)
        prompt.meeting_on, prompt.attendees, prompt.outcome = (
            meeting_on,
            attendees.strip(),
            outcome.strip(),
        )
        prompt.recorded_by = actor
        prompt.save()
        record(
            action="missing.strategy_meeting.recorded",
            obj=prompt,
            person_id=prompt.person_id,
            details={"meeting_on": str(meeting_on)},
        )
    return prompt
