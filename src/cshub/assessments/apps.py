from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "cshub.assessments"
    label = "assessments"
    verbose_name = "Exploitation risk (BACE) and HSB (AIM3) assessments"

    def ready(self) -> None:
        from cshub.access import registry
        from cshub.people import profile, timeline

        from . import relationships
        from .profile import PROFILE_SECTION, assessment_events

        registry.register(relationships.ASSESSMENT_IN_PROGRESS)
        profile.register(PROFILE_SECTION)
        timeline.register(assessment_events)
