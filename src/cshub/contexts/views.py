"""Places and groups. A context page lists only the people the user may open, and says how
many others are linked without naming them."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cshub.access.policy import people_visible_to
from cshub.audit.models import Outcome
from cshub.audit.services import record

from . import selectors
from .forms import GroupFilterForm, PlaceFilterForm

PAGE_SIZE = 50


def _split_links(user, links) -> tuple[list, int]:
    links = list(links)
    visible = set(
        people_visible_to(user)
        .filter(pk__in={link.person_id for link in links})
        .values_list("pk", flat=True)
    )
    shown = [link for link in links if link.person_id in visible]
    hidden_people = {link.person_id for link in links if link.person_id not in visible}
    return shown, len(hidden_people)


@require_GET
def place_list(request: HttpRequest) -> HttpResponse:
    form = PlaceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    ward = filters.get("ward")
    places = selectors.place_list(kind=filters.get("kind", ""), ward=ward.code if ward else "")
    page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        action="contexts.place.listed",
        details={"kind": filters.get("kind", ""), "ward": ward.code if ward else ""},
    )
    return render(request, "contexts/place_list.html", {"form": form, "page": page})


@require_GET
def place_detail(request: HttpRequest, place_id) -> HttpResponse:
    place = selectors.place_get(place_id=place_id)
    if place is None:
        record(
            action="contexts.place.viewed",
            outcome=Outcome.DENIED,
            details={"requested_id": str(place_id)},
        )
        raise Http404("No such record")
    links, hidden = _split_links(request.user, place.person_links.all())
    record(action="contexts.place.viewed", obj=place, details={"people_shown": len(links)})
    return render(
        request, "contexts/place_detail.html", {"place": place, "links": links, "hidden": hidden}
    )


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    form = GroupFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    groups = selectors.group_list(kind=filters.get("kind", ""))
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    record(action="contexts.group.listed", details={"kind": filters.get("kind", "")})
    return render(request, "contexts/group_list.html", {"form": form, "page": page})


@require_GET
def group_detail(request: HttpRequest, group_id) -> HttpResponse:
    group = selectors.group_get(group_id=group_id)
    if group is None:
        record(
            action="contexts.group.viewed",
            outcome=Outcome.DENIED,
            details={"requested_id": str(group_id)},
        )
        raise Http404("No such record")
    links, hidden = _split_links(request.user, group.person_links.all())
    record(action="contexts.group.viewed", obj=group, details={"people_shown": len(links)})
    return render(
        request, "contexts/group_detail.html", {"group": group, "links": links, "hidden": hidden}
    )
