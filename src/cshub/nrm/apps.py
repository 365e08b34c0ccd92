from django.apps import AppConfig


class NrmConfig(AppConfig):
    name = "cshub.nrm"
    label = "nrm"
    verbose_name = "National Referral Mechanism"

    def ready(self) -> None:
        from cshub.people import profile, timeline

        from .profile import PROFILE_SECTION, nrm_events

        profile.register(PROFILE_SECTION)
        timeline.register(nrm_events)
