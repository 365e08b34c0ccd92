from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "cshub.linkage"
    label = "linkage"
    verbose_name = "Record linkage: source systems, imports and matching"

    def ready(self) -> None:
        from cshub.access import registry
        from cshub.people import profile

        from .profile import PROFILE_SECTION
        from .relationships import LINKAGE_REVIEW

        profile.register(PROFILE_SECTION)
        registry.register(LINKAGE_REVIEW)
