"""Panel pages. Thin: authorise through `policy` (and `access` for people), call a service,
render. Every request writes one audit row; a refusal is a 404 with a "denied" row; bad input
answers 400 and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cshub.access.policy import access_person, as_uuid, people_visible_to
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.contexts.models import Group, Place
from cshub.core.pages import form_page, record_failed
from cshub.people.selectors import linked_people

from . import pack as pack_render
from . import policy, selectors, services
from .choices import PanelKind, ReferralStatus
from .forms import (
    ActionForm,
    ActionUpdateForm,
    AttendanceForm,
    DeclineForm,
    HsbIncidentForm,
    InterventionForm,
    InviteeForm,
    ItemForm,
    MeetingForm,
    MinutesForm,
    ReferralForm,
)
from .models import Action, AgendaItem, HsbIncident, HsbInvolvement, Referral, Review

SEARCH_LIMIT = 20


def _refuse(action: str, requested=None) -> None:
    record(
        action=action,
        outcome=Outcome.DENIED,
        details={"requested_id": str(requested)[:64]} if requested else {},
    )
    raise Http404("No such page")


def _service_refused(request, action, obj, exc: ValidationError, person_id=None) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    record_failed(action, obj, person_id, errors)
    for messages_ in errors.values():
        for message in messages_:
            messages.error(request, message)


# The queue ------------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Everyone: my open actions and my meetings. Coordinators: the panels' queue too."""
    coordinator = policy.can_coordinate(request.user)
    today = timezone.localdate()
    context = {
        "coordinator": coordinator,
        "today": today,
        "my_actions": list(selectors.actions_owned_by(request.user)[:100]),
        "meetings": list(selectors.upcoming(selectors.meetings_for(request.user))[:30]),
    }
    if coordinator:
        visible = people_visible_to(request.user)
        waiting = list(selectors.waiting_referrals()[:100])
        shown = set(
            visible.filter(
                pk__in=[r.subject_person_id for r in waiting if r.subject_person_id]
            ).values_list("pk", flat=True)
        )
        for r in waiting:
            r.shown = r.subject_person_id is None or r.subject_person_id in shown
        context.update(
            waiting=waiting,
            reviews=list(selectors.reviews_due(today)[:100]),
            overdue=list(selectors.overdue_actions(today)[:100]),
        )
    record(
        action="panels.queue.viewed",
        details={"coordinator": coordinator, "actions": len(context["my_actions"])},
    )
    return render(request, "panels/home.html", context)


# Meetings -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    if not policy.can_coordinate(request.user):
        _refuse("panels.meeting.new_viewed")
    if request.method == "GET":
        record(action="panels.meeting.new_viewed")

    def save(d):
        return services.meeting_create(
            actor=request.user,
            panel=d["panel"],
            starts_at=d["starts_at"],
            chair=d["chair"],
            location=d["location"],
            invitees=list(d["invitees"]),
        )

    def done(meeting):
        messages.success(request, "Meeting created. Build its agenda, then publish it.")
        return redirect("panels:meeting", meeting_id=meeting.pk)

    return form_page(
        request,
        form=MeetingForm(request.POST or None),
        template="panels/meeting_new.html",
        context={},
        save=save,
        failed_action="panels.meeting.create_refused",
        obj=None,
        person_id=None,
        done=done,
    )


def _search_contexts(q: str):
    if len(q) < 2:
        return [], []
    return (
        list(Place.objects.filter(name__icontains=q).order_by("name")[:SEARCH_LIMIT]),
        list(Group.objects.filter(name__icontains=q).order_by("name")[:SEARCH_LIMIT]),
    )


@require_GET
def meeting_detail(request: HttpRequest, meeting_id) -> HttpResponse:
    meeting = policy.access_meeting(request.user, meeting_id, action="panels.meeting.viewed")
    coordinator = policy.can_coordinate(request.user)
    carried, withheld = selectors.carried_for(meeting, request.user)
    context = {
        "meeting": meeting,
        "coordinator": coordinator,
        "is_chair": request.user.pk == meeting.chair_id,
        "items": selectors.agenda(meeting, request.user),
        "invitees": list(meeting.invitees.select_related("user", "agency")),
        "carried": carried,
        "carried_withheld": withheld,
        "now": timezone.now(),
    }
    if coordinator and not meeting.minutes_approved_at:
        visible = people_visible_to(request.user)
        waiting = list(selectors.waiting_referrals(meeting.panel.kind))
        reviews = (
            list(selectors.reviews_due(timezone.localdate(meeting.starts_at)))
            if meeting.panel.kind == PanelKind.MACE
            else []
        )
        listed = set(meeting.items.values_list("subject_person_id", flat=True))
        reviews = [r for r in reviews if r.person_id not in listed]
        seen = set(
            visible.filter(
                pk__in=[r.subject_person_id for r in waiting] + [r.person_id for r in reviews]
            ).values_list("pk", flat=True)
        )
        q = request.GET.get("q", "").strip()[:100]
        places, groups = _search_contexts(q)
        context.update(
            waiting=[
                (r, r.subject_person_id is None or r.subject_person_id in seen) for r in waiting
            ],
            reviews=[(r, r.person_id in seen) for r in reviews],
            q=q,
            places=places,
            groups=groups,
            invitee_form=InviteeForm(),
        )
    return render(request, "panels/meeting.html", context)


@require_POST
def item_add(request: HttpRequest, meeting_id) -> HttpResponse:
    meeting = policy.access_meeting(request.user, meeting_id, action=None, coordinate=True)
    form = ItemForm(request.POST)
    action = "panels.item.add_refused"
    if not form.is_valid():
        record_failed(action, meeting, None, form.errors)
        return HttpResponse("That could not be added: the form was incomplete.", status=400)
    d = form.cleaned_data
    kind, sid = d["subject_kind"], d["subject_id"]
    kwargs: dict = {}
    person_id = None
    if kind == "referral":
        kwargs["referral"] = Referral.objects.filter(pk=sid).first()
        if kwargs["referral"] is None:
            _refuse(action, sid)
        person_id = kwargs["referral"].subject_person_id
    elif kind == "review":
        review = Review.objects.filter(pk=sid, held_item__isnull=True).first()
        if review is None:
            _refuse(action, sid)
        person_id = review.person_id
    else:
        model = Place if kind == "place" else Group
        kwargs[kind] = model.objects.filter(pk=sid).first()
        if kwargs[kind] is None:
            _refuse(action, sid)
    if person_id is not None:
        # A coordinator puts on an agenda only a person they may see themselves.
        person, _ = access_person(request.user, person_id, action=None, obj=meeting)
        if kind == "review":
            kwargs["person"] = person
    purpose = d["purpose"] or ("Review of risk judgements" if kind == "review" else "")
    try:
        services.item_add(actor=request.user, meeting=meeting, purpose=purpose, **kwargs)
    except ValidationError as exc:
        _service_refused(request, action, meeting, exc, person_id)
    else:
        messages.success(request, "Added to the agenda.")
    return redirect("panels:meeting", meeting_id=meeting.pk)


@require_POST
def item_remove(request: HttpRequest, item_id) -> HttpResponse:
    item = AgendaItem.objects.filter(pk=as_uuid(item_id)).select_related("meeting").first()
    if item is None or not policy.can_coordinate(request.user):
        _refuse("panels.item.remove_refused", item_id)
    try:
        services.item_remove(actor=request.user, item=item)
    except ValidationError as exc:
        _service_refused(request, "panels.item.remove_refused", item.meeting, exc)
    else:
        messages.success(request, "Removed from the agenda.")
    return redirect("panels:meeting", meeting_id=item.meeting_id)


@require_POST
def invitee_add(request: HttpRequest, meeting_id) -> HttpResponse:
    meeting = policy.access_meeting(request.user, meeting_id, action=None, coordinate=True)
    form = InviteeForm(request.POST)
    if not form.is_valid():
        record_failed("panels.invitee.refused", meeting, None, form.errors)
        return HttpResponse("Choose someone to invite.", status=400)
    try:
        services.invitee_add(actor=request.user, meeting=meeting, user=form.cleaned_data["user"])
    except ValidationError as exc:
        _service_refused(request, "panels.invitee.refused", meeting, exc)
    else:
        messages.success(request, "Invited.")
    return redirect("panels:meeting", meeting_id=meeting.pk)


@require_POST
def meeting_publish(request: HttpRequest, meeting_id) -> HttpResponse:
    meeting = policy.access_meeting(request.user, meeting_id, action=None, coordinate=True)
    try:
        services.meeting_publish(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        _service_refused(request, "panels.meeting.publish_refused", meeting, exc)
    else:
        messages.success(
            request, "Agenda published: the invitees can now open the records of the people on it."
        )
    return redirect("panels:meeting", meeting_id=meeting.pk)


@require_POST
def minutes_approve(request: HttpRequest, meeting_id) -> HttpResponse:
    meeting = policy.access_meeting(request.user, meeting_id, action=None)
    try:
        services.minutes_approve(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        _service_refused(request, "panels.minutes.approve_refused", meeting, exc)
    else:
        messages.success(request, "Minutes approved.")
    return redirect("panels:meeting", meeting_id=meeting.pk)


@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, meeting_id) -> HttpResponse:
    is_post = request.method == "POST"
    meeting = policy.access_meeting(
        request.user,
        meeting_id,
        action=None if is_post else "panels.attendance.viewed",
        coordinate=True,
    )
    form = AttendanceForm(
        request.POST or None, invitees=meeting.invitees.select_related("user", "agency")
    )

    def done(_):
        messages.success(request, "Attendance saved.")
        return redirect("panels:meeting", meeting_id=meeting.pk)

    return form_page(
        request,
        form=form,
        template="panels/attendance.html",
        context={"meeting": meeting},
        save=lambda d: services.attendance_record(
            actor=request.user, meeting=meeting, attendance=form.attendance()
        ),
        failed_action="panels.attendance.refused",
        obj=meeting,
        person_id=None,
        done=done,
    )


# Items: minutes, judgements, actions ----------------------------------------------------------


def _item_for(request, item_id, *, action, coordinate):
    """The item and its subject person (None for a place/group), or a 404 with a denied row."""
    item = (
        AgendaItem.objects.filter(pk=as_uuid(item_id))
        .select_related("meeting__panel", "subject_person", "subject_place", "subject_group")
        .first()
    )
    if item is None:
        _refuse(action or "panels.item.requested", item_id)
    meeting = policy.access_meeting(
        request.user, item.meeting_id, action=None, coordinate=coordinate
    )
    person = None
    if item.subject_person_id:
        person, _ = access_person(request.user, item.subject_person_id, action=action, obj=meeting)
    elif action:
        record(action=action, obj=meeting, details={"item": str(item.pk)})
    return item, meeting, person


@require_http_methods(["GET", "POST"])
def item_minutes(request: HttpRequest, item_id) -> HttpResponse:
    is_post = request.method == "POST"
    item, meeting, person = _item_for(
        request, item_id, action=None if is_post else "panels.minutes.viewed", coordinate=True
    )
    judge = person is not None and (person.age(timezone.localdate(meeting.starts_at)) or 0) < 18
    initial = {
        "information_shared": item.information_shared,
        "discussion": item.discussion,
        "decision": item.decision,
    }
    for j in item.judgements.all():
        initial[f"level_{j.harm_type}"] = j.level
        initial[f"rationale_{j.harm_type}"] = j.rationale
        initial[f"child_voice_{j.harm_type}"] = j.child_voice
    form = MinutesForm(request.POST or None, initial=initial, judge_child=judge)

    def save(d):
        return services.item_minute(
            actor=request.user,
            item=item,
            information_shared=d["information_shared"],
            discussion=d["discussion"],
            decision=d["decision"],
            judgements=form.judgements(),
        )

    def done(_):
        messages.success(request, f"Minutes for item {item.position} saved.")
        return redirect("panels:meeting", meeting_id=meeting.pk)

    return form_page(
        request,
        form=form,
        template="panels/minutes.html",
        context={"item": item, "meeting": meeting, "person": person},
        save=save,
        failed_action="panels.minutes.refused",
        obj=meeting,
        person_id=item.subject_person_id,
        done=done,
    )


@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, item_id) -> HttpResponse:
    is_post = request.method == "POST"
    item, meeting, person = _item_for(
        request, item_id, action=None if is_post else "panels.action.new_viewed", coordinate=True
    )
    owners = get_user_model().objects.filter(pk__in=meeting.invitees.values_list("user", flat=True))

    def done(_):
        messages.success(request, "Action added.")
        return redirect("panels:meeting", meeting_id=meeting.pk)

    return form_page(
        request,
        form=ActionForm(request.POST or None, owners=owners),
        template="panels/action_new.html",
        context={"item": item, "meeting": meeting, "person": person},
        save=lambda d: services.action_add(actor=request.user, meeting=meeting, item=item, **d),
        failed_action="panels.action.refused",
        obj=meeting,
        person_id=item.subject_person_id,
        done=done,
    )


@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, action_id) -> HttpResponse:
    is_post = request.method == "POST"
    pk = as_uuid(action_id)
    action = (
        Action.objects.filter(pk=pk)
        .select_related("meeting__panel", "item__subject_person", "owner_agency", "owner_user")
        .first()
        if pk
        else None
    )
    audit_action = None if is_post else "panels.action.viewed"
    if action is None or not policy.can_update_action(request.user, action):
        _refuse("panels.action.viewed", action_id)
    person = None
    if action.item_id and action.item.subject_person_id:
        person, _ = access_person(
            request.user, action.item.subject_person_id, action=audit_action, obj=action.meeting
        )
    elif audit_action:
        record(action=audit_action, obj=action.meeting, details={"action": str(action.pk)})
    form = ActionUpdateForm(
        request.POST or None, initial={"status": action.status, "update": action.update}
    )

    def done(_):
        messages.success(request, "Action updated.")
        return redirect("panels:home")

    return form_page(
        request,
        form=form,
        template="panels/action.html",
        context={"action": action, "person": person, "today": timezone.localdate()},
        save=lambda d: services.action_update(actor=request.user, action=action, **d),
        failed_action="panels.action.update_refused",
        obj=action.meeting,
        person_id=person.pk if person else None,
        done=done,
    )


# The pack -------------------------------------------------------------------------------------


def _recipient(request, meeting):
    """Whose access the pack is redacted for: the reader, or (for a coordinator) an invitee."""
    wanted = request.GET.get("for")
    if not wanted:
        return request.user
    invitee = None
    if wanted.isdigit() and policy.can_coordinate(request.user):
        invitee = meeting.invitees.filter(user_id=int(wanted)).select_related("user").first()
    if invitee is None:
        _refuse("panels.pack.printed", f"for={wanted}")
    return invitee.user


def _pack_context(request, meeting_id):
    meeting = policy.access_meeting(request.user, meeting_id, action=None)
    recipient = _recipient(request, meeting)
    items = selectors.agenda(meeting, recipient)
    carried, withheld = selectors.carried_for(meeting, recipient)
    redacted = sum(1 for i in items if not i.shown)
    record(
        action="panels.pack.printed",
        obj=meeting,
        details={
            "recipient": recipient.username,
            "redacted_items": redacted,
            "format": "docx" if request.path.endswith(".docx") else "html",
        },
    )
    return {
        "meeting": meeting,
        "recipient": recipient,
        "items": items,
        "carried": carried,
        "carried_withheld": withheld,
        "invitees": list(meeting.invitees.select_related("user", "agency")),
        "printed_at": timezone.now(),
        "printed_by": request.user,
        "redacted": redacted,
    }


@require_GET
def pack(request: HttpRequest, meeting_id) -> HttpResponse:
    context = _pack_context(request, meeting_id)
    context["coordinator"] = policy.can_coordinate(request.user)
    return render(request, "panels/pack.html", context)


@require_GET
def pack_docx(request: HttpRequest, meeting_id) -> HttpResponse:
    context = _pack_context(request, meeting_id)
    response = HttpResponse(
        pack_render.docx(context),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    meeting = context["meeting"]
    response["Content-Disposition"] = (
        f'attachment; filename="{meeting.panel.kind}-{meeting.starts_at:%Y-%m-%d}-pack.docx"'
    )
    response["Cache-Control"] = "no-store"
    return response


# Referrals ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, person_id) -> HttpResponse:
    from cshub.assessments.models import Assessment
    from cshub.frontdoor.models import Contact

    is_post = request.method == "POST"
    agencies = policy.user_agencies(request.user)
    if not agencies.exists():
        _refuse("panels.referral.new_viewed", person_id)
    person, _ = access_person(
        request.user, person_id, action=None if is_post else "panels.referral.new_viewed"
    )
    contacts = list(
        Contact.objects.filter(
            subjects__person=person, decision__outcome__in=list(services.FRONT_DOOR_ROUTES)
        )
        .select_related("decision")
        .order_by("-received_at")[:10]
    )
    assessments = list(Assessment.objects.filter(person=person).order_by("-started_on")[:10])
    manager = policy.is_manager(request.user)
    initial = (
        {"panel_kind": request.GET["panel"]} if request.GET.get("panel") in PanelKind.values else {}
    )
    form = ReferralForm(
        request.POST or None,
        initial=initial,
        agencies=agencies,
        contacts=contacts,
        assessments=assessments,
        manager=manager,
    )

    def save(d):
        route, _, ref = d["route"].partition(":")
        return services.referral_create(
            actor=request.user,
            panel_kind=d["panel_kind"],
            referring_agency=d["referring_agency"],
            reason=d["reason"],
            referred_on=d["referred_on"],
            person=person,
            contact=next((c for c in contacts if str(c.pk) == ref), None)
            if route == "contact"
            else None,
            assessment=next((a for a in assessments if str(a.pk) == ref), None)
            if route == "assessment"
            else None,
            as_manager=route == "manager" and manager,
        )

    def done(referral):
        messages.success(request, f"Referred to the {referral.get_panel_kind_display()}.")
        return redirect("people:detail", person_id=person.pk)

    return form_page(
        request,
        form=form,
        template="panels/referral_new.html",
        context={"person": person},
        save=save,
        failed_action="panels.referral.refused",
        obj=None,
        person_id=person.pk,
        done=done,
        field_map={"source": "route"},
    )


@require_POST
def referral_decline(request: HttpRequest, referral_id) -> HttpResponse:
    referral = Referral.objects.filter(pk=as_uuid(referral_id)).first()
    if referral is None or not policy.can_coordinate(request.user):
        _refuse("panels.referral.decline_refused", referral_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        record_failed("panels.referral.decline_refused", referral, None, form.errors)
        messages.error(request, "Say why the referral is not going to panel.")
        return redirect("panels:home")
    try:
        services.referral_decline(
            actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        _service_refused(request, "panels.referral.decline_refused", referral, exc)
    else:
        messages.success(request, "Referral closed without going to panel.")
    return redirect("panels:home")


# HSB ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def hsb_incident_new(request: HttpRequest, person_id) -> HttpResponse:
    is_post = request.method == "POST"
    if not policy.can_record_hsb(request.user):
        _refuse("panels.hsb_incident.new_viewed", person_id)
    person, _ = access_person(
        request.user, person_id, action=None if is_post else "panels.hsb_incident.new_viewed"
    )
    referrals = list(
        Referral.objects.filter(subject_person=person, panel_kind=PanelKind.HSB).exclude(
            status=ReferralStatus.DECLINED
        )
    )
    form = HsbIncidentForm(
        request.POST or None,
        child=person,
        others=linked_people(person, people_visible_to(request.user), children_only=True),
        referrals=referrals,
    )

    def save(d):
        return services.hsb_incident_record(
            actor=request.user,
            occurred_on=d["occurred_on"],
            hackett_level=d["hackett_level"],
            description=d["description"],
            children=form.children(),
            referral=next((r for r in referrals if str(r.pk) == d["referral"]), None),
        )

    def done(incident):
        messages.success(request, "HSB incident recorded.")
        return redirect("panels:hsb_incident", incident_id=incident.pk)

    return form_page(
        request,
        form=form,
        template="panels/hsb_incident_new.html",
        context={"person": person},
        save=save,
        failed_action="panels.hsb_incident.refused",
        obj=None,
        person_id=person.pk,
        done=done,
    )


@require_GET
def hsb_incident_detail(request: HttpRequest, incident_id) -> HttpResponse:
    """The incident as the viewer may see it: each child named (with their role and
    interventions) only if the viewer may see that child; the page itself needs sight of at
    least one of them."""
    incident = HsbIncident.objects.filter(pk=as_uuid(incident_id)).first()
    involvements = (
        list(
            incident.children.select_related("person").prefetch_related(
                "interventions__agency", "interventions__practitioner"
            )
        )
        if incident
        else []
    )
    visible = set(
        people_visible_to(request.user)
        .filter(pk__in=[i.person_id for i in involvements])
        .values_list("pk", flat=True)
    )
    if incident is None or not visible:
        _refuse("panels.hsb_incident.viewed", incident_id)
    for inv in involvements:
        inv.shown = inv.person_id in visible
        if inv.shown:
            record(
                action="panels.hsb_incident.viewed",
                obj=incident,
                person_id=inv.person_id,
                details={"role": inv.role},
            )
    return render(
        request,
        "panels/hsb_incident.html",
        {
            "incident": incident,
            "involvements": involvements,
            "withheld": sum(1 for i in involvements if not i.shown),
            "can_record": policy.can_record_hsb(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def hsb_intervention_new(request: HttpRequest, involvement_id) -> HttpResponse:
    is_post = request.method == "POST"
    pk = as_uuid(involvement_id)
    involvement = (
        HsbInvolvement.objects.filter(pk=pk).select_related("incident", "person").first()
        if pk
        else None
    )
    agencies = policy.user_agencies(request.user)
    if involvement is None or not policy.can_record_hsb(request.user):
        _refuse("panels.hsb_intervention.new_viewed", involvement_id)
    person, _ = access_person(
        request.user,
        involvement.person_id,
        action=None if is_post else "panels.hsb_intervention.new_viewed",
        obj=involvement.incident,
    )

    def done(_):
        messages.success(request, "Intervention recorded.")
        return redirect("panels:hsb_incident", incident_id=involvement.incident_id)

    return form_page(
        request,
        form=InterventionForm(request.POST or None, agencies=agencies),
        template="panels/hsb_intervention_new.html",
        context={"person": person, "involvement": involvement},
        save=lambda d: services.hsb_intervention_record(
            actor=request.user, involvement=involvement, practitioner=request.user, **d
        ),
        failed_action="panels.hsb_intervention.refused",
        obj=involvement.incident,
        person_id=person.pk,
        done=done,
    )


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meetings_for(request.user).order_by("-starts_at")
    kind = request.GET.get("panel", "")
    if kind in PanelKind.values:
        meetings = meetings.filter(panel__kind=kind)
    page = Paginator(meetings, 25).get_page(request.GET.get("page"))
    record(
        action="panels.meeting.listed", details={"panel": kind if kind in PanelKind.values else ""}
    )
    return render(
        request,
        "panels/meeting_list.html",
        {"page": page, "kind": kind, "kinds": PanelKind.choices},
    )
