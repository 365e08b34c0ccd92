from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    name = "cshub.frontdoor"
    label = "frontdoor"
    verbose_name = "Integrated Front Door"

    def ready(self) -> None:
        from cshub.access import registry
        from cshub.people import timeline

        from . import relationships

        registry.register(relationships.FRONT_DOOR_TRIAGE)
        timeline.register(relationships.contact_events)
