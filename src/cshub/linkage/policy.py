"""Who may do what in linkage.

- Data stewards run and fix imports, review uncertain matches, merge and split people.
- The data protection officer sees the imports, the queue, runs and merges, read-only.
- Everyone else: a 404, the same as for a missing page, with one audit row marked "denied".

Source systems' flags on a person's profile are limited by agency: a school never sees police
or health systems' flags (SECURITY.md 7); `can_see_flags` holds the table.
"""

from __future__ import annotations

from cshub.core.vocab import AgencyKind, Role

from .choices import SourceKind

STEWARD_ROLES = (Role.DATA_STEWARD, Role.DATA_PROTECTION_OFFICER)

# Which agencies' staff see the flags each kind of source system holds.
FLAGS_SEEN_BY = {
    SourceKind.SOCIAL_CARE: {
        AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.EARLY_HELP, AgencyKind.YOUTH_JUSTICE,
        AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.EDUCATION,
    },
    SourceKind.EDUCATION: {
        AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.EARLY_HELP, AgencyKind.YOUTH_JUSTICE,
        AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.EDUCATION,
    },
    SourceKind.POLICE: {
        AgencyKind.POLICE, AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.YOUTH_JUSTICE,
    },
    SourceKind.YOUTH_JUSTICE: {
        AgencyKind.YOUTH_JUSTICE, AgencyKind.POLICE, AgencyKind.CHILDRENS_SOCIAL_CARE,
    },
    SourceKind.HEALTH: {AgencyKind.HEALTH, AgencyKind.CHILDRENS_SOCIAL_CARE},
    SourceKind.OTHER: {AgencyKind.CHILDRENS_SOCIAL_CARE},
}  # fmt: skip


def _roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(user.memberships.filter(ended_on__isnull=True).values_list("role", flat=True))


def can_view_linkage(user) -> bool:
    """Every linkage page: imports, the model and runs, the review queue, merges (the DPO reads
    them; stewards act)."""
    return bool(_roles(user) & set(STEWARD_ROLES))


def can_steward(user) -> bool:
    """Decide pairs, undo decisions, split merges."""
    return Role.DATA_STEWARD in _roles(user)


def flag_kinds_for(user) -> set[str]:
    """The kinds of source system whose flags this user sees."""
    if not user.is_authenticated:
        return set()
    rows = list(
        user.memberships.filter(ended_on__isnull=True).values_list("role", "team__agency__kind")
    )
    if any(role in STEWARD_ROLES for role, _ in rows):
        return set(SourceKind.values)
    agencies = {agency for _, agency in rows}
    return {kind for kind, seen_by in FLAGS_SEEN_BY.items() if agencies & seen_by}
