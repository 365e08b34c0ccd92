from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "cshub.interventions"
    label = "interventions"
    verbose_name = "Interventions and education, employment and training"

    def ready(self) -> None:
        from cshub.people import profile, timeline

        from .profile import PROFILE_SECTION, intervention_events

        profile.register(PROFILE_SECTION)
        timeline.register(intervention_events)
