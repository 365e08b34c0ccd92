from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cshub.demo"
    label = "demo"
    verbose_name = "Synthetic borough"

    def ready(self) -> None:
        from . import extensions, seed_assessments

        extensions.register(seed_assessments.EXTENSION)
        from . import seed_frontdoor

        extensions.register(seed_frontdoor.EXTENSION)
        from . import seed_missing

        extensions.register(seed_missing.EXTENSION)
        from . import seed_nrm

        extensions.register(seed_nrm.EXTENSION)
        from . import seed_disruption

        extensions.register(seed_disruption.EXTENSION)
        from . import seed_panels

        extensions.register(seed_panels.EXTENSION)
        from . import seed_interventions

        extensions.register(seed_interventions.INTERVENTIONS_EXTENSION)
        extensions.register(seed_interventions.WORKFORCE_EXTENSION)
        from . import seed_population

        extensions.register(seed_population.EXTENSION)
        from . import seed_linkage

        extensions.register(seed_linkage.EXTENSION)
