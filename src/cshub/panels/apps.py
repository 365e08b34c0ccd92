from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "cshub.panels"
    label = "panels"
    verbose_name = "Panels and meetings"

    def ready(self) -> None:
        from cshub.access import registry
        from cshub.people import profile, timeline

        from .profile import PROFILE_SECTION, panel_events
        from .relationships import PANEL_AGENDA, PANEL_COORDINATION

        registry.register(PANEL_AGENDA)
        registry.register(PANEL_COORDINATION)
        profile.register(PROFILE_SECTION)
        timeline.register(panel_events)
