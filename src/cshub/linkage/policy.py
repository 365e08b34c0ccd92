"""Who may see the linkage pages: data stewards, who run and fix imports, and the data protection
officer. A refusal is a 404, the same as for a missing page, with one audit row marked "denied"."""

from __future__ import annotations

from cshub.core.vocab import Role

STEWARD_ROLES = (Role.DATA_STEWARD, Role.DATA_PROTECTION_OFFICER)


def can_view_imports(user) -> bool:
    return (
        user.is_authenticated
        and user.memberships.filter(ended_on__isnull=True, role__in=STEWARD_ROLES).exists()
    )
