from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "cshub.people"
    label = "people"
    verbose_name = "People and cases"

    def ready(self) -> None:
        from cshub.access import registry

        from . import relationships, timeline

        timeline.register(timeline.people_events)
        registry.register(relationships.CASE_ALLOCATION)
