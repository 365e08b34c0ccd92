from django.conf import settings

from cshub.core.vocab import Role, TeamFunction

# Roles that see the "Linkage" menu item (linkage.policy decides what each may do there).
LINKAGE_ROLES = (Role.DATA_STEWARD, Role.DATA_PROTECTION_OFFICER)


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
    }
