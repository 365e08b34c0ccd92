from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "cshub.linkage"
    label = "linkage"
    verbose_name = "Record linkage: source systems, imports and matching"
