from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .forms import GroupFilterForm, PlaceFilterForm

PAGE_SIZE = 50


@require_GET
def place_list(request: HttpRequest) -> HttpResponse:
    form = PlaceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    ward = filters.get("ward")
    places = selectors.place_list(kind=filters.get("kind", ""), ward=ward.code if ward else "")
    page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contexts/place_list.html", {"form": form, "page": page})


@require_GET
def place_detail(request: HttpRequest, place_id) -> HttpResponse:
    place = selectors.place_get(place_id=place_id)
    if place is None:
        raise Http404("No such record")
    return render(request, "contexts/place_detail.html", {"place": place})


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    form = GroupFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    groups = selectors.group_list(kind=filters.get("kind", ""))
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contexts/group_list.html", {"form": form, "page": page})


@require_GET
def group_detail(request: HttpRequest, group_id) -> HttpResponse:
    group = selectors.group_get(group_id=group_id)
    if group is None:
        raise Http404("No such record")
    return render(request, "contexts/group_detail.html", {"group": group})
