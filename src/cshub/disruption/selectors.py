"""Read queries for disruption activity: the tactical group's list, the activity at a place or
against a group, and the children a place or group ties to. Naming people is the views' job,
through `access` (see `name_people`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from cshub.access.policy import people_visible_to
from cshub.contexts.models import Group, Place
from cshub.people.models import Person
from cshub.people.selectors import adult_born_on_or_before

from .models import Activity

TARGET_TYPES = {
    "person": "target_person__isnull",
    "place": "target_place__isnull",
    "group": "target_group__isnull",
}


def _with_targets(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return qs.select_related(
        "agency", "target_person", "target_place", "target_group"
    ).prefetch_related("children")


def activity_list(
    *, kind: str = "", outcome: str = "", four_p: str = "", target_type: str = ""
) -> QuerySet[Activity]:
    """All disruption activity, newest first; each filter is a vocabulary value or empty."""
    qs = Activity.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if four_p:
        qs = qs.filter(four_p=four_p)
    if target_type:
        qs = qs.filter(**{TARGET_TYPES[target_type]: False})
    return _with_targets(qs).order_by("-occurred_on", "-created_at", "id")


def activity_at_place(place: Place) -> QuerySet[Activity]:
    return _with_targets(Activity.objects.filter(target_place=place)).order_by(
        "-occurred_on", "-created_at", "id"
    )


def activity_against_group(group: Group) -> QuerySet[Activity]:
    return _with_targets(Activity.objects.filter(target_group=group)).order_by(
        "-occurred_on", "-created_at", "id"
    )


def place_get(place_id) -> Place | None:
    return Place.objects.select_related("ward").filter(pk=place_id).first()


def group_get(group_id) -> Group | None:
    return Group.objects.select_related("area").filter(pk=group_id).first()


def linked_children(user, *, place: Place | None = None, group: Group | None = None):
    """The children linked to this place or group (contexts' person links) whom the user may
    see. People known to be adults (18 or over today) are left out; an unknown date of birth is
    kept, since a child's is often not known yet."""
    if place is not None:
        ids = place.person_links.values_list("person_id", flat=True)
    elif group is not None:
        ids = group.person_links.values_list("person_id", flat=True)
    else:
        return []
    adult_cutoff = adult_born_on_or_before(timezone.localdate())
    return list(
        people_visible_to(user)
        .filter(pk__in=list(ids))
        .exclude(date_of_birth__lte=adult_cutoff)
        .order_by("family_name", "given_name")
    )


def name_people(user, activities) -> list[Activity]:
    """Mark each activity with what this user may read of the people on it: `target_shown` (the
    target, or None for a person target the user may not see) and `children_shown` /
    `children_hidden` (the protected children they may see, and how many others there are)."""
    activities = list(activities)
    children = {a.pk: list(a.children.all()) for a in activities}  # prefetched by selectors
    ids = {a.target_person_id for a in activities if a.target_person_id} | {
        c.pk for kids in children.values() for c in kids
    }
    visible = set(
        people_visible_to(user).filter(pk__in=list(ids)).values_list("pk", flat=True) if ids else ()
    )
    for a in activities:
        a.target_shown = (
            a.target if a.target_person_id is None or a.target_person_id in visible else None
        )
        shown: list[Person] = [c for c in children[a.pk] if c.pk in visible]
        a.children_shown = sorted(shown, key=lambda p: (p.family_name, p.given_name))
        a.children_hidden = len(children[a.pk]) - len(shown)
    return activities
