"""Break-glass: emergency access with a written reason, time-limited, alerted and reviewed."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cshub.accounts.models import Team, User
from cshub.audit.services import record
from cshub.core.vocab import Role, TeamFunction
from cshub.people.models import Person

from .models import BreakGlass, RestrictedAccess

MIN_REASON_LENGTH = 20


def _information_governance_addresses() -> list[str]:
    teams = Team.objects.filter(function=TeamFunction.INFORMATION_GOVERNANCE).exclude(email="")
    officers = User.objects.filter(
        is_active=True,
        memberships__ended_on__isnull=True,
        memberships__role=Role.DATA_PROTECTION_OFFICER,
    ).exclude(email="")
    return sorted({t.email for t in teams} | {u.email for u in officers})


@transaction.atomic
def break_glass_grant(*, actor, person: Person, reason: str, now=None) -> BreakGlass:
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        message = f"Explain why you need access now, in at least {MIN_REASON_LENGTH} characters."
        raise ValidationError({"reason": message})
    now = now or timezone.now()
    grant = BreakGlass(
        user=actor,
        person=person,
        reason=reason,
        granted_at=now,
        expires_at=now + timedelta(hours=settings.CSHUB_BREAK_GLASS_HOURS),
    )
    grant.full_clean()
    grant.save()
    record(
        action="access.break_glass.granted",
        actor=actor,
        obj=grant,
        person=person,
        relationship="break_glass",
        reason=reason,
        details={"expires_at": grant.expires_at.isoformat()},
    )
    recipients = _information_governance_addresses()
    if recipients:
        # No personal data in the e-mail: it says only that a review is waiting, and where.
        transaction.on_commit(
            lambda: send_mail(
                "cshub: a break-glass access needs review",
                "A user has used break-glass access to a record. Review it in cshub: "
                f"{reverse('access:break_glass_reviews')}",
                None,
                recipients,
                fail_silently=True,
            )
        )
    return grant


@transaction.atomic
def break_glass_review(*, reviewer, grant: BreakGlass, review: str, note: str) -> BreakGlass:
    grant = BreakGlass.objects.select_for_update().get(pk=grant.pk)
    if grant.reviewed_at is not None:
        raise ValidationError("This access has already been reviewed.")
    if grant.user_id == reviewer.pk:
        raise ValidationError("You cannot review your own break-glass access.")
    if review not in BreakGlass.Review.values:
        raise ValidationError({"review": "Choose whether the access was justified."})
    if review == BreakGlass.Review.NOT_JUSTIFIED and not note.strip():
        raise ValidationError({"note": "Say why the access was not justified."})
    grant.reviewed_by = reviewer
    grant.reviewed_at = timezone.now()
    grant.review = review
    grant.review_note = note.strip()
    if review == BreakGlass.Review.NOT_JUSTIFIED and grant.expires_at > grant.reviewed_at:
        grant.expires_at = grant.reviewed_at  # end it now
    grant.full_clean()
    grant.save()
    record(
        action="access.break_glass.reviewed",
        actor=reviewer,
        obj=grant,
        person_id=grant.person_id,
        reason=grant.review_note,
        details={"review": review, "user": grant.user.get_username()},
    )
    return grant


@transaction.atomic
def person_seal(*, actor, person: Person, reason: str, named_users: list) -> Person:
    """Seal a record: only `named_users` will see it, and nobody else will find it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this record is sealed."})
    if not named_users:
        raise ValidationError({"named_users": "Name at least one person who may see it."})
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.is_restricted = True
    person.save(update_fields=["is_restricted", "updated_at"])
    RestrictedAccess.objects.filter(person=person).exclude(user__in=named_users).delete()
    for user in named_users:
        RestrictedAccess.objects.get_or_create(
            person=person, user=user, defaults={"reason": reason, "granted_by": actor}
        )
    record(
        action="access.person.sealed",
        actor=actor,
        obj=person,
        person=person,
        reason=reason,
        details={"named_users": sorted(u.get_username() for u in named_users)},
    )
    return person


@transaction.atomic
def person_unseal(*, actor, person: Person, reason: str) -> Person:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this record is no longer sealed."})
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.is_restricted = False
    person.save(update_fields=["is_restricted", "updated_at"])
    RestrictedAccess.objects.filter(person=person).delete()
    record(action="access.person.unsealed", actor=actor, obj=person, person=person, reason=reason)
    return person
