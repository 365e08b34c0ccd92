"""Building panels, meetings and judgements through the services, at the moments they happen."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from cshub.accounts.models import Agency
from cshub.panels import services
from cshub.panels.choices import PanelKind
from cshub.panels.models import Panel
from tests import factories

LONDON = ZoneInfo("Europe/London")


def panel(kind=PanelKind.MACE, chair=None) -> Panel:
    p, _ = Panel.objects.get_or_create(
        kind=kind, name=f"{PanelKind(kind).label} (test)", defaults={"chair": chair}
    )
    p.member_agencies.set(Agency.objects.all())
    return p


def meeting(borough, *, starts_at, invitees=(), kind=PanelKind.MACE, chair=None):
    chair = chair or borough["users"]["specialist_manager"]
    return services.meeting_create(
        actor=chair,
        panel=panel(kind, chair),
        starts_at=starts_at,
        chair=chair,
        location="Town hall, room 2",
        invitees=[borough["users"][u] if isinstance(u, str) else u for u in invitees],
    )


def child(**kwargs):
    kwargs.setdefault("date_of_birth", dt.date(2011, 3, 4))
    return factories.PersonFactory(**kwargs)


def held_mace(borough, day: dt.date, judgements: dict) -> dict:
    """A MACE meeting held on `day` at 10:00 (the clock moved there for the whole cycle), with one
    item per child in `judgements` ({person: {harm: level}}), published and minuted."""
    start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=LONDON)
    actor = borough["users"]["specialist_manager"]
    items = {}
    with time_machine.travel(start - dt.timedelta(days=7), tick=False):
        m = meeting(borough, starts_at=start, invitees=["school_dsl"])
        for person in judgements:
            items[person] = services.item_add(
                actor=actor, meeting=m, person=person, purpose="Exploitation risk"
            )
        services.meeting_publish(actor=actor, meeting=m)
    with time_machine.travel(start + dt.timedelta(hours=2), tick=False):
        for person, levels in judgements.items():
            services.item_minute(
                actor=actor,
                item=items[person],
                information_shared="Police and school shared what they know.",
                discussion="Pull factors and who the child is with.",
                decision="Keep on MACE; disruption plan.",
                judgements=[
                    {
                        "harm_type": harm,
                        "level": level,
                        "rationale": f"{harm} judged {level} on what partners shared.",
                        "child_voice": "Says they feel safer at school.",
                    }
                    for harm, level in levels.items()
                ],
            )
    return {"meeting": m, "items": items}
