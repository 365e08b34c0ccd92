from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "cshub.people"
    label = "people"
    verbose_name = "People and cases"

    def ready(self) -> None:
        from . import timeline

        timeline.register(timeline.people_events)
