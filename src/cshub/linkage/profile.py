"""A person's source records on their profile (registered in `LinkageConfig.ready`): which
systems hold a record of them, how each was matched and how sure, and each system's flags,
shown only to agencies that may see that system's flags (`policy.FLAGS_SEEN_BY`)."""

from __future__ import annotations

from cshub.people.profile import ProfileSection

from . import policy, selectors


def _flags(flags: dict) -> list[tuple[str, str]]:
    """A system's flags as (label, value) to show: "ce_flag" → "CE", True → "yes"."""
    out = []
    for key, value in sorted(flags.items()):
        label = key.removesuffix("_flag").replace("_pct", " %").replace("_", " ")
        label = label.upper() if len(label) <= 4 else label.capitalize()
        if isinstance(value, bool) or value is None:
            value = {True: "yes", False: "no", None: "not known"}[value]
        out.append((label, str(value)))
    return out


def _context(user, person) -> dict:
    kinds = policy.flag_kinds_for(user)
    rows = []
    for rec in selectors.source_records_for(person):
        decision = next(
            (d for c in rec.candidates.all() for d in c.decisions.all() if d.decision == "link"),
            None,
        )
        rows.append(
            {
                "record": rec,
                "flags": _flags(rec.flags) if rec.system.kind in kinds else None,
                "decided_by": decision.decided_by if decision else None,
                "decided_at": decision.decided_at if decision else None,
            }
        )
    return {
        "records": rows,
        "merged_from": list(
            person.merges_kept.filter(split_at__isnull=True).select_related("absorbed")
        ),
        "merged_into": person.merged_into if person.merged_into_id else None,
        "can_view_linkage": policy.can_view_linkage(user),
    }


PROFILE_SECTION = ProfileSection(
    key="source-records",
    title="Records in partner systems",
    template="linkage/_profile_section.html",
    context=_context,
    order=90,
)
