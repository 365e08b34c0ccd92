from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "cshub.access"
    label = "access"
    verbose_name = "Need-to-know access"

    def ready(self) -> None:
        from . import providers, registry

        registry.register(providers.PARTNERSHIP_SCOPE)
        registry.register(providers.RECENTLY_RECORDED)
        registry.register(providers.BREAK_GLASS)
