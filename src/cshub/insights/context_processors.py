from .policy import can_view_dashboard


def nav(request):
    """Whether the menu shows "KPIs": for managers, analysts and panel chairs."""
    user = getattr(request, "user", None)
    return {"nav_insights": bool(user is not None and can_view_dashboard(user))}
