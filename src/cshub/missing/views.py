"""Missing pathway pages. Thin: parse, authorise through `policy` (and so `access_person`), call
a selector or a service, render. Every request writes one audit row: the page view, the
service's change, a "failed" row for bad input (answered 400, nothing changed), or a "denied" row
(no relationship, no role, no such record: all a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cshub.access.policy import access_person, as_uuid, people_searchable_by
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core import clocks
from cshub.core.pages import form_page, record_failed
from cshub.core.vocab import AgencyKind
from cshub.frontdoor.matching import likely_matches
from cshub.people.selectors import relationships_of

from . import policy, selectors, services
from .choices import Source
from .forms import (
    EpisodeForm,
    InterviewForm,
    MatchForm,
    MeetingForm,
    NotOfferedForm,
    OfferForm,
    ReturnForm,
    ShareForm,
)
from .models import StrategyMeetingPrompt
from .policy import Need, access_episode

# --- queues --------------------------------------------------------------------------------------


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The worker's and manager's missing queue: interviews due (hours left, breaches first),
    children still missing, strategy-meeting prompts, unmatched police reports."""
    now = timezone.now()
    rhi = selectors.rhi_queue(user=request.user, now=now)
    missing = list(selectors.still_missing(user=request.user)[: selectors.SECTION_LIMIT])
    prompts = list(selectors.open_prompts(user=request.user)[: selectors.SECTION_LIMIT])
    unmatched = selectors.unmatched_reports().count() if policy.can_match(request.user) else None
    record(
        action="missing.queue.viewed",
        details={"rhi": len(rhi), "missing": len(missing), "prompts": len(prompts)},
    )
    return render(
        request,
        "missing/queue.html",
        {
            "rhi": rhi,
            "breaches": sum(1 for r in rhi if r.clock and r.clock.overdue),
            "still_missing": missing,
            "prompts": prompts,
            "unmatched": unmatched,
            "now": now,
        },
    )


@require_GET
def unmatched(request: HttpRequest) -> HttpResponse:
    if not policy.can_match(request.user):
        record(action="missing.unmatched.viewed", outcome=Outcome.DENIED)
        raise Http404("No such page")
    reports = list(selectors.unmatched_reports()[:200])
    record(action="missing.unmatched.viewed", details={"shown": len(reports)})
    return render(request, "missing/unmatched.html", {"reports": reports})


@require_http_methods(["GET", "POST"])
def unmatched_resolve(request: HttpRequest, episode_id) -> HttpResponse:
    is_post = request.method == "POST"
    episode = policy.access_unmatched(
        request.user, episode_id, action=None if is_post else "missing.unmatched.opened"
    )
    candidates = likely_matches(
        within=people_searchable_by(request.user),
        given_name=episode.reported_given_name,
        family_name=episode.reported_family_name,
        date_of_birth=episode.reported_date_of_birth,
        identifier=episode.reported_police_nominal_id or episode.reported_nhs_number,
    )
    form = MatchForm(request.POST or None, candidates=candidates)

    def save(data):
        person = None if data["choice"] == MatchForm.NEW else form.candidates[data["choice"]].person
        return services.episode_link_person(episode=episode, person=person, actor=request.user)

    def done(person):
        messages.success(
            request, f"Report {episode.police_reference} linked to {person.full_name}."
        )
        return redirect("missing:unmatched")

    return form_page(
        request,
        form=form,
        template="missing/resolve.html",
        context={"episode": episode, "candidates": candidates},
        save=save,
        failed_action="missing.episode.match_refused",
        obj=episode,
        person_id=None,
        done=done,
    )


# --- episodes ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def episode_new(request: HttpRequest, person_id) -> HttpResponse:
    is_post = request.method == "POST"
    action = "missing.episode.new_viewed"
    if not policy.can_record_episode(request.user):
        record(action=action, outcome=Outcome.DENIED, person_id=None)
        raise Http404("No such page")
    person, _grants = access_person(request.user, person_id, action=None if is_post else action)
    linked = [r["other"] for r in relationships_of(person) if r.get("other") is not None]
    own_force = (
        request.user.memberships.filter(ended_on__isnull=True, team__agency__kind=AgencyKind.POLICE)
        .values_list("team__agency", flat=True)
        .first()
    )
    form = EpisodeForm(request.POST or None, people_choices=linked, own_force=own_force)

    def save(data):
        report = services.Report(
            police_reference=data["police_reference"],
            reported_at=data["reported_at"],
            notified_at=data["notified_at"],
            given_name=person.given_name,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            missing_from=data["missing_from"],
            placement_type=data["placement_type"],
            episode_type=data["episode_type"],
            police_risk=data["police_risk"],
            last_seen_at=data["last_seen_at"],
            last_seen_where=data["last_seen_where"],
            last_seen_with=data["last_seen_with"],
            last_seen_place=data["last_seen_place"],
            person=person,
            people_with=tuple(data.get("people_with") or ()),
        )
        episode, created = services.report_missing(
            agency=data["reporting_agency"], report=report, source=Source.WEB, actor=request.user
        )
        if not created:
            raise ValidationError(
                {"police_reference": "An episode with this police reference is already recorded."}
            )
        return episode

    def done(episode):
        messages.success(request, f"Missing episode {episode.police_reference} recorded.")
        return redirect("missing:episode", episode_id=episode.id)

    return form_page(
        request,
        form=form,
        template="missing/episode_new.html",
        context={"person": person},
        save=save,
        failed_action="missing.episode.record_refused",
        obj=None,
        person_id=person.pk,
        done=done,
    )


@require_GET
def episode_detail(request: HttpRequest, episode_id) -> HttpResponse:
    episode, person, _grants = access_episode(
        request.user, episode_id, action="missing.episode.viewed"
    )
    rhi = getattr(episode, "rhi", None)
    return render(
        request,
        "missing/episode.html",
        {
            "episode": episode,
            "person": person,
            "rhi": rhi,
            "signs": list(rhi.signs.all()) if rhi else [],
            "people_named": list(episode.people_named.select_related("person")),
            "can_record": policy.can_record_episode(request.user),
            "can_interview": policy.can_interview(request.user),
            "share_form": ShareForm(),
            "offer_clock": (
                clocks.clock_state(episode.rhi_due_at, timezone.now())
                if episode.rhi_due_at
                else None
            ),
        },
    )


def _to_person(request, person, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("people:detail", person_id=person.pk)


def _to_episode(request, episode, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("missing:episode", episode_id=episode.id)


@require_http_methods(["GET", "POST"])
def episode_return(request: HttpRequest, episode_id) -> HttpResponse:
    is_post = request.method == "POST"
    episode, person, _ = access_episode(
        request.user,
        episode_id,
        action=None if is_post else "missing.return.viewed",
        need=Need.RECORD,
    )
    form = ReturnForm(request.POST or None)
    return form_page(
        request,
        form=form,
        template="missing/return.html",
        context={"episode": episode, "person": person},
        save=lambda d: services.record_return(
            episode=episode,
            returned_at=d["returned_at"],
            found_where=d["found_where"],
            found_place=d["found_place"],
            return_method=d["return_method"],
            actor=request.user,
        ),
        failed_action="missing.episode.return_refused",
        obj=episode,
        person_id=person.pk,
        done=lambda r: _to_episode(request, episode, "Return recorded; the 72-hour clock runs."),
    )


@require_http_methods(["GET", "POST"])
def rhi_offer(request: HttpRequest, episode_id) -> HttpResponse:
    is_post = request.method == "POST"
    episode, person, _ = access_episode(
        request.user,
        episode_id,
        action=None if is_post else "missing.rhi.offer_viewed",
        need=Need.INTERVIEW,
    )
    rhi = getattr(episode, "rhi", None)
    initial = {}
    if rhi and rhi.offered_at:
        local = timezone.localtime(rhi.offered_at)
        initial = {
            "offered_at_date": local.date(),
            "offered_at_time": f"{local:%H:%M}",
            "response": rhi.response,
            "declined_reason": rhi.declined_reason,
        }
    form = OfferForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form=form,
        template="missing/offer.html",
        context={"episode": episode, "person": person},
        save=lambda d: services.rhi_offer(
            episode=episode,
            offered_at=d["offered_at"],
            response=d["response"],
            declined_reason=d["declined_reason"],
            actor=request.user,
        ),
        failed_action="missing.rhi.offer_refused",
        obj=episode,
        person_id=person.pk,
        done=lambda r: _to_episode(request, episode, "Offer recorded."),
    )


@require_http_methods(["GET", "POST"])
def rhi_not_offered(request: HttpRequest, episode_id) -> HttpResponse:
    is_post = request.method == "POST"
    episode, person, _ = access_episode(
        request.user,
        episode_id,
        action=None if is_post else "missing.rhi.not_offered_viewed",
        need=Need.INTERVIEW,
    )
    form = NotOfferedForm(request.POST or None)
    return form_page(
        request,
        form=form,
        template="missing/not_offered.html",
        context={"episode": episode, "person": person},
        save=lambda d: services.rhi_not_offered(
            episode=episode, reason=d["reason"], detail=d["detail"], actor=request.user
        ),
        failed_action="missing.rhi.not_offered_refused",
        obj=episode,
        person_id=person.pk,
        done=lambda r: _to_episode(request, episode, "Decision not to offer recorded."),
    )


@require_http_methods(["GET", "POST"])
def rhi_interview(request: HttpRequest, episode_id) -> HttpResponse:
    is_post = request.method == "POST"
    episode, person, _ = access_episode(
        request.user,
        episode_id,
        action=None if is_post else "missing.rhi.interview_viewed",
        need=Need.INTERVIEW,
    )
    rhi = getattr(episode, "rhi", None)
    initial: dict = {}
    if rhi and rhi.held_at:
        local = timezone.localtime(rhi.held_at)
        initial = {name: getattr(rhi, name) for name in services.INTERVIEW_FIELDS}
        initial.update(
            held_at_date=local.date(),
            held_at_time=f"{local:%H:%M}",
            interviewer_independent="yes" if rhi.interviewer_independent else "no",
        )
        for sign in rhi.signs.all():
            initial[f"sign_{sign.harm_type}"] = sign.detail or "Seen"
    form = InterviewForm(request.POST or None, initial=initial)

    def save(data):
        fields = {name: data[name] for name in services.INTERVIEW_FIELDS if name in data}
        return services.rhi_record_interview(
            episode=episode, fields=fields, signs=form.signs(), actor=request.user
        )

    return form_page(
        request,
        form=form,
        template="missing/interview.html",
        context={"episode": episode, "person": person},
        save=save,
        failed_action="missing.rhi.interview_refused",
        obj=episode,
        person_id=person.pk,
        done=lambda r: _to_episode(request, episode, "Interview recorded."),
    )


@require_POST
def rhi_share(request: HttpRequest, episode_id) -> HttpResponse:
    episode, person, _ = access_episode(request.user, episode_id, action=None, need=Need.INTERVIEW)
    form = ShareForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("__all__") or "The form was not accepted.")
        services.rhi_share(episode=episode, actor=request.user)
    except ValidationError as exc:
        record_failed("missing.rhi.share_refused", episode, person.pk, {"share": exc.messages})
        messages.error(request, " ".join(exc.messages))
        return redirect("missing:episode", episode_id=episode.id)
    return _to_episode(request, episode, "Outcome shared with the police.")


# --- strategy meetings ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def prompt_meeting(request: HttpRequest, prompt_id) -> HttpResponse:
    is_post = request.method == "POST"
    action = "missing.strategy_prompt.viewed"
    prompt = StrategyMeetingPrompt.objects.filter(pk=as_uuid(prompt_id)).first()
    if prompt is None or not policy.can_record_meeting(request.user):
        record(
            action=action if not is_post else "missing.strategy_meeting.requested",
            outcome=Outcome.DENIED,
            person_id=prompt.person_id if prompt else None,
            details={"requested_id": str(prompt_id)[:64]},
        )
        raise Http404("No such record")
    person, _ = access_person(
        request.user, prompt.person_id, action=None if is_post else action, obj=prompt
    )
    episodes = list(selectors.episodes_of(person=person)[:20])
    form = MeetingForm(request.POST or None)
    return form_page(
        request,
        form=form,
        template="missing/meeting.html",
        context={"prompt": prompt, "person": person, "episodes": episodes},
        save=lambda d: services.strategy_meeting_record(
            prompt=prompt,
            meeting_on=d["meeting_on"],
            attendees=d["attendees"],
            outcome=d["outcome"],
            actor=request.user,
        ),
        failed_action="missing.strategy_meeting.refused",
        obj=prompt,
        person_id=person.pk,
        done=lambda p: _to_person(request, person, "Strategy meeting recorded; prompt cleared."),
    )
