"""Who may open the KPI dashboard.

Managers, analysts and panel chairs see the partnership's figures: aggregates name no one, so
they need no relationship with any child. The drill-down behind a number then lists only the
records the viewer may see (`access.people_visible_to`), and counts the rest. Everyone else: a
404, the same as for a missing page, with an audit row marked "denied".
"""

from __future__ import annotations

from cshub.core.vocab import Role

DASHBOARD_ROLES = (Role.MANAGER, Role.ANALYST, Role.PANEL_CHAIR)


def can_view_dashboard(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.memberships.filter(ended_on__isnull=True, role__in=DASHBOARD_ROLES).exists()
