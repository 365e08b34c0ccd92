from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "cshub.missing"
    label = "missing"
    verbose_name = "Missing episodes and Return Home Interviews"

    def ready(self) -> None:
        from cshub.access import registry
        from cshub.people import profile, timeline

        from . import relationships
        from .profile import PROFILE_SECTION, missing_events

        registry.register(relationships.MISSING_COORDINATION)
        profile.register(PROFILE_SECTION)
        timeline.register(missing_events)
