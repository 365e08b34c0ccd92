from django.apps import AppConfig


class DisruptionConfig(AppConfig):
    name = "cshub.disruption"
    label = "disruption"
    verbose_name = "Disruption of adults of concern, places and groups"

    def ready(self) -> None:
        from cshub.people import profile, timeline

        from .profile import PROFILE_SECTION, disruption_events

        profile.register(PROFILE_SECTION)
        timeline.register(disruption_events)
