from django.conf import settings

from cshub.core.vocab import Role, TeamFunction

# Roles that see the "Linkage" menu item (linkage.policy decides what each may do there).
LINKAGE_ROLES = (Role.DATA_STEWARD, Role.DATA_PROTECTION_OFFICER)
# Who sees the "Workforce" menu item: managers (their teams' training; the partnership-wide ones
# all of it) and the HSB service (its consultations); workforce.policy decides the rest, and
# tests/workforce checks the two agree.
HSB_SERVICE_ROLES = (Role.PRACTITIONER, Role.MANAGER)
# Who sees the "KPIs" menu item: the same roles as insights.policy.DASHBOARD_ROLES (core sits
# below insights, so it cannot import them; tests/insights checks the two agree).
KPI_ROLES = (Role.MANAGER, Role.ANALYST, Role.PANEL_CHAIR)


def cshub(request):
    """What every page needs: demo mode, and which parts of the menu this user has (one query
    for the user's current memberships)."""
    user = getattr(request, "user", None)
    current: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        current = list(
            user.memberships.filter(ended_on__isnull=True).values_list("team__function", "role")
        )
    return {
        "demo_mode": settings.CSHUB_DEMO_MODE,
        "nav_front_door": any(f == TeamFunction.FRONT_DOOR for f, _ in current),
        "nav_linkage": any(r in LINKAGE_ROLES for _, r in current),
        "nav_insights": any(r in KPI_ROLES for _, r in current),
        "nav_workforce": any(
            r == Role.MANAGER or (f == TeamFunction.HSB_SERVICE and r in HSB_SERVICE_ROLES)
            for f, r in current
        ),
    }
