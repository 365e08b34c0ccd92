from .policy import can_view_workforce


def nav(request):
    """Whether the menu shows "Workforce": for managers and the HSB service."""
    user = getattr(request, "user", None)
    return {
        "nav_workforce": bool(
            user is not None and user.is_authenticated and can_view_workforce(user)
        )
    }
