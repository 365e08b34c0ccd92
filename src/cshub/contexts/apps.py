from django.apps import AppConfig


class ContextsConfig(AppConfig):
    name = "cshub.contexts"
    label = "contexts"
    verbose_name = "Places, groups and associations"

    def ready(self) -> None:
        from cshub.people import timeline

        from .timeline import context_events

        timeline.register(context_events)
