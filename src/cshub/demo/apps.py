from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cshub.demo"
    label = "demo"
    verbose_name = "Synthetic borough"
