"""Write paths of the Front Door. Each runs in one transaction, validates, and audits itself."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cshub.audit.services import record
from cshub.core import clocks
from cshub.people import services as people_services
from cshub.people.models import Person, Vulnerability

from .choices import Answer, Consent, ContactState, Outcome, SubjectRole
from .models import (
    Contact,
    ContactHarm,
    ContactPlace,
    ContactSubject,
    Decision,
    Screening,
    ScreeningAnswer,
    ScreeningFactor,
    ScreeningTool,
)
from .routing import NRM_HARMS, ROUTES
from .screening import Scored, suggest_level

DRAFT_FIELDS = (
    "channel",
    "received_at",
    "referrer_agency",
    "referrer_team",
    "referrer_name",
    "referrer_role",
    "referrer_contact_details",
    "what_happened",
    "immediate_danger",
    "consent",
    "consent_reason",
)


class Conflict(ValidationError):
    """Somebody else saved the record since this form was loaded."""


# --- guards --------------------------------------------------------------------------------------


def contact_in_draft(contact: Contact) -> None:
    if contact.state != ContactState.DRAFT:
        raise ValidationError(
            "This contact has already been submitted; it can no longer be edited."
        )


def contact_in_triage(contact: Contact) -> None:
    if contact.state == ContactState.DRAFT:
        raise ValidationError("This contact has not been submitted yet.")
    if contact.state == ContactState.DECIDED:
        raise ValidationError("A decision has already been recorded for this contact.")


def _locked(contact: Contact) -> Contact:
    return Contact.objects.select_for_update().get(pk=contact.pk)


# --- contacts ------------------------------------------------------------------------------------


def _new_reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRTUVWXYZ2346789"  # no look-alikes
    return "CT-" + "".join(secrets.choice(alphabet) for _ in range(7))


@transaction.atomic
def contact_start(*, actor) -> Contact:
    """A new draft, saved at once so nothing typed is ever lost. The referrer is the actor."""
    membership = (
        actor.memberships.filter(ended_on__isnull=True).select_related("team__agency").first()
    )
    contact = Contact(
        reference=_new_reference(),
        raised_by=actor,
        referrer_name=actor.get_full_name(),
        referrer_role=actor.job_title,
        referrer_contact_details=actor.email or actor.phone,
        referrer_team=membership.team if membership else None,
        referrer_agency=membership.team.agency if membership else None,
    )
    contact.full_clean()
    contact.save()
    record(action="frontdoor.contact.created", actor=actor, obj=contact)
    return contact


@transaction.atomic
def contact_save_draft(
    *, actor, contact: Contact, version: int, data: dict, harm_types: Iterable[str]
) -> Contact:
    """Save the draft's fields (also the autosave). A stale version is a conflict: nothing saved."""
    contact = _locked(contact)
    contact_in_draft(contact)
    if version != contact.version:
        raise Conflict(
            "Someone else saved this contact since you opened it (perhaps in another tab). "
            "Your changes have not been saved yet: they are still on this page. Check them, "
            "then save again to replace the other version."
        )
    for field in DRAFT_FIELDS:
        if field in data:
            setattr(contact, field, data[field])
    if contact.received_at and contact.received_at > timezone.now():
        raise ValidationError(
            {"received_at": "When the contact was received cannot be in the future."}
        )
    contact.version += 1
    contact.full_clean()
    contact.save()
    harm_types = set(harm_types)
    contact.harms.exclude(harm_type__in=harm_types).delete()
    existing = set(contact.harms.values_list("harm_type", flat=True))
    ContactHarm.objects.bulk_create(
        [ContactHarm(contact=contact, harm_type=h) for h in sorted(harm_types - existing)]
    )
    record(
        action="frontdoor.contact.draft_saved",
        actor=actor,
        obj=contact,
        details={"version": contact.version},
    )
    return contact


@transaction.atomic
def contact_add_subject(
    *, actor, contact: Contact, person: Person, role: str, created_new: bool = False
) -> ContactSubject:
    contact = _locked(contact)
    contact_in_draft(contact)
    if role not in SubjectRole.values:
        raise ValidationError({"role": "Choose the person's part in the concern."})
    if contact.subjects.filter(person=person).exists():
        raise ValidationError("This person is already on the contact.")
    subject = ContactSubject(contact=contact, person=person, role=role, created_new=created_new)
    subject.full_clean()
    subject.save()
    record(
        action="frontdoor.contact.subject_added",
        actor=actor,
        obj=contact,
        person=person,
        details={"role": role, "created_new": created_new},
    )
    return subject


@transaction.atomic
def contact_add_new_person(
    *, actor, contact: Contact, role: str, **person_fields
) -> ContactSubject:
    """Create a person (after a search found no match, and the user said so) and add them."""
    contact_in_draft(_locked(contact))
    person = people_services.person_create(actor=actor, **person_fields)
    return contact_add_subject(
        actor=actor, contact=contact, person=person, role=role, created_new=True
    )


@transaction.atomic
def contact_remove_subject(*, actor, contact: Contact, person_id) -> None:
    contact = _locked(contact)
    contact_in_draft(contact)
    deleted, _ = contact.subjects.filter(person_id=person_id).delete()
    if deleted:
        record(
            action="frontdoor.contact.subject_removed",
            actor=actor,
            obj=contact,
            person_id=person_id,
        )


@transaction.atomic
def contact_add_place(*, actor, contact: Contact, place) -> None:
    contact = _locked(contact)
    contact_in_draft(contact)
    _, created = ContactPlace.objects.get_or_create(contact=contact, place=place)
    if created:
        record(
            action="frontdoor.contact.place_added",
            actor=actor,
            obj=contact,
            details={"place": str(place.pk)},
        )


@transaction.atomic
def contact_remove_place(*, actor, contact: Contact, place_id) -> None:
    contact = _locked(contact)
    contact_in_draft(contact)
    deleted, _ = contact.places.filter(place_id=place_id).delete()
    if deleted:
        record(
            action="frontdoor.contact.place_removed",
            actor=actor,
            obj=contact,
            details={"place": str(place_id)},
        )


def _submission_problems(contact: Contact) -> dict[str, str]:
    problems = {}
    if not contact.subjects.filter(role=SubjectRole.CHILD).exists():
        problems["subjects"] = "Add the child the concern is about."
    if not contact.what_happened.strip():
        problems["what_happened"] = "Say what happened, in the referrer's words."
    if not contact.harms.exists():
        problems["harm_types"] = "Choose at least one suspected harm type."
    if not contact.consent:
        problems["consent"] = "Say whether the family consented to this contact being made."
    elif contact.consent != Consent.GIVEN and not contact.consent_reason.strip():
        problems["consent_reason"] = (
            "Give the reason for sharing without consent (the lawful basis)."
        )
    if not contact.referrer_name.strip():
        problems["referrer_name"] = "Enter the referrer's name."
    return problems


@transaction.atomic
def contact_submit(*, actor, contact: Contact, now=None) -> Contact:
    """Send the contact to the Front Door. Lists every missing part; a second submit changes
    nothing and says so."""
    contact = _locked(contact)
    contact_in_draft(contact)
    problems = _submission_problems(contact)
    if problems:
        raise ValidationError(problems)
    now = now or timezone.now()
    contact.submitted_at = now
    if contact.received_at is None:
        contact.received_at = now
    contact.decision_due_at = clocks.front_door_decision_due(contact.received_at)
    contact.state = ContactState.IN_TRIAGE
    contact.version += 1
    contact.full_clean()
    contact.save()
    record(
        action="frontdoor.contact.submitted",
        actor=actor,
        obj=contact,
        details={
            "immediate_danger": contact.immediate_danger,
            "harm_types": sorted(contact.harms.values_list("harm_type", flat=True)),
            "consent": contact.consent,
        },
    )
    return contact


# --- screening -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    indicator_id: int
    answer: str
    basis: str = ""
    evidence: str = ""


@transaction.atomic
def screening_record(
    *,
    actor,
    contact: Contact,
    person: Person,
    answers: list[AnswerInput],
    final_level: str,
    difference_reason: str = "",
    child_voice: str = "",
    child_voice_missing_reason: str = "",
    parent_view: str = "",
    parent_view_missing_reason: str = "",
    factors: Iterable[str] = (),
    add_factors_to_record: bool = False,
    now=None,
) -> Screening:
    contact = _locked(contact)
    contact_in_triage(contact)
    if not contact.subjects.filter(person=person, role=SubjectRole.CHILD).exists():
        raise ValidationError("Only a child named on the contact as the subject can be screened.")
    if Screening.objects.filter(contact=contact, person=person).exists():
        raise ValidationError("This child has already been screened for this contact.")
    tool = ScreeningTool.objects.get(is_current=True)
    indicators = {i.pk: i for i in tool.indicators.all()}
    given = {a.indicator_id: a for a in answers}
    errors: dict[str, list[str]] = {}
    if set(given) != set(indicators):
        errors.setdefault("__all__", []).append("Answer every indicator: yes, no or not known.")
    for a in answers:
        if a.answer not in Answer.values:
            errors.setdefault("__all__", []).append("An answer was not yes, no or not known.")
        elif a.answer == Answer.YES and (not a.basis or not a.evidence.strip()):
            text = indicators[a.indicator_id].text if a.indicator_id in indicators else "?"
            errors.setdefault("__all__", []).append(
                f"'{text}': say what the yes rests on and give the evidence."
            )
    if errors:
        raise ValidationError(errors)
    suggestion = suggest_level(
        (Scored(indicators[a.indicator_id].weight, a.answer, a.basis) for a in answers),
        immediate_danger=contact.immediate_danger,
    )
    screening = Screening(
        contact=contact,
        person=person,
        tool=tool,
        suggested_level=suggestion.level,
        final_level=final_level,
        difference_reason=difference_reason.strip(),
        child_voice=child_voice.strip(),
        child_voice_missing_reason=child_voice_missing_reason.strip(),
        parent_view=parent_view.strip(),
        parent_view_missing_reason=parent_view_missing_reason.strip(),
        completed_by=actor,
        completed_at=now or timezone.now(),
    )
    problems = {}
    if final_level != suggestion.level and not screening.difference_reason:
        problems["difference_reason"] = (
            "Your level differs from the tool's suggestion: explain your professional judgement."
        )
    if not screening.child_voice and not screening.child_voice_missing_reason:
        problems["child_voice"] = "Record the child's voice, or why it could not be gathered."
    if not screening.parent_view and not screening.parent_view_missing_reason:
        problems["parent_view"] = (
            "Record the parent or carer's view, or why it could not be gathered."
        )
    if problems:
        raise ValidationError(problems)
    screening.full_clean()
    screening.save()
    ScreeningAnswer.objects.bulk_create(
        [
            ScreeningAnswer(
                screening=screening,
                indicator_id=a.indicator_id,
                answer=a.answer,
                basis=a.basis if a.answer == Answer.YES else "",
                evidence=a.evidence.strip(),
            )
            for a in answers
        ]
    )
    factors = sorted(set(factors))
    ScreeningFactor.objects.bulk_create(
        [ScreeningFactor(screening=screening, factor=f) for f in factors]
    )
    added = []
    if add_factors_to_record:
        current = set(
            person.vulnerabilities.filter(ended_on__isnull=True).values_list("factor", flat=True)
        )
        new = [f for f in factors if f not in current]
        Vulnerability.objects.bulk_create(
            [
                Vulnerability(
                    person=person,
                    factor=f,
                    identified_on=timezone.localdate(),
                    notes=f"Found at Front Door screening of contact {contact.reference}",
                    recorded_by=actor,
                )
                for f in new
            ]
        )
        added = new
    record(
        action="frontdoor.screening.recorded",
        actor=actor,
        obj=screening,
        person=person,
        details={
            "suggested": suggestion.level,
            "final": final_level,
            "score": suggestion.total,
            "factors_added_to_record": added,
        },
    )
    return screening


# --- decisions -----------------------------------------------------------------------------------


@transaction.atomic
def contact_decide(
    *,
    actor,
    contact: Contact,
    outcome: str,
    rationale: str,
    receiving_team=None,
    nrm_consideration: str = "",
    nrm_note: str = "",
    immediate_danger_note: str = "",
    now=None,
) -> Decision:
    """Route the contact. Opens or updates each child's case and allocates the receiving team,
    which gives its members sight of the child. Tells the referrer the outcome, without detail."""
    contact = _locked(contact)
    contact_in_triage(contact)
    now = now or timezone.now()
    problems: dict[str, str] = {}
    if outcome not in Outcome.values:
        problems["outcome"] = "Choose a decision."
    if not rationale.strip():
        problems["rationale"] = "Give the rationale for the decision."
    children = [
        s.person for s in contact.subjects.select_related("person") if s.role == SubjectRole.CHILD
    ]
    screened = set(contact.screenings.values_list("person_id", flat=True))
    unscreened = [p.full_name for p in children if p.pk not in screened]
    if unscreened:
        problems["__all__"] = "Screen every child before deciding: " + ", ".join(unscreened) + "."
    route = ROUTES.get(outcome)
    if route and receiving_team is None:
        problems["receiving_team"] = "Choose the team that will receive the child."
    elif route and receiving_team.function != route[0]:
        problems["receiving_team"] = "That team does not provide this service."
    elif not route and receiving_team is not None:
        problems["receiving_team"] = "This decision has no receiving team."
    harms = set(contact.harms.values_list("harm_type", flat=True))
    if harms & NRM_HARMS:
        if not nrm_consideration:
            problems["nrm_consideration"] = (
                "Exploitation is suspected: record whether a National Referral Mechanism "
                "referral has been considered."
            )
        elif nrm_consideration == "not_appropriate" and not nrm_note.strip():
            problems["nrm_note"] = "Say why an NRM referral is not appropriate now."
    if (
        contact.immediate_danger
        and outcome != Outcome.STRATEGY_DISCUSSION
        and not immediate_danger_note.strip()
    ):
        problems["immediate_danger_note"] = (
            "The referrer reported immediate danger: say why there is no strategy discussion."
        )
    if problems:
        raise ValidationError(problems)
    if contact.received_at and now < contact.received_at:
        raise ValidationError("A decision cannot be dated before the contact was received.")
    decision = Decision(
        contact=contact,
        outcome=outcome,
        rationale=rationale.strip(),
        decided_by=actor,
        decided_at=now,
        receiving_team=receiving_team,
        nrm_consideration=nrm_consideration,
        nrm_note=nrm_note.strip(),
        immediate_danger_note=immediate_danger_note.strip(),
    )
    decision.full_clean()
    decision.save()
    contact.state = ContactState.DECIDED
    contact.version += 1
    contact.save(update_fields=["state", "version", "updated_at"])
    if route:
        for child in children:
            case, _ = people_services.case_open_or_update(
                actor=actor,
                person=child,
                level=route[1],
                harm_types=harms,
                opened_on=timezone.localdate(now),
                reason=f"Front Door, {contact.reference}: {decision.get_outcome_display()}",
            )
            people_services.case_allocate(
                actor=actor,
                case=case,
                team=receiving_team,
                started_on=timezone.localdate(now),
                reason=f"Front Door decision on contact {contact.reference}",
            )
    record(
        action="frontdoor.contact.decided",
        actor=actor,
        obj=contact,
        details={
            "outcome": outcome,
            "receiving_team": receiving_team.code if receiving_team else "",
            "children": len(children),
            "nrm_consideration": nrm_consideration,
            "shared_with": receiving_team.code if receiving_team else "",
        },
    )
    _tell_referrer(contact, decision)
    return decision


def _tell_referrer(contact: Contact, decision: Decision) -> None:
    """A message with no personal details: the reference and the outcome, and where to look."""
    address = contact.raised_by.email
    if not address:
        return

    def send():
        send_mail(
            f"cshub: a decision on your contact {contact.reference}",
            f"The Integrated Front Door has made a decision on contact {contact.reference}: "
            f"{decision.get_outcome_display()}. Sign in to cshub to see it: "
            f"{reverse('frontdoor:contact_detail', args=[contact.pk])}",
            None,
            [address],
            fail_silently=True,
        )
        Decision.objects.filter(pk=decision.pk).update(outcome_sent_at=timezone.now())

    transaction.on_commit(send)
