"""Read queries for places and groups."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from .models import Group, PersonGroup, PersonPlace, Place


def place_list(*, kind: str = "", ward: str = "") -> QuerySet[Place]:
    qs = Place.objects.select_related("ward").annotate(
        people_count=Count("person_links__person", distinct=True)
    )
    if kind:
        qs = qs.filter(kind=kind)
    if ward:
        qs = qs.filter(ward_id=ward)
    return qs.order_by("name", "id")


def place_get(*, place_id) -> Place | None:
    return (
        Place.objects.select_related("ward")
        .prefetch_related(
            Prefetch(
                "person_links",
                queryset=PersonPlace.objects.select_related("person", "source_agency").order_by(
                    "-first_seen"
                ),
            )
        )
        .filter(pk=place_id)
        .first()
    )


def group_list(*, kind: str = "") -> QuerySet[Group]:
    qs = Group.objects.select_related("area").annotate(
        member_count=Count("person_links__person", distinct=True)
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name", "id")


def group_get(*, group_id) -> Group | None:
    return (
        Group.objects.select_related("area")
        .prefetch_related(
            Prefetch(
                "person_links",
                queryset=PersonGroup.objects.select_related("person", "source_agency").order_by(
                    "-first_seen"
                ),
            )
        )
        .filter(pk=group_id)
        .first()
    )
