from .policy import can_record_episode


def nav(request):
    """Whether the menu shows "Missing": for children's services and the police team."""
    user = getattr(request, "user", None)
    return {
        "nav_missing": bool(user is not None and user.is_authenticated and can_record_episode(user))
    }
