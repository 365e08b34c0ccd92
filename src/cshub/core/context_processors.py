from django.conf import settings

from cshub.core.vocab import TeamFunction


def cshub(request):
    """What every page needs: demo mode, and which parts of the menu this user has."""
    user = getattr(request, "user", None)
    front_door = False
    if user is not None and user.is_authenticated:
        front_door = user.memberships.filter(
            ended_on__isnull=True, team__function=TeamFunction.FRONT_DOOR
        ).exists()
    return {"demo_mode": settings.CSHUB_DEMO_MODE, "nav_front_door": front_door}
