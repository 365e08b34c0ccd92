from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "cshub.workforce"
    label = "workforce"
    verbose_name = "Workforce: training and HSB consultations"

    def ready(self) -> None:
        from cshub.people import profile

        from .profile import PROFILE_SECTION

        profile.register(PROFILE_SECTION)
